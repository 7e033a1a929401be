;; The smallest CGI-ABI guest: a WASI command that writes a CGI response to stdout.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Content-Type: text/plain\nX-Guest: cgi-wat\n\nhello from a wasm command\n")
  (func (export "_start")
    ;; one iovec at 0: base 16, length 69; bytes written go to 8
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 69))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
