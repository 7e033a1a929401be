;; Imports a WASI function tern does not have.
(module
  (import "wasi_snapshot_preview1" "no_such_function" (func (param i32) (result i32))))
