;; Instance pool: data segments into an imported memory are written at every instantiation.
(module
  (import "env" "memory" (memory 1))
  (data (i32.const 8) "imp")
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))
