;; Blocks with parameters entered from dead code (after `unreachable`, `br`, `return`): their
;; bodies validate as reachable and are compiled, with the params taken from the polymorphic
;; stack. Found by tests/fuzz/fuzz_run (a `loop (param i64 i64)` after `unreachable` around a
;; call made the compiler pop values it never had).
(module
  (type $ii_i (func (param i64 i64) (result i64)))
  (type $i_ii (func (param i32) (result i32 i32)))
  (func $first (param i64 i64) (result i64) (local.get 0))

  (func (export "loop-call") (result i64)
    unreachable
    loop (type $ii_i) (param i64 i64) (result i64)
      call $first
    end)

  (func (export "block-add") (result i32)
    (return (i32.const 7))
    block (param i32 i32) (result i32)
      i32.add
    end)

  (func (export "if-else") (param i32) (result i32)
    (br 0 (local.get 0))
    if (type $i_ii) (param i32) (result i32 i32)
      (i32.const 1)
    else
      (i32.const 2)
    end
    i32.add)

  (func (export "nested") (result f64)
    unreachable
    block (param f64 v128) (result f64)
      drop
      loop (param f64) (result f64)
        f64.neg
      end
    end)

  (func (export "dead-loop-br") (result i32)
    (return (i32.const 5))
    loop (param i32) (result i32)
      br 0
    end)
)

(assert_trap (invoke "loop-call") "unreachable")
(assert_return (invoke "block-add") (i32.const 7))
(assert_return (invoke "if-else" (i32.const 3)) (i32.const 3))
(assert_trap (invoke "nested") "unreachable")
(assert_return (invoke "dead-loop-br") (i32.const 5))
