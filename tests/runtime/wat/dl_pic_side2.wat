;; A second side module (side_module_test.cpp) that links against the first: a function
;; import and a GOT.mem entry resolved from dl_pic_side's exports.
(module
  (import "env" "memory" (memory 1))
  (import "env" "__memory_base" (global $mb i32))
  (import "env" "side_twice" (func $side_twice (param i32) (result i32)))
  (import "GOT.mem" "side_value" (global $got_side_value (mut i32)))
  (func (export "quad_value") (param i32) (result i32)
    (call $side_twice (call $side_twice (i32.load (global.get $got_side_value))))))
