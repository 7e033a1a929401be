;; Imports another instance's exports, defined in the linker under "first" (define_instance).
(module
  (import "first" "call_add" (func $add (param i32 i32) (result i32)))
  (import "first" "memory" (memory 1 3))
  (func (export "add_and_store") (param i32 i32) (result i32)
    (i32.store (i32.const 100) (call $add (local.get 0) (local.get 1)))
    (i32.load (i32.const 100))))
