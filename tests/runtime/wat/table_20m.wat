;; A table whose initial size is twice the implementation limit, after one that is fine.
(module
  (table 1 funcref)
  (table 20000000 20000000 funcref))
