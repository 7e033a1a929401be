;; Lifetime tests: imports a table and puts its own function $g there in every way wasm can
;; (table.set, table.copy, table.fill, table.init, table.grow); "g" is also exported for the host.
(module
  (type $v_i (func (result i32)))
  (import "main" "table" (table $t 8 funcref))
  (table $own 1 funcref)
  (elem (table $own) (i32.const 0) func $g)
  (elem $passive func $g)
  (func $g (export "g") (result i32) (i32.const 42))
  (func (export "set") (param i32) (table.set $t (local.get 0) (ref.func $g)))
  (func (export "copy") (param i32) (table.copy $t $own (local.get 0) (i32.const 0) (i32.const 1)))
  (func (export "fill") (param i32) (table.fill $t (local.get 0) (ref.func $g) (i32.const 1)))
  (func (export "init") (param i32) (table.init $t $passive (local.get 0) (i32.const 0) (i32.const 1)))
  (func (export "grow") (result i32) (table.grow $t (ref.func $g) (i32.const 1))))
