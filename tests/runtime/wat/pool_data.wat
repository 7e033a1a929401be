;; Instance pool (instance_pool_test.cpp): data segments at odd offsets, overlapping and across a
;; page boundary; a start function that counts in memory and a global; a guest that scribbles
;; over its whole memory and grows it.
(module
  (memory (export "memory") 2 10)
  (global $g (mut i32) (i32.const 7))
  (table $t 4 funcref)
  (elem (i32.const 1) $answer)
  (data (i32.const 3) "odd")
  (data (i32.const 65533) "spans")
  (data (i32.const 5000) "\01\02\03")
  (data (i32.const 4) "X")
  (data (i32.const 131071) "Z")
  (data $passive "passive")
  (func $answer (result i32) (i32.const 42))
  (func $start
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.store (i32.const 100) (i32.add (i32.load (i32.const 100)) (i32.const 1))))
  (start $start)
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "get_g") (result i32) (global.get $g))
  (func (export "call_elem") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
  ;; memory.init of the passive segment (not dropped at instantiation)
  (func (export "init_passive") (param i32) (memory.init $passive (local.get 0) (i32.const 0) (i32.const 7)))
  ;; A checksum of every byte of the memory: sum of (byte * (index % 251 + 1)).
  (func (export "checksum") (result i64)
    (local $i i32) (local $n i32) (local $sum i64)
    (local.set $n (i32.mul (memory.size) (i32.const 65536)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i64.add (local.get $sum)
          (i64.extend_i32_u (i32.mul (i32.load8_u (local.get $i))
                                     (i32.add (i32.rem_u (local.get $i) (i32.const 251)) (i32.const 1))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))
  ;; Grows by `pages`, then fills all of memory with 0xab, and sets the global and table slot.
  (func (export "scribble") (param $pages i32) (result i32)
    (local $old i32)
    (local.set $old (memory.grow (local.get $pages)))
    (memory.fill (i32.const 0) (i32.const 0xab) (i32.mul (memory.size) (i32.const 65536)))
    (global.set $g (i32.const -1))
    (table.set $t (i32.const 1) (ref.null func))
    (local.get $old)))
