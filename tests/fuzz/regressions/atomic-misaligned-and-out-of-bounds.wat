(module
  (type (;0;) (func (param f32 f64 f32 f64 f64 i64) (result f32)))
  (func (;0;) (type 0) (param f32 f64 f32 f64 f64 i64) (result f32)
    i32.const -7047145
    i32.atomic.load offset=4
    drop
    f32.const 0x0p+0 (;=0;))
  (memory (;0;) 16 17 shared)
  (export "func" (func 0))
  (export "memory" (memory 0)))
