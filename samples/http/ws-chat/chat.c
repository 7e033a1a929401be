/* ws-chat: a chat room as a tern native-ABI reactor. All WebSocket events of a server go to one
 * instance, one at a time, so the list of open connections below is the room.
 *  - every text message is broadcast to every open connection (the sender too) as
 *    "<conn>: <text>";
 *  - a binary message closes its connection with 1003 (unsupported data);
 *  - HTTP GET / answers a short page with a chat client; any other request gets 404.
 *
 *   tern serve --abi native build/samples/ws-chat.wasm   # then open http://127.0.0.1:8080/
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tern_http.h"

static int32_t* conns;
static size_t conn_count, conn_cap;

static void add_conn(int32_t conn) {
  if (conn_count == conn_cap) {
    size_t cap = conn_cap ? conn_cap * 2 : 16;
    int32_t* grown = realloc(conns, cap * sizeof *grown);
    if (!grown) return; /* out of memory: this connection stays out of the room */
    conns = grown;
    conn_cap = cap;
  }
  conns[conn_count++] = conn;
}

static void remove_conn(int32_t conn) {
  for (size_t i = 0; i < conn_count; ++i) {
    if (conns[i] == conn) {
      conns[i] = conns[--conn_count]; /* order does not matter */
      return;
    }
  }
}

TERN_HTTP_EXPORT("tern_ws_open") void tern_ws_open(int32_t conn) { add_conn(conn); }

TERN_HTTP_EXPORT("tern_ws_close") void tern_ws_close(int32_t conn) { remove_conn(conn); }

TERN_HTTP_EXPORT("tern_ws_message") void tern_ws_message(int32_t conn, int32_t len, int32_t binary) {
  if (binary) {
    tern_http_ws_close(conn, 1003);
    return;
  }
  char prefix[16];
  int prefix_len = snprintf(prefix, sizeof prefix, "%d: ", (int)conn);
  if (len < 0 || prefix_len < 0) return;
  char* line = malloc((size_t)prefix_len + (size_t)len);
  if (!line) return;
  memcpy(line, prefix, (size_t)prefix_len);
  tern_http_ws_message(line + prefix_len, len);
  for (size_t i = 0; i < conn_count; ++i) {
    /* -1: that connection is already gone; its close event will remove it. */
    (void)tern_http_ws_send(conns[i], line, prefix_len + len, 0);
  }
  free(line);
}

static const char kPage[] =
    "<!doctype html>\n"
    "<title>tern chat</title>\n"
    "<pre id=log></pre>\n"
    "<input id=msg autofocus placeholder=\"say something\">\n"
    "<script>\n"
    "const ws = new WebSocket(`ws://${location.host}/chat`);\n"
    "ws.onmessage = (e) => { log.textContent += e.data + '\\n'; };\n"
    "msg.onkeydown = (e) => { if (e.key === 'Enter') { ws.send(msg.value); msg.value = ''; } };\n"
    "</script>\n";

static void header(const char* name, const char* value) {
  tern_http_set_header(name, (int32_t)strlen(name), value, (int32_t)strlen(value));
}

TERN_HTTP_EXPORT("tern_http_handle") void tern_http_handle(void) {
  char method[8], path[8];
  int32_t method_len = tern_http_method(method, sizeof method);
  int32_t path_len = tern_http_path(path, sizeof path);
  if (method_len == 3 && memcmp(method, "GET", 3) == 0 && path_len == 1 && path[0] == '/') {
    header("Content-Type", "text/html; charset=utf-8");
    tern_http_write(kPage, (int32_t)(sizeof kPage - 1));
    return;
  }
  tern_http_set_status(404);
  header("Content-Type", "text/plain");
  static const char kNotFound[] = "not found\n";
  tern_http_write(kNotFound, (int32_t)(sizeof kNotFound - 1));
}
