;; A native-ABI guest for tests/net: HTTP routes and a WebSocket echo/broadcast with state per
;; connection. Memory layout: strings below 1024, scratch 1024-8191, open flags per connection
;; at 16384 (conn & 0x3fff), message counts per connection at 32768 ((conn & 0x1fff) * 4),
;; the WebSocket message buffer at 65536, the HTTP body buffer at 131072.
(module
  (import "tern_http" "method" (func $method (param i32 i32) (result i32)))
  (import "tern_http" "path" (func $path (param i32 i32) (result i32)))
  (import "tern_http" "query" (func $query (param i32 i32) (result i32)))
  (import "tern_http" "header" (func $header (param i32 i32 i32 i32) (result i32)))
  (import "tern_http" "body" (func $body (param i32 i32) (result i32)))
  (import "tern_http" "set_status" (func $set_status (param i32)))
  (import "tern_http" "set_header" (func $set_header (param i32 i32 i32 i32)))
  (import "tern_http" "write" (func $write (param i32 i32)))
  (import "tern_http" "ws_message" (func $ws_message (param i32 i32) (result i32)))
  (import "tern_http" "ws_send" (func $ws_send (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 4)
  (global $count (mut i32) (i32.const 0))
  (global $initialized (mut i32) (i32.const 0))
  (global $max_conn (mut i32) (i32.const 0))
  (data (i32.const 0) "/hello")
  (data (i32.const 16) "/echo")
  (data (i32.const 32) "/trap")
  (data (i32.const 48) "/loop")
  (data (i32.const 64) "/count")
  (data (i32.const 80) "/grow")
  (data (i32.const 96) "hello from wasm\n")
  (data (i32.const 128) "x-guest")
  (data (i32.const 144) "native")
  (data (i32.const 160) "content-type")
  (data (i32.const 192) "not found\n")
  (data (i32.const 208) "grown\n")
  (data (i32.const 224) "denied\n")
  (data (i32.const 240) "x-method")
  (data (i32.const 256) "x-query")
  (data (i32.const 272) "/badptr")
  (data (i32.const 288) "/init")

  (func (export "_initialize") (global.set $initialized (i32.const 1)))

  ;; bytes [a, a+alen) == [b, b+blen)
  (func $eq (param $a i32) (param $alen i32) (param $b i32) (param $blen i32) (result i32)
    (local $i i32)
    (if (i32.ne (local.get $alen) (local.get $blen)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.eq (local.get $i) (local.get $alen)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $b) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  ;; writes n in decimal and a newline to the response
  (func $write_u32 (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 2047))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (i32.ne (local.get $n) (i32.const 0))))
    (call $write (local.get $p) (i32.sub (i32.const 2048) (local.get $p))))

  (func (export "tern_http_handle")
    (local $plen i32) (local $n i32)
    (local.set $plen (call $path (i32.const 1024) (i32.const 256)))
    (if (call $eq (i32.const 1024) (local.get $plen) (i32.const 0) (i32.const 6)) (then
      (call $set_header (i32.const 128) (i32.const 7) (i32.const 144) (i32.const 6))
      (call $write (i32.const 96) (i32.const 16))
      (return)))
    (if (call $eq (i32.const 1024) (local.get $plen) (i32.const 16) (i32.const 5)) (then
      (local.set $n (call $method (i32.const 1280) (i32.const 16)))
      (call $set_header (i32.const 240) (i32.const 8) (i32.const 1280) (local.get $n))
      (local.set $n (call $query (i32.const 1300) (i32.const 200)))
      (call $set_header (i32.const 256) (i32.const 7) (i32.const 1300) (local.get $n))
      (local.set $n (call $header (i32.const 160) (i32.const 12) (i32.const 1536) (i32.const 256)))
      (if (i32.ge_s (local.get $n) (i32.const 0)) (then
        (call $set_header (i32.const 160) (i32.const 12) (i32.const 1536) (local.get $n))))
      (local.set $n (call $body (i32.const 131072) (i32.const 131072)))
      (call $write (i32.const 131072) (local.get $n))
      (return)))
    (if (call $eq (i32.const 1024) (local.get $plen) (i32.const 32) (i32.const 5)) (then unreachable))
    (if (call $eq (i32.const 1024) (local.get $plen) (i32.const 48) (i32.const 5)) (then
      (loop $forever (br $forever))))
    (if (call $eq (i32.const 1024) (local.get $plen) (i32.const 64) (i32.const 6)) (then
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (call $write_u32 (global.get $count))
      (return)))
    (if (call $eq (i32.const 1024) (local.get $plen) (i32.const 80) (i32.const 5)) (then
      ;; 1000 pages (64 MiB) more: refused under a small --max-memory
      (if (i32.eq (memory.grow (i32.const 1000)) (i32.const -1))
        (then (call $write (i32.const 224) (i32.const 7)))
        (else (call $write (i32.const 208) (i32.const 6))))
      (return)))
    (if (call $eq (i32.const 1024) (local.get $plen) (i32.const 272) (i32.const 7)) (then
      (call $write (i32.const -16) (i32.const 64))
      (return)))
    (if (call $eq (i32.const 1024) (local.get $plen) (i32.const 288) (i32.const 5)) (then
      (call $write_u32 (global.get $initialized))
      (return)))
    (call $set_status (i32.const 404))
    (call $write (i32.const 192) (i32.const 10)))

  (func $open_flag (param $conn i32) (result i32)
    (i32.add (i32.const 16384) (i32.and (local.get $conn) (i32.const 0x3fff))))
  (func $count_cell (param $conn i32) (result i32)
    (i32.add (i32.const 32768) (i32.shl (i32.and (local.get $conn) (i32.const 0x1fff)) (i32.const 2))))

  (func (export "tern_ws_open") (param $conn i32)
    (i32.store8 (call $open_flag (local.get $conn)) (i32.const 1))
    (i32.store (call $count_cell (local.get $conn)) (i32.const 0))
    (if (i32.gt_u (local.get $conn) (global.get $max_conn)) (then (global.set $max_conn (local.get $conn)))))

  (func (export "tern_ws_close") (param $conn i32)
    (i32.store8 (call $open_flag (local.get $conn)) (i32.const 0)))

  ;; Text starting with '*': sent as text to every open connection. Anything else: answered
  ;; (binary) with the 4-byte count of messages this connection sent, then the message.
  (func (export "tern_ws_message") (param $conn i32) (param $len i32) (param $binary i32)
    (local $n i32) (local $c i32) (local $i i32)
    (local.set $n (call $ws_message (i32.const 65540) (i32.const 65532)))
    (local.set $c (i32.add (i32.load (call $count_cell (local.get $conn))) (i32.const 1)))
    (i32.store (call $count_cell (local.get $conn)) (local.get $c))
    (if (i32.and (i32.eqz (local.get $binary))
                 (i32.and (i32.gt_u (local.get $n) (i32.const 0))
                          (i32.eq (i32.load8_u (i32.const 65540)) (i32.const 42)))) (then
      (local.set $i (i32.const 1))
      (block $done
        (loop $each
          (br_if $done (i32.gt_u (local.get $i) (global.get $max_conn)))
          (if (i32.load8_u (call $open_flag (local.get $i))) (then
            (drop (call $ws_send (local.get $i) (i32.const 65540) (local.get $n) (i32.const 0)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $each)))
      (return)))
    (i32.store (i32.const 65536) (local.get $c))
    (drop (call $ws_send (local.get $conn) (i32.const 65536) (i32.add (local.get $n) (i32.const 4)) (i32.const 1))))
)
