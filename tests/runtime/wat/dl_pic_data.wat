;; A side module with only static data (side_module_test.cpp): the word 42 at __memory_base.
(module
  (import "env" "memory" (memory 1))
  (import "env" "__memory_base" (global $mb i32))
  (data (global.get $mb) "\2a\00\00\00")
  (global (export "answer") i32 (i32.const 0)))
