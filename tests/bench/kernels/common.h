/* Shared helpers for the tern benchmark kernels.
 *
 * Every kernel is one C file that defines `u64 run(void)`: it does a fixed amount
 * of deterministic work and returns a checksum. The same file is compiled to
 * wasm32 (no libc, no imports) and natively (linked with native_main.c). */
#ifndef TERN_BENCH_COMMON_H
#define TERN_BENCH_COMMON_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;
typedef __SIZE_TYPE__ usize;

#define NOINLINE __attribute__((noinline))

u64 run(void);

/* xorshift64*: small deterministic PRNG, identical on every target. */
static inline u64 rng_next(u64 *s) {
  u64 x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1DULL;
}

/* Order-dependent checksum accumulator. */
static inline u64 mix(u64 h, u64 v) {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  return h;
}

/* f64 -> integer, deterministic: scale and truncate. */
static inline u64 f64_bits(double d, double scale) { return (u64)(i64)(d * scale); }

#if defined(__wasm__)
/* No libc in wasm: the compiler may still emit calls to these for loops and
 * aggregate copies, so provide them (weak so a kernel may define its own). */
__attribute__((weak)) void *memset(void *d, int c, usize n) {
  u8 *p = (u8 *)d;
  while (n--) *p++ = (u8)c;
  return d;
}
__attribute__((weak)) void *memcpy(void *d, const void *s, usize n) {
  u8 *p = (u8 *)d;
  const u8 *q = (const u8 *)s;
  while (n--) *p++ = *q++;
  return d;
}
__attribute__((weak)) void *memmove(void *d, const void *s, usize n) {
  u8 *p = (u8 *)d;
  const u8 *q = (const u8 *)s;
  if (p < q) {
    while (n--) *p++ = *q++;
  } else {
    p += n;
    q += n;
    while (n--) *--p = *--q;
  }
  return d;
}
#endif

#endif
