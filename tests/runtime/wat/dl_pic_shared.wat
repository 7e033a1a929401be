;; A side module importing a shared memory (side_module_test.cpp): the main module's is not.
(module
  (import "env" "__memory_base" (global i32))
  (import "env" "memory" (memory 1 2 shared)))
