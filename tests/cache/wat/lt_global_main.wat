;; Lifetime tests: defines a mutable funcref global other instances (or the host) store their
;; functions into, and calls whatever the global holds through its own table.
(module
  (type $v_i (func (result i32)))
  (table 1 funcref)
  (global $g (export "g") (mut funcref) (ref.null func))
  (func $own (result i32) (i32.const 5))
  (elem declare func $own)
  (func (export "set_own") (global.set $g (ref.func $own)))
  (func (export "call_global") (result i32)
    (table.set 0 (i32.const 0) (global.get $g))
    (call_indirect (type $v_i) (i32.const 0))))
