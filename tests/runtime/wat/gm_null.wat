;; An allocator that always fails (guest_memory_test.cpp).
(module
  (memory (export "memory") 1)
  (func (export "malloc") (param i32) (result i32) (i32.const 0))
  (func (export "free") (param i32)))
