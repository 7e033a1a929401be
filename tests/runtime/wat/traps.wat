;; Traps and recovery (tests/runtime/instance_test.cpp).
(module
  (memory 1)
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32)
    (i32.load (local.get 0)))
  (func (export "store") (param i32 i32)
    (i32.store (local.get 0) (local.get 1)))
  ;; Never returns: each call adds a frame until the stack limit traps.
  (func $recurse (export "recurse") (param i64) (result i64)
    (i64.add (call $recurse (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  ;; Spins until interrupted.
  (func (export "spin") (loop $l (br $l)))
  ;; Counts down n iterations of a loop, then returns n * 2.
  (func (export "count") (param i32) (result i32) (local i32)
    (local.set 1 (local.get 0))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get 1)))
        (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
        (br $l)))
    (i32.mul (local.get 0) (i32.const 2))))
