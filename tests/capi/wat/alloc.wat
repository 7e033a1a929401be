;; A guest with an allocator for tern_module_malloc: a bump allocator from 1024 that refuses
;; blocks past memory's end (returns 0); free counts its calls.
(module $alloc
  (memory (export "memory") 1 2)
  (global $next (mut i32) (i32.const 1024))
  (global $frees (export "frees") (mut i32) (i32.const 0))
  (func (export "malloc") (param $size i32) (result i32)
    (local $block i32)
    (local.set $block (global.get $next))
    (if (i64.gt_u (i64.add (i64.extend_i32_u (local.get $block)) (i64.extend_i32_u (local.get $size)))
                  (i64.const 65536))
      (then (return (i32.const 0))))
    (global.set $next (i32.and (i32.add (i32.add (local.get $block) (local.get $size)) (i32.const 7))
                               (i32.const -8)))
    (local.get $block))
  (func (export "free") (param i32) (global.set $frees (i32.add (global.get $frees) (i32.const 1))))
  (func (export "spin") (loop $forever (br $forever)))
)
