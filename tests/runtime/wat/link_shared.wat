;; Imports a shared memory: linking it to an unshared one must fail, naming the import.
(module
  (import "env" "memory" (memory 1 1 shared))
  (func (export "size") (result i32) (memory.size)))
