;; Lifetime tests: the module that owns a table other instances put their functions into.
(module
  (type $v_i (func (result i32)))
  (table (export "table") 8 funcref)
  (func (export "call_at") (param i32) (result i32)
    (call_indirect (type $v_i) (local.get 0))))
