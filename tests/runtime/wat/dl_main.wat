;; dlopen-style main module: owns the memory and the table a side module links into.
(module
  (type $v_i (func (result i32)))
  (memory (export "memory") 1 2 shared)
  (table (export "table") 4 funcref)
  (func $own (result i32) (i32.const 7))
  (elem (i32.const 0) $own)
  (func (export "call_slot") (param i32) (result i32)
    (call_indirect (type $v_i) (local.get 0)))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))
