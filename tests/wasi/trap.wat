;; _start reaches `unreachable` two calls down: `tern run` prints the trap and exits 134.
(module
  (memory (export "memory") 1)
  (func $inner unreachable)
  (func $outer (call $inner))
  (func (export "_start") (call $outer)))
