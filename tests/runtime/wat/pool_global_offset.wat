;; Instance pool: a data segment whose offset is an imported global (no image: copied).
(module
  (import "env" "base" (global $base i32))
  (memory (export "memory") 1)
  (data (global.get $base) "hi")
  (data (i32.const 10) "const")
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "scribble")
    (drop (memory.grow (i32.const 1)))
    (memory.fill (i32.const 0) (i32.const 0xab) (i32.mul (memory.size) (i32.const 65536)))))
