;; Concurrency test (concurrency_test.cpp): a library whose function, table, memory and global
;; other instances import. One instance is shared by every thread (read-only use), others are
;; private to one thread.
(module
  (type $unary (func (param i32) (result i32)))
  (memory (export "memory") 1 4)
  (table (export "table") 4 funcref)
  (global (export "seed") i32 (i32.const 1000))
  (elem (i32.const 0) $double $negate)
  (data (i32.const 64) "\2a\00\00\00")
  (func $double (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $negate (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $recurse (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  ;; Segment flags read and written by several threads at once (on the shared instance):
  ;; zero-length inits read the dropped flag, drops set it; neither ever traps.
  (data $passive "passive")
  (elem $passive_elem func $double)
  (func (export "drop_segments") (data.drop $passive) (elem.drop $passive_elem))
  (func (export "init_nothing")
    (memory.init $passive (i32.const 0) (i32.const 0) (i32.const 0))
    (table.init $passive_elem (i32.const 0) (i32.const 0) (i32.const 0))))
