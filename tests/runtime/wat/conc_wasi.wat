;; Concurrency test: WASI calls on one WASI context shared by every thread. Returns the sum of
;; the errnos (0) and leaves the results in memory.
(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (i32.add
      (i32.add (call $random_get (i32.const 0) (i32.const 32))
               (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 64)))
      (i32.add (call $fd_fdstat_get (i32.const 1) (i32.const 128))
               (call $args_sizes_get (i32.const 192) (i32.const 196))))))
