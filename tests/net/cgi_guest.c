// A CGI-ABI guest for tests/net: routes on PATH_INFO.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char* env(const char* name) {
  const char* v = getenv(name);
  return v ? v : "(unset)";
}

int main(void) {
  const char* path = env("PATH_INFO");
  if (strcmp(path, "/env") == 0) {
    printf("Content-Type: text/plain\n\n");
    const char* names[] = {"REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
                           "SERVER_PROTOCOL", "GATEWAY_INTERFACE", "REMOTE_ADDR", "HTTP_X_TEST_HEADER"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) printf("%s=%s\n", names[i], env(names[i]));
    return 0;
  }
  if (strcmp(path, "/echo") == 0) {
    printf("Content-Type: application/octet-stream\nX-Echo: yes\n\n");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) fwrite(buf, 1, n, stdout);
    return 0;
  }
  if (strcmp(path, "/status") == 0) {
    printf("Status: 404 Not Found\nContent-Type: text/plain\n\nnothing here\n");
    return 0;
  }
  if (strcmp(path, "/trap") == 0) __builtin_trap();
  if (strcmp(path, "/loop") == 0) {
    for (volatile unsigned i = 0;; ++i) {
    }
  }
  if (strcmp(path, "/exit") == 0) exit(3);
  if (strcmp(path, "/bad") == 0) {
    printf("this is not a CGI response");
    return 0;
  }
  printf("Content-Type: text/plain\n\nhello from C\n");
  return 0;
}
