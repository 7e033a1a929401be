;; Guest side of tests/threads/wasi_threads_test.sh and thread_group_test.cpp: a wasi-threads
;; program over an imported shared memory. wasi_thread_start(tid, mode) does, by mode:
;;   1 add tid to [4], increment [0] and notify it     3 proc_exit(7)
;;   2 unreachable                                     4 write "t\n" to stdout, then as mode 1
;;   5 wait until [8] != 0, then as mode 1
;; Cells: 0 finished threads, 4 sum of tids seen by threads, 8 release flag, 12 never written,
;; 16 iovec {32, 2}, 24 nwritten, 32 "t\n".
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))

  (func $finish (param $tid i32)
    (drop (i32.atomic.rmw.add (i32.const 4) (local.get $tid)))
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 0) (i32.const -1))))

  (func (export "wasi_thread_start") (param $tid i32) (param $mode i32)
    (if (i32.eq (local.get $mode) (i32.const 2)) (then unreachable))
    (if (i32.eq (local.get $mode) (i32.const 3)) (then (call $proc_exit (i32.const 7))))
    (if (i32.eq (local.get $mode) (i32.const 4))
      (then (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))
    (if (i32.eq (local.get $mode) (i32.const 5))
      (then (loop $wait
        (if (i32.eqz (i32.atomic.load (i32.const 8)))
          (then (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1))) (br $wait))))))
    (call $finish (local.get $tid)))

  ;; Waits until [0] >= n.
  (func $wait_for (param $n i32)
    (local $c i32)
    (loop $w
      (local.set $c (i32.atomic.load (i32.const 0)))
      (if (i32.lt_u (local.get $c) (local.get $n))
        (then (drop (memory.atomic.wait32 (i32.const 0) (local.get $c) (i64.const -1))) (br $w)))))

  ;; Waits forever (until interrupted).
  (func $park
    (loop $p (drop (memory.atomic.wait32 (i32.const 12) (i32.const 0) (i64.const -1))) (br $p)))

  ;; Spawns k threads that each count in; returns (finished, sum of tids the threads saw,
  ;; sum of tids spawn returned, smallest tid).
  (func (export "spawn_count") (param $k i32) (result i32 i32 i32 i32)
    (local $i i32) (local $tid i32) (local $sum i32) (local $min i32)
    (local.set $min (i32.const 0x7fffffff))
    (loop $l
      (local.set $tid (call $spawn (i32.const 1)))
      (local.set $sum (i32.add (local.get $sum) (local.get $tid)))
      (if (i32.lt_s (local.get $tid) (local.get $min)) (then (local.set $min (local.get $tid))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $k))))
    (call $wait_for (local.get $k))
    (i32.atomic.load (i32.const 0)) (i32.atomic.load (i32.const 4)) (local.get $sum) (local.get $min))

  ;; Spawns k threads that wait for the release flag; returns (spawned, first failure or 0).
  ;; With release = 1 it then releases them and waits until they finish.
  (func (export "spawn_over") (param $k i32) (param $release i32) (result i32 i32)
    (local $i i32) (local $tid i32) (local $ok i32) (local $fail i32)
    (loop $l
      (local.set $tid (call $spawn (i32.const 5)))
      (if (i32.gt_s (local.get $tid) (i32.const 0))
        (then (local.set $ok (i32.add (local.get $ok) (i32.const 1))))
        (else (if (i32.eqz (local.get $fail)) (then (local.set $fail (local.get $tid))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $k))))
    (if (local.get $release)
      (then
        (i32.atomic.store (i32.const 8) (i32.const 1))
        (drop (memory.atomic.notify (i32.const 8) (i32.const -1)))
        (call $wait_for (local.get $ok))))
    (local.get $ok) (local.get $fail))

  ;; Spawns one thread in `mode` and waits forever: the thread's ending ends the program.
  (func (export "spawn_and_park") (param $mode i32)
    (drop (call $spawn (local.get $mode)))
    (call $park))

  ;; Spawns two threads that wait for the release flag, then proc_exit(3) in the main thread.
  (func (export "spawn_then_exit")
    (drop (call $spawn (i32.const 5)))
    (drop (call $spawn (i32.const 5)))
    (call $proc_exit (i32.const 3)))

  ;; Four threads write "t\n" to stdout; returns when all four have.
  (func (export "_start")
    (i32.store (i32.const 16) (i32.const 32))
    (i32.store (i32.const 20) (i32.const 2))
    (i32.store16 (i32.const 32) (i32.const 0x0a74))
    (drop (call $spawn (i32.const 4)))
    (drop (call $spawn (i32.const 4)))
    (drop (call $spawn (i32.const 4)))
    (drop (call $spawn (i32.const 4)))
    (call $wait_for (i32.const 4))))
