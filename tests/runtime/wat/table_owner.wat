;; Exports a table without a maximum (so it may grow to the implementation limit) whose slots
;; 0..3 hold functions returning 100..103, and table.grow / table.size on it.
(module
  (type $ret (func (result i32)))
  (table $t (export "table") 4 funcref)
  (func $f0 (type $ret) (i32.const 100))
  (func $f1 (type $ret) (i32.const 101))
  (func $f2 (type $ret) (i32.const 102))
  (func $f3 (type $ret) (i32.const 103))
  (elem (i32.const 0) $f0 $f1 $f2 $f3)
  (func (export "grow") (param $delta i32) (result i32)
    (table.grow $t (ref.null func) (local.get $delta)))
  (func (export "size") (result i32) (table.size $t)))
