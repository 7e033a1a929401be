;; Imports a function tern does not provide, after a WASI one: linking must fail naming it.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (import "env" "host_magic" (func (param i32) (result i32)))
  (func (export "_start")))
