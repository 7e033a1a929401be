;; Lifetime tests: an active element segment puts $g into the imported table at slot 3.
(module
  (import "main" "table" (table 8 funcref))
  (func $g (result i32) (i32.const 42))
  (elem (i32.const 3) $g))
