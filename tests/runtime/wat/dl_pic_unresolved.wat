;; A side module importing a function no module exports (side_module_test.cpp).
(module
  (import "env" "memory" (memory 1))
  (import "env" "__memory_base" (global i32))
  (import "env" "nowhere" (func (param i32))))
