;; A table whose initial size is far above the implementation limit (10,000,000 elements).
(module (table 4294967295 funcref))
