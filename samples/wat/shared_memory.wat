;; A module that exercises most of what `tern inspect` shows: imports of every kind, a shared
;; memory (threads proposal), a table with an element segment, globals, data segments and a
;; start function. Build: wat2wasm --enable-threads shared_memory.wat -o shared_memory.wasm
(module $shared_memory
  (import "env" "log_i32" (func $log_i32 (param i32)))
  (import "env" "memory" (memory $mem 1 16 shared))
  (import "env" "stack_base" (global $stack_base i32))

  (type $binop (func (param i32 i32) (result i32)))

  (table $ops 4 funcref)
  (elem (table $ops) (i32.const 0) func $add $sub $mul)

  (global $counter (mut i32) (i32.const 0))
  (global $answer i64 (i64.const 42))

  (data (memory $mem) (i32.const 1024) "hello, shared\00")
  (data $scratch "\01\02\03\04")

  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))

  ;; Applies table entry `op` to `a` and `b`.
  (func $apply (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect $ops (type $binop) (local.get $a) (local.get $b) (local.get $op)))

  ;; Atomically adds `n` to the i32 at `addr` and returns the old value.
  (func $fetch_add (export "fetch_add") (param $addr i32) (param $n i32) (result i32)
    (i32.atomic.rmw.add (local.get $addr) (local.get $n)))

  ;; Bumps the counter and logs it.
  (func $tick (export "tick") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (call $log_i32 (global.get $counter))
    (global.get $counter))

  (func $init
    (memory.init $scratch (i32.const 2048) (i32.const 0) (i32.const 4))
    (data.drop $scratch))
  (start $init)

  (export "counter" (global $counter))
  (export "ops" (table $ops))
  (export "memory" (memory $mem)))
