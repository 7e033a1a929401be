/* cgi echo: a CGI-style handler, i.e. a plain WASI command run once per request by
 * `tern serve --abi cgi`. It reads the request from the CGI environment and stdin and answers
 * with the request as JSON:
 *   {"method":..,"path":..,"query":..,"content_type":..,"user_agent":..,"body":..}
 * (content_type/user_agent are null when absent). Special paths, for the server's tests:
 *   /status/NNN   answers with status NNN (a CGI "Status:" header)
 *   /exit         exits with status 3 without writing anything (-> 500)
 *   /trap         traps (-> 500)
 *
 *   tern serve --abi cgi build/samples/cgi.wasm
 *   curl -d hello 'http://127.0.0.1:8080/some/path?x=1'
 * Also runs as a command:
 *   echo -n hi | tern run --env REQUEST_METHOD=POST --env PATH_INFO=/x build/samples/cgi.wasm
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes `s` (length n) as a JSON string: quotes, escapes, control bytes as \u00XX. */
static void put_json_string(const char* s, size_t n) {
  putchar('"');
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
      case '"': fputs("\\\"", stdout); break;
      case '\\': fputs("\\\\", stdout); break;
      case '\n': fputs("\\n", stdout); break;
      case '\r': fputs("\\r", stdout); break;
      case '\t': fputs("\\t", stdout); break;
      default:
        if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
  }
  putchar('"');
}

static void put_env_field(const char* key, const char* var, int last) {
  const char* value = getenv(var);
  printf("\"%s\":", key);
  if (value) put_json_string(value, strlen(value));
  else fputs("null", stdout);
  fputs(last ? "" : ",", stdout);
}

/* The whole of stdin (the request body); *len is its size. NULL when out of memory. */
static char* read_body(size_t* len) {
  size_t cap = 4096, n = 0;
  char* buf = malloc(cap);
  if (!buf) return NULL;
  for (;;) {
    if (n == cap) {
      char* grown = realloc(buf, cap *= 2);
      if (!grown) {
        free(buf);
        return NULL;
      }
      buf = grown;
    }
    size_t got = fread(buf + n, 1, cap - n, stdin);
    n += got;
    if (got == 0) break;
  }
  *len = n;
  return buf;
}

int main(void) {
  const char* path = getenv("PATH_INFO");
  if (!path) path = "/";
  if (strcmp(path, "/exit") == 0) return 3;
  if (strcmp(path, "/trap") == 0) __builtin_trap();

  size_t body_len = 0;
  char* body = read_body(&body_len);
  if (!body) {
    fputs("Status: 500 Internal Server Error\nContent-Type: text/plain\n\nout of memory\n", stdout);
    return 0;
  }

  int status = 0;
  if (strncmp(path, "/status/", 8) == 0) status = atoi(path + 8);
  if (status >= 100 && status <= 999) printf("Status: %d\n", status);
  fputs("Content-Type: application/json\n\n", stdout);

  putchar('{');
  put_env_field("method", "REQUEST_METHOD", 0);
  put_env_field("path", "PATH_INFO", 0);
  put_env_field("query", "QUERY_STRING", 0);
  put_env_field("content_type", "CONTENT_TYPE", 0);
  put_env_field("user_agent", "HTTP_USER_AGENT", 0);
  fputs("\"body\":", stdout);
  put_json_string(body, body_len);
  fputs("}\n", stdout);
  free(body);
  return 0;
}
