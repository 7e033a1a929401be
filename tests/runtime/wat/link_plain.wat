;; Imports an unshared memory: linking it to a shared one must fail, naming the import.
(module
  (import "env" "memory" (memory 1))
  (func (export "size") (result i32) (memory.size)))
