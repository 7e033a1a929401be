;; _start grows memory by 100 pages and exits with 0 if that worked, 3 if memory.grow failed.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit
      (select (i32.const 3) (i32.const 0) (i32.eq (memory.grow (i32.const 100)) (i32.const -1))))))
