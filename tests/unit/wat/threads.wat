;; Shared memory and the atomic operators (wat2wasm --enable-threads).
(module
  (memory 1 4 shared)
  (func (export "ops") (param $p i32) (result i32)
    (drop (i32.atomic.load (local.get $p)))
    (drop (i64.atomic.load8_u (local.get $p)))
    (i32.atomic.store16 (local.get $p) (i32.const 7))
    (drop (i32.atomic.rmw.add (local.get $p) (i32.const 1)))
    (drop (i64.atomic.rmw32.cmpxchg_u (local.get $p) (i64.const 1) (i64.const 2)))
    (drop (memory.atomic.notify (local.get $p) (i32.const 1)))
    (drop (memory.atomic.wait32 (local.get $p) (i32.const 0) (i64.const -1)))
    (drop (memory.atomic.wait64 offset=8 (local.get $p) (i64.const 0) (i64.const 0)))
    (atomic.fence)
    (i32.atomic.rmw8.xchg_u offset=3 (local.get $p) (i32.const 9))))
