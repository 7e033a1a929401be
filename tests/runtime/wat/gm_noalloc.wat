;; A module with a memory but no allocator (guest_memory_test.cpp).
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\00")
  (data (i32.const 65530) "tail"))
