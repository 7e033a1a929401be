;; Lifetime tests: imports a funcref global and stores its own function $f there.
(module
  (import "main" "g" (global $g (mut funcref)))
  (func $f (export "f") (result i32) (i32.const 77))
  (elem declare func $f)
  (func (export "set") (global.set $g (ref.func $f))))
