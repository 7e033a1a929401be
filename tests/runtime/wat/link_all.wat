;; One import of every kind, for the import-matching tests (tests/runtime/link_check_test.cpp):
;; each test provides matching objects except for one and checks the message naming it.
(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (import "env" "table" (table 2 5 funcref))
  (import "env" "memory" (memory 1 2))
  (import "env" "g" (global $g i32))
  (import "env" "gm" (global $gm (mut i64)))
  (func (export "call_f") (param i32) (result i32) (call $f (local.get 0)))
  (func (export "g") (result i32) (global.get $g))
  (func (export "size") (result i32) (memory.size)))
