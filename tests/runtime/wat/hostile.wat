;; Hostile-guest edge cases (tests/runtime/hostile_test.cpp): memory and table growth to their
;; maximum and past it, accesses at every bounds boundary, misaligned atomics, and
;; call_indirect through null, out-of-range and wrongly typed slots.
(module
  (type $v2i (func (result i32)))
  (type $i2i (func (param i32) (result i32)))
  (memory 1 4)
  (table $t 3 10 funcref)
  (table $u 0 funcref)  ;; no maximum: growth stops at the implementation limit
  ;; Slot 0 returns 7, slot 1 stays null, slot 2 has type $i2i.
  (elem (table $t) (i32.const 0) func $seven)
  (elem (table $t) (i32.const 2) func $id)
  (func $seven (type $v2i) (i32.const 7))
  (func $id (type $i2i) (local.get 0))
  (func (export "call_slot") (param i32) (result i32)
    (call_indirect $t (type $v2i) (local.get 0)))

  (func (export "mem_grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "mem_size") (result i32) (memory.size))
  (func (export "table_grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "table_size") (result i32) (table.size $t))
  (func (export "table_u_grow") (param i32) (result i32) (table.grow $u (ref.null func) (local.get 0)))
  (func (export "table_u_size") (result i32) (table.size $u))

  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store32") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
  ;; index + 0xfffffff0 passes 4 GiB for index >= 0x10: must trap, never wrap to a low address.
  (func (export "load_off_high") (param i32) (result i32) (i32.load offset=0xfffffff0 (local.get 0)))
  (func (export "load8_off_max") (param i32) (result i32) (i32.load8_u offset=0xffffffff (local.get 0)))
  (func (export "store8_off_max") (param i32) (i32.store8 offset=0xffffffff (local.get 0) (i32.const 1)))

  (func (export "atomic_load32") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "atomic_load64") (param i32) (result i64) (i64.atomic.load (local.get 0)))
  (func (export "atomic_store32") (param i32) (i32.atomic.store (local.get 0) (i32.const 5)))
  (func (export "atomic_add32") (param i32) (result i32) (i32.atomic.rmw.add (local.get 0) (i32.const 1)))
  (func (export "atomic_cmpxchg64") (param i32) (result i64)
    (i64.atomic.rmw.cmpxchg (local.get 0) (i64.const 0) (i64.const 1)))
  (func (export "atomic_load16_off1") (param i32) (result i32) (i32.atomic.load16_u offset=1 (local.get 0)))

  ;; An infinite loop that also touches memory, for interrupt().
  (func (export "spin_mem") (loop $l (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1))) (br $l))))
