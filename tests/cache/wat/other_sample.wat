;; A second, different module (cache eviction needs several entries).
(module
  (func (export "answer") (result i32) (i32.const 42)))
