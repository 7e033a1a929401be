;; A WASI guest: "say" writes "hi\n" to stdout, "quit" calls proc_exit, "argc"/"envc" count.
(module $wasi
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "host" "extra" (func $extra (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\n")
  (func (export "say") (result i32)
    (i32.store (i32.const 0) (i32.const 16))  ;; iovec.buf
    (i32.store (i32.const 4) (i32.const 3))   ;; iovec.len
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "quit") (param i32) (call $proc_exit (local.get 0)))
  (func (export "extra") (result i32) (call $extra))
  (func (export "argc") (result i32)
    (drop (call $args_sizes_get (i32.const 100) (i32.const 104)))
    (i32.load (i32.const 100)))
  (func (export "envc") (result i32)
    (drop (call $environ_sizes_get (i32.const 100) (i32.const 104)))
    (i32.load (i32.const 100)))
)
