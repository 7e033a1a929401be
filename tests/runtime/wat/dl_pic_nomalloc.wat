;; A main module without malloc (side_module_test.cpp): side modules' static data comes from
;; memory.grow, up to its maximum of 3 pages.
(module
  (memory (export "memory") 1 3)
  (table (export "__indirect_function_table") 0 funcref)
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0))))
