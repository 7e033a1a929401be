(module
  (type (;0;) (func (param i32 i32 f32)))
  (func (;0;) (type 0) (param i32 i32 f32)
    f64.const -0x1.bp+4 (;=-27;)
    i64.trunc_f64_u
    drop)
  (export "func_1" (func 0)))
