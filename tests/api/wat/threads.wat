;; wasi-threads through the Linker (tests/api/api_test.cpp): each spawned thread adds its
;; argument to the word at 0 of the shared memory every instance of the program imports.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (drop (i32.atomic.rmw.add (i32.const 0) (local.get $arg))))
  (func (export "spawn") (param i32) (result i32) (call $spawn (local.get 0)))
  (func (export "total") (result i32) (i32.atomic.load (i32.const 0))))
