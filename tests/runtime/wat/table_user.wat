;; Imports table_owner's table and calls through it.
(module
  (type $ret (func (result i32)))
  (import "owner" "table" (table $t 4 funcref))
  ;; Calls slot $i $n times (call_indirect, and table.get for a non-null check); returns how
  ;; many of those calls returned 100 + $i. Each round also stores the slot's function back
  ;; (table.set, through the runtime's helper) and reads table.size.
  (func (export "call_loop") (param $i i32) (param $n i32) (result i32)
    (local $right i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (if (i32.and
              (i32.eqz (ref.is_null (table.get $t (local.get $i))))
              (i32.eq (call_indirect $t (type $ret) (local.get $i))
                      (i32.add (i32.const 100) (local.get $i))))
          (then (local.set $right (i32.add (local.get $right) (i32.const 1)))))
        (table.set $t (local.get $i) (table.get $t (local.get $i)))
        (drop (table.size $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $right)))
