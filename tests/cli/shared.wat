;; Test input for the CLI tests: an imported function, a defined shared memory, a global,
;; a table and an export of each kind.
(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (memory $m (export "mem") 1 2 shared)
  (table $t (export "tab") 1 funcref)
  (global $g (export "g") (mut i32) (i32.const 7))
  (func (export "call_f") (param i32) (result i32) (call $f (local.get 0))))
