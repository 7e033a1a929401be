;; A guest allocator for guest_memory_test.cpp: 64 blocks of 256 bytes from offset 4096, a used
;; flag per block at offset 1024. Deliberately not thread-safe (the scan keeps its cursor in a
;; global, as a C allocator keeps state on its shadow stack, and works between checking a block
;; and claiming it): concurrent host callers are only safe because module_malloc/module_free
;; serialize them.
(module
  (memory (export "memory") 1)
  (global $cursor (mut i32) (i32.const 0))
  (func (export "malloc") (param $size i32) (result i32)
    (if (i32.gt_u (local.get $size) (i32.const 256)) (then (return (i32.const 0))))
    (global.set $cursor (i32.const 0))
    (block $full
      (loop $scan
        (br_if $full (i32.ge_u (global.get $cursor) (i32.const 64)))
        (if (i32.eqz (i32.load8_u offset=1024 (global.get $cursor)))
          (then
            (call $work)  ;; between the check and the claim, as a real allocator's bookkeeping
            (i32.store8 offset=1024 (global.get $cursor) (i32.const 1))
            (return (i32.add (i32.const 4096) (i32.mul (global.get $cursor) (i32.const 256))))))
        (global.set $cursor (i32.add (global.get $cursor) (i32.const 1)))
        (br $scan)))
    (i32.const 0))
  (func $work
    (local $i i32)
    (loop $spin
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spin (i32.lt_u (local.get $i) (i32.const 50000)))))
  (func (export "free") (param $p i32)
    (if (i32.eqz (local.get $p)) (then (return)))
    (i32.store8 offset=1024 (i32.shr_u (i32.sub (local.get $p) (i32.const 4096)) (i32.const 8)) (i32.const 0)))
  (func (export "live") (result i32)
    (local $i i32) (local $n i32)
    (loop $count
      (local.set $n (i32.add (local.get $n) (i32.load8_u offset=1024 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $count (i32.lt_u (local.get $i) (i32.const 64))))
    (local.get $n)))
