;; Lifetime tests: puts a host function it imports into the imported table.
(module
  (import "main" "table" (table $t 8 funcref))
  (import "env" "h" (func $h (result i32)))
  (elem declare func $h)
  (func (export "set") (param i32) (table.set $t (local.get 0) (ref.func $h))))
