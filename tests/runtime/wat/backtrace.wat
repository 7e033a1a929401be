;; Compiled with --debug-names: a trap three calls deep, named frames (backtrace_test.cpp).
(module $bt
  (memory 1)
  (func $outer (export "outer") (param i32) (result i32)
    (i32.add (call $middle (local.get 0)) (i32.const 1)))
  (func $middle (param i32) (result i32)
    (i32.add (call $inner (local.get 0)) (i32.const 2)))
  ;; 0: unreachable (raised by a JIT stub); otherwise a load at that address (a fault).
  (func $inner (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then unreachable))
    (i32.load (local.get 0)))
  (func (export "unnamed_entry") (result i32)
    (call 1 (i32.const 0))))
