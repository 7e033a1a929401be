;; Control flow: nested blocks with params and results, loops, if/else, br_table,
;; unreachable code, multi-value.
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
  (func (export "loop") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))
  (func (export "table") (param $i i32) (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (block $c (result i32)
          (br_table $a $b $c (i32.const 10) (local.get $i)))
        (return (i32.const 3)))
      (drop) (i32.const 2)))
  (func (export "dead") (result i32)
    (unreachable)
    (i32.add)
    (drop)
    (i64.const 1)
    (i64.eqz))
  (func (export "multi") (result i32)
    i32.const 1
    i32.const 2
    call $swap
    block (param i32 i32) (result i32)
      i32.sub
    end))
