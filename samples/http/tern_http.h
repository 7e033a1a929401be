/* tern_http.h: the imports of tern's native HTTP/WebSocket guest ABI (module "tern_http"), as
 * C declarations for guests built with clang for wasm32. The contract (net/README.md):
 *  - Every pointer/length pair is a range of the guest's memory; the server checks it and traps
 *    the handler (-> 500) on a range outside the memory.
 *  - The getters copy min(cap, len) bytes and return the full length, so a guest can ask with a
 *    small buffer and ask again with one of the returned size (or pass cap 0 to learn it).
 *  - A guest imports only what it uses: an unused declaration costs nothing.
 * The guest exports tern_http_handle (one request), and optionally tern_ws_open/message/close. */
#ifndef TERN_HTTP_H
#define TERN_HTTP_H

#include <stdint.h>

#define TERN_HTTP_IMPORT(name) __attribute__((import_module("tern_http"), import_name(#name)))
#define TERN_HTTP_EXPORT(name) __attribute__((export_name(name)))

#ifdef __cplusplus
extern "C" {
#endif

/* The request (inside tern_http_handle). */
TERN_HTTP_IMPORT(method) int32_t tern_http_method(char* ptr, int32_t cap);
TERN_HTTP_IMPORT(path) int32_t tern_http_path(char* ptr, int32_t cap);    /* without the query */
TERN_HTTP_IMPORT(query) int32_t tern_http_query(char* ptr, int32_t cap);  /* without the '?' */
/* Case-insensitive name; returns -1 when the request has no such header. */
TERN_HTTP_IMPORT(header) int32_t tern_http_header(const char* name, int32_t name_len, char* ptr, int32_t cap);
TERN_HTTP_IMPORT(body) int32_t tern_http_body(char* ptr, int32_t cap);

/* The response: status 200 unless set; write() appends to the body. */
TERN_HTTP_IMPORT(set_status) void tern_http_set_status(int32_t code);
TERN_HTTP_IMPORT(set_header) void tern_http_set_header(const char* name, int32_t name_len, const char* value,
                                                       int32_t value_len);
TERN_HTTP_IMPORT(write) void tern_http_write(const char* ptr, int32_t len);

/* WebSocket: the current message (inside tern_ws_message), sending and closing. */
TERN_HTTP_IMPORT(ws_message) int32_t tern_http_ws_message(char* ptr, int32_t cap);
/* 0 = queued, -1 = no such open connection. */
TERN_HTTP_IMPORT(ws_send) int32_t tern_http_ws_send(int32_t conn, const char* ptr, int32_t len, int32_t binary);
TERN_HTTP_IMPORT(ws_close) void tern_http_ws_close(int32_t conn, int32_t code);

#ifdef __cplusplus
}
#endif

#endif /* TERN_HTTP_H */
