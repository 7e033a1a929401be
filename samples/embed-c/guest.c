// The guest of the embed-c sample: a WASI reactor that imports two host functions and
// exports functions for the host to call, plus its allocator (malloc/free) so the host can
// pass buffers in with tern_module_malloc.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("env"), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

// Host functions.
IMPORT("add") int32_t host_add(int32_t a, int32_t b);
IMPORT("log") void host_log(const char* text, uint32_t len);
IMPORT("check") int32_t host_check(int32_t value);

static void log_text(const char* text) { host_log(text, (uint32_t)strlen(text)); }

// a*b + (a+b), the sum computed by the host.
EXPORT("mul_add") int32_t mul_add(int32_t a, int32_t b) { return a * b + host_add(a, b); }

// FNV-1a over a buffer the host wrote into guest memory; logs its length through the host.
EXPORT("checksum") uint32_t checksum(const uint8_t* data, uint32_t len) {
  char line[64];
  snprintf(line, sizeof line, "checksum of %u bytes", (unsigned)len);
  log_text(line);
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < len; ++i) h = (h ^ data[i]) * 16777619u;
  return h;
}

// Upper-cases a NUL-terminated string in place; returns its length.
EXPORT("shout") uint32_t shout(char* s) {
  uint32_t n = 0;
  for (; s[n]; ++n)
    if (s[n] >= 'a' && s[n] <= 'z') s[n] = (char)(s[n] - 'a' + 'A');
  return n;
}

// Prints through WASI (stdout), to show the WASI imports are linked.
EXPORT("greet") void greet(int32_t times) {
  for (int32_t i = 0; i < times; ++i) printf("guest says hello %d\n", (int)i + 1);
  fflush(stdout);
}

// Three real frames, then an integer division by zero (a trap) in the innermost. The calls go
// through volatile function pointers so no optimizer (clang, or wasm-opt after linking) can
// inline the frames away.
static volatile int32_t divisor_source = 0;
static int32_t inner(int32_t x) { return x / divisor_source; }
static int32_t (*volatile inner_ptr)(int32_t) = inner;
static int32_t middle(int32_t x) { return inner_ptr(x + 1) + 1; }
static int32_t (*volatile middle_ptr)(int32_t) = middle;
EXPORT("crash") int32_t crash(int32_t x) { return middle_ptr(x * 2) + 2; }

// Asks the host to check a value; the host answers with a trap for negative ones.
EXPORT("validated") int32_t validated(int32_t x) { return host_check(x) + 1; }
