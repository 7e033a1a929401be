;; Guest side of tests/threads/atomics_test.cpp: every instance imports one shared memory.
;; Cells: 0 counter (xadd), 8 counter (cmpxchg loop), 16 i64 xor mask, 24 ping-pong turn,
;; 28 ping-pong hits, 32.. single-operator checks, 40/44/48 start barriers.
(module
  (import "env" "memory" (memory 1 1 shared))

  ;; Spins until $parties threads have arrived at the barrier in $cell, so that their loops
  ;; really overlap: starting host threads takes longer than 100,000 increments.
  (func $barrier (param $cell i32) (param $parties i32)
    (drop (i32.atomic.rmw.add (local.get $cell) (i32.const 1)))
    (loop $spin
      (br_if $spin (i32.lt_u (i32.atomic.load (local.get $cell)) (local.get $parties)))))

  ;; n increments with i32.atomic.rmw.add
  (func (export "add_n") (param $n i32) (param $parties i32)
    (call $barrier (i32.const 40) (local.get $parties))
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; n increments, each a load + i32.atomic.rmw.cmpxchg retried until it wins
  (func (export "cas_add_n") (param $n i32) (param $parties i32)
    (local $old i32)
    (call $barrier (i32.const 44) (local.get $parties))
    (loop $l
      (loop $retry
        (local.set $old (i32.atomic.load (i32.const 8)))
        (br_if $retry (i32.ne (local.get $old)
          (i32.atomic.rmw.cmpxchg (i32.const 8) (local.get $old) (i32.add (local.get $old) (i32.const 1))))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; n times i64.atomic.rmw.xor of `bits` (the and/or/xor cmpxchg loop under contention)
  (func (export "xor_n") (param $n i32) (param $bits i64) (param $parties i32)
    (call $barrier (i32.const 48) (local.get $parties))
    (loop $l
      (drop (i64.atomic.rmw.xor (i32.const 16) (local.get $bits)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; Ping-pong: player $me (0 or 1) waits for its turn in cell 24, checks that the hits so
  ;; far have its parity, counts a hit, hands the turn over and notifies. Returns how many
  ;; waits timed out (a lost wake-up shows up as a timeout instead of a hang).
  (func (export "play") (param $me i32) (param $rounds i32) (result i32)
    (local $timeouts i32)
    (loop $round
      (block $mine
        (loop $wait
          (br_if $mine (i32.eq (i32.atomic.load (i32.const 24)) (local.get $me)))
          (if (i32.eq (i32.const 2)
                (memory.atomic.wait32 (i32.const 24) (i32.sub (i32.const 1) (local.get $me)) (i64.const 5000000000)))
            (then (local.set $timeouts (i32.add (local.get $timeouts) (i32.const 1)))))
          (br $wait)))
      (if (i32.ne (i32.and (i32.atomic.load (i32.const 28)) (i32.const 1)) (local.get $me))
        (then unreachable))
      (drop (i32.atomic.rmw.add (i32.const 28) (i32.const 1)))
      (i32.atomic.store (i32.const 24) (i32.sub (i32.const 1) (local.get $me)))
      (drop (memory.atomic.notify (i32.const 24) (i32.const 1)))
      (br_if $round (local.tee $rounds (i32.sub (local.get $rounds) (i32.const 1)))))
    (local.get $timeouts))

  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait32_off4") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 offset=4 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))

  ;; Single operators with a constant offset, for alignment and result checks.
  (func (export "load32_off2") (param i32) (result i32) (i32.atomic.load offset=2 (local.get 0)))
  (func (export "load64_big_off") (param i32) (result i64) (i64.atomic.load offset=0x80000000 (local.get 0)))
  (func (export "store16") (param i32 i32) (i32.atomic.store16 (local.get 0) (local.get 1)))
  (func (export "load64") (param i32) (result i64) (i64.atomic.load (local.get 0)))
  (func (export "rmw8_sub") (param i32 i32) (result i32) (i32.atomic.rmw8.sub_u (local.get 0) (local.get 1)))
  (func (export "rmw16_and") (param i32 i64) (result i64) (i64.atomic.rmw16.and_u (local.get 0) (local.get 1)))
  (func (export "cmpxchg32_u") (param i32 i64 i64) (result i64)
    (i64.atomic.rmw32.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  ;; Operands in many registers at once: the cmpxchg must not lose the values around it.
  (func (export "crowded") (param $a i32) (result i32)
    (i32.add
      (i32.add (i32.add (local.get $a) (i32.const 1)) (i32.add (local.get $a) (i32.const 2)))
      (i32.add
        (i32.atomic.rmw.cmpxchg (i32.const 32) (local.get $a) (i32.const 7))
        (i32.atomic.rmw.or (i32.const 36) (i32.add (local.get $a) (i32.const 3))))))
  (func (export "fence") (atomic.fence))
)
