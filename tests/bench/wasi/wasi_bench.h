/* Shared by the WASI benchmark programs (tests/bench/wasi/): a monotonic clock, a PRNG, a
 * byte hash and the JSON result line. The programs are ordinary commands: built for
 * wasm32-wasi against wasi-libc and natively against the host libc, from the same source.
 * Each times its own work with clock_gettime(CLOCK_MONOTONIC) (generating the input is not
 * timed, process startup and compilation are outside) and prints one line:
 *   {"checksum": "<unsigned decimal>", "run_ms": x}
 * The checksum depends only on the computation, so every engine must print the same one. */
#ifndef TERN_WASI_BENCH_H
#define TERN_WASI_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline double bench_now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static inline void bench_report(uint64_t checksum, double run_ms) {
  printf("{\"checksum\": \"%llu\", \"run_ms\": %.3f}\n", (unsigned long long)checksum, run_ms);
  fflush(stdout);
}

/* splitmix64: deterministic input data, the same on every engine. */
static inline uint64_t bench_rand(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* FNV-1a over bytes, continuing from `h` (start with 14695981039346656037). */
static inline uint64_t bench_fnv(uint64_t h, const void* data, size_t n) {
  const unsigned char* p = (const unsigned char*)data;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001B3ull;
  }
  return h;
}

#define BENCH_FNV_INIT 14695981039346656037ull

static inline uint64_t bench_mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h;
}

#endif
