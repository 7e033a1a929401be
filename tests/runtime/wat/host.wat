;; Calls into an imported host function (host_test.cpp).
(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (func $twice (export "call_host") (param i32) (result i32)
    (i32.add (call $host (local.get 0)) (i32.const 1000)))
  (func (export "nested") (param i32) (result i32)
    (call $twice (local.get 0))))
