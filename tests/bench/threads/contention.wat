;; The threads suite of tests/bench/run.py (--suite threads): one module, two threads, each with
;; its own instance over the same imported shared memory. Built with `wat2wasm --enable-threads`.
;; Cells (each on its own 64-byte line): 0 the counter incr adds to, 64 the ping-pong turn.
;;   incr(n)        n `i32.atomic.rmw.add 1` on the counter; returns the last value it saw.
;;   ping(n, role)  role 0 and role 1 take turns n times each: a thread waits (wait32, no
;;                  spinning) until turn == 2*i + role, stores turn + 1 and notifies the other.
;;                  One round trip is two hops; afterwards turn == 2n. Returns the turn it left.
(module
  (import "env" "memory" (memory 1 1 shared))

  (func (export "incr") (param $n i32) (result i32)
    (local $i i32) (local $v i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.atomic.load (i32.const 0)))))
    (loop $l
      (local.set $v (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.add (local.get $v) (i32.const 1)))

  (func (export "ping") (param $n i32) (param $role i32) (result i32)
    (local $i i32) (local $want i32) (local $seen i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $round
        (local.set $want (i32.add (i32.shl (local.get $i) (i32.const 1)) (local.get $role)))
        ;; Wait for our turn. wait32 returns at once ("not-equal") if the turn moved on
        ;; between the load and the wait, so a notify is never lost.
        (loop $wait
          (local.set $seen (i32.atomic.load (i32.const 64)))
          (if (i32.ne (local.get $seen) (local.get $want))
            (then
              (drop (memory.atomic.wait32 (i32.const 64) (local.get $seen) (i64.const -1)))
              (br $wait))))
        (i32.atomic.store (i32.const 64) (i32.add (local.get $want) (i32.const 1)))
        (drop (memory.atomic.notify (i32.const 64) (i32.const 1)))
        (br_if $round (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
    (i32.atomic.load (i32.const 64)))

  ;; The counter and the turn, for the drivers' checks.
  (func (export "counter") (result i32) (i32.atomic.load (i32.const 0)))
  (func (export "turn") (result i32) (i32.atomic.load (i32.const 64))))
