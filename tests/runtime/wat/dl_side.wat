;; dlopen-style side module: imports the main module's memory and table, writes to the memory
;; and puts its function into the table at slot 1.
(module
  (type $v_i (func (result i32)))
  (import "main" "memory" (memory 1 2 shared))
  (import "main" "table" (table 4 funcref))
  (func $side (result i32) (i32.add (i32.load (i32.const 16)) (i32.const 1)))
  (elem (i32.const 1) $side)
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))
