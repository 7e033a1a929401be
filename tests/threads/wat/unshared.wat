;; Wait and notify on an unshared memory: wait traps, notify finds nobody.
(module
  (memory 1 1)
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "rmw_add") (param i32 i32) (result i32) (i32.atomic.rmw.add (local.get 0) (local.get 1)))
)
