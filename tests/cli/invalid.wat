;; Decodes but does not validate: the body leaves an i64 where the type promises an i32.
;; Built with wat2wasm --no-check.
(module
  (func (export "bad") (result i32) (i64.const 1)))
