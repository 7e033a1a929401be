;; Compiled with --debug-names: a name section with module, function and local names.
(module $named
  (import "env" "imported_fn" (func $imported_fn))
  (func $first (param $x i32) (result i32)
    (local $tmp i32)
    (local.set $tmp (local.get $x))
    (local.get $tmp))
  (func $second (call $imported_fn))
  (export "first" (func $first)))
