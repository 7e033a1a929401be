;; An allocator exported only as the component model's cabi_realloc (guest_memory_test.cpp):
;; a bump allocator from 8192 that honours the alignment.
(module
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 8192))
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $next (i32.add (local.get $p) (local.get $size)))
    (local.get $p)))
