;; Concurrency test: atomic increments of one shared memory, imported by many instances.
(module
  (import "env" "memory" (memory 1 1 shared))
  (func (export "inc") (param i32) (result i32) (i32.atomic.rmw.add (i32.const 0) (local.get 0)))
  (func (export "count") (result i32) (i32.atomic.load (i32.const 0))))
