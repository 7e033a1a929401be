;; Instance pool: a shared memory is never pooled; each instance gets a new one.
(module
  (memory (export "memory") 1 2 shared)
  (data (i32.const 20) "sh")
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))
