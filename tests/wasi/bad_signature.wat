;; Imports fd_write with the wrong signature: linking must fail naming both types.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32) (result i32)))
  (func (export "_start")))
