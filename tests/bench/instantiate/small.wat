;; The small module of the instantiation benchmark: one page, one data segment, one global,
;; a trivial export.
(module
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 16) "hello, instance")
  (func (export "ping") (param i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.add (local.get 0) (i32.load8_u (i32.const 16)))))
