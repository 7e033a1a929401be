;; A main module for side_module_test.cpp, shaped like wasm-ld's output for a main module that
;; side modules link against: it exports its memory, its table as __indirect_function_table,
;; __stack_pointer, malloc, a data symbol and functions, and imports tern.dlopen/tern.dlsym.
(module
  (type $i_i (func (param i32) (result i32)))
  (import "tern" "dlopen" (func $dlopen (param i32) (result i32)))
  (import "tern" "dlsym" (func $dlsym (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table (export "__indirect_function_table") 2 funcref)
  (global (export "__stack_pointer") (mut i32) (i32.const 4096))
  (global $heap (mut i32) (i32.const 8192))
  (global (export "main_data") i32 (i32.const 1024))
  (data (i32.const 1024) "\2a\00\00\00")
  (data (i32.const 2000) "side\00side_twice\00side_value\00nope\00")
  (func $main_inc (export "main_inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "main_sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (elem (i32.const 1) $main_inc)
  ;; A bump allocator: 8-byte aligned blocks from 8192.
  (func (export "malloc") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.and (i32.add (i32.add (local.get $p) (local.get $n)) (i32.const 7)) (i32.const -8)))
    (local.get $p))
  (func (export "call") (param $slot i32) (param $arg i32) (result i32)
    (call_indirect (type $i_i) (local.get $arg) (local.get $slot)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "dlopen") (param i32) (result i32) (call $dlopen (local.get 0)))
  (func (export "dlsym") (param i32 i32) (result i32) (call $dlsym (local.get 0) (local.get 1))))
