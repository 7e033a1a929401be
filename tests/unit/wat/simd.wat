;; A few SIMD operators: constants, lanes, shuffles, lane loads and stores.
(module
  (memory 1)
  (func (export "simd") (param $p i32) (result i32)
    (local $v v128)
    (local.set $v (v128.const i32x4 1 2 3 4))
    (local.set $v (i32x4.add (local.get $v) (v128.load offset=16 align=8 (local.get $p))))
    (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 (local.get $v) (local.get $v)))
    (local.set $v (v128.load32_lane 3 (local.get $p) (local.get $v)))
    (v128.store64_lane 1 (local.get $p) (local.get $v))
    (local.set $v (f64x2.replace_lane 1 (local.get $v) (f64.const 2.5)))
    (i32.add
      (i8x16.extract_lane_u 15 (local.get $v))
      (i32x4.extract_lane 3 (local.get $v)))))
