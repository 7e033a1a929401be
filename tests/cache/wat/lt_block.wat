;; Lifetime tests: "run" calls the host, which blocks until the test released the module.
(module
  (import "env" "block" (func $block))
  (func (export "run") (result i32) (call $block) (i32.const 7)))
