// The C module of the instantiation benchmark: a WASI reactor with what a small C service
// carries (libc, a heap, strings, a 16 KiB initialized table), exporting a trivial `ping`.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_SIZE 4096

// Initialized data: becomes an active data segment (about 16 KiB).
static const unsigned kTable[TABLE_SIZE] = {
#define ROW(i) (i) * 2654435761u, (i) * 40503u + 1, (i) ^ 0x5bd1e995u, (i) + 0x9e3779b9u
#define ROW4(i) ROW(i), ROW(i + 1), ROW(i + 2), ROW(i + 3)
#define ROW16(i) ROW4(i), ROW4(i + 4), ROW4(i + 8), ROW4(i + 12)
#define ROW64(i) ROW16(i), ROW16(i + 16), ROW16(i + 32), ROW16(i + 48)
#define ROW256(i) ROW64(i), ROW64(i + 64), ROW64(i + 128), ROW64(i + 192)
    ROW256(0), ROW256(256), ROW256(512), ROW256(768),
};

static const char kGreeting[] = "tern instantiation benchmark";
static char* scratch;

__attribute__((export_name("ping"))) int ping(int x) {
  return (int)(kTable[(unsigned)x % TABLE_SIZE] + strlen(kGreeting));
}

// Not called by the benchmark: keeps printf, malloc and their WASI imports in the module.
__attribute__((export_name("describe"))) int describe(int n) {
  if (!scratch) scratch = malloc(256);
  if (!scratch) return -1;
  int len = snprintf(scratch, 256, "%s: %d entries, first %u", kGreeting, n, kTable[0]);
  puts(scratch);
  return len;
}
