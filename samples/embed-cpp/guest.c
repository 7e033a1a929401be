// The guest of the embed-cpp sample: a WASI reactor (no main; _initialize runs the C runtime's
// constructors) that uses two host functions and exports malloc/free so the host can hand it
// buffers.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Provided by the host (samples/embed-cpp/main.cpp).
__attribute__((import_module("env"), import_name("host_log"))) void host_log(const char* text, uint32_t len);
__attribute__((import_module("env"), import_name("host_scale"))) int32_t host_scale(int32_t x);

static void log_text(const char* text) { host_log(text, (uint32_t)strlen(text)); }

__attribute__((export_name("add_scaled"))) int32_t add_scaled(int32_t a, int32_t b) { return host_scale(a) + b; }

// Counts the words of a buffer the host allocated in guest memory, and says so through
// host_log.
__attribute__((export_name("count_words"))) int32_t count_words(const char* text, uint32_t len) {
  int32_t words = 0;
  int in_word = 0;
  for (uint32_t i = 0; i < len; ++i) {
    int space = text[i] == ' ' || text[i] == '\n' || text[i] == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  char line[64];
  snprintf(line, sizeof line, "counted %d words in %u bytes", (int)words, (unsigned)len);
  log_text(line);
  return words;
}

// Uppercases the buffer in place: the host reads the result back from guest memory.
__attribute__((export_name("shout"))) void shout(char* text, uint32_t len) {
  for (uint32_t i = 0; i < len; ++i)
    if (text[i] >= 'a' && text[i] <= 'z') text[i] = (char)(text[i] - 'a' + 'A');
}

// Traps (wasm i32.div_s) when b is 0.
__attribute__((export_name("divide"))) int32_t divide(int32_t a, int32_t b) { return a / b; }

// Writes through WASI (fd_write on stdout).
__attribute__((export_name("hello"))) void hello(void) {
  printf("hello from the guest, through WASI\n");
  fflush(stdout);
}
