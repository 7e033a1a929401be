;; Per-instance state: a memory cell and a global (instance_test.cpp, 100 instances).
(module
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (func (export "set") (param i32)
    (i32.store (i32.const 16) (local.get 0)))
  (func (export "add") (param i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (local.get 0)))
    (i32.load (i32.const 16)))
  (func (export "calls") (result i32) (global.get $calls)))
