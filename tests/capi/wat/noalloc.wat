;; A guest with memory but no allocator.
(module $noalloc
  (memory (export "memory") 1))
