;; A broken allocator: its 32-byte block would end past the end of memory (guest_memory_test.cpp).
(module
  (memory (export "memory") 1)
  (func (export "malloc") (param i32) (result i32) (i32.const 65520)))
