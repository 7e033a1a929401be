;; Lifetime tests: calls through an imported table (one caller instance per thread: an
;; instance's VMContext holds one thread's stack limit).
(module
  (type $v_i (func (result i32)))
  (import "main" "table" (table 8 funcref))
  (func (export "call_at") (param i32) (result i32)
    (call_indirect (type $v_i) (local.get 0))))
