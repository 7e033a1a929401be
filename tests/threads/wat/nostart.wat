;; A module that imports wasi.thread-spawn but exports no wasi_thread_start: spawning fails.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (func (export "spawn") (result i32) (call $spawn (i32.const 0))))
