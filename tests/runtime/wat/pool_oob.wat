;; Instance pool: a data segment past the memory fails instantiation as without a pool.
(module
  (memory 1)
  (data (i32.const 10) "first")
  (data (i32.const 65535) "ab"))
