(module
  (type (;0;) (func (result f32)))
  (type (;1;) (func (param f64 f32 f32 i64 f64 i32) (result f32)))
  (func (;0;) (type 0) (result f32)
    i32.const 22
    f32.const -nan:0x7fffff (;=-nan;)
    f32.const 0x1.171p+12 (;=4465;)
    f32.min
    f32.store align=1
    f32.const 0x1.c8p+5 (;=57;))
  (func (;1;) (type 1) (param f64 f32 f32 i64 f64 i32) (result f32)
    i32.const 1
    i32.const 15
    i32.store16 offset=22
    f32.const 0x0p+0 (;=0;))
  (memory (;0;) 16 17)
  (export "func_2" (func 0))
  (export "func_5" (func 1))
  (export "memory" (memory 0)))
