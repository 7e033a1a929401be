;; A module for the code cache tests: recursion, an indirect call through an element segment,
;; SIMD that uses SSE4.2 when the CPU has it (i64x2.gt_s), and a trap with a named frame.
(module
  (type $ii (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 0) $double $fib)
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "apply") (param $slot i32) (param $x i32) (result i32)
    (call_indirect (type $ii) (local.get $x) (local.get $slot)))
  (func (export "simd_gt") (param i64 i64) (result i32)
    (i64x2.all_true (i64x2.gt_s (i64x2.splat (local.get 0)) (i64x2.splat (local.get 1)))))
  (func $boom (export "boom") (result i32) (unreachable)))
