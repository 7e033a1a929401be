/* SIMD byte scanning over a 4 MiB text-like buffer, memchr / tokenizer style:
 * count every occurrence of a byte (i8x16.eq, i8x16.sub into byte counters,
 * widened with extadd_pairwise), and find every position of a byte 64 bytes at
 * a time (four compares, v128.or, v128.any_true to skip, i8x16.bitmask and ctz
 * to enumerate the hits). Built with -msimd128; see simd.h for the native build. */
#include "simd.h"

#define N (4u << 20) /* multiple of 64 */
#define REPS 400

static u8 buf[N] __attribute__((aligned(16)));

/* Occurrences of c in p[0..n), n a multiple of 16. */
static NOINLINE u32 count_byte(const u8 *p, u32 n, u8 c) {
  vu8 needle = vu8_splat(c);
  vu32 total = vu32_zero();
  u32 i = 0;
  while (i < n) {
    /* a byte counter wraps after 255 hits: widen before that */
    u32 end = n - i > 255 * 16 ? i + 255 * 16 : n;
    vu8 acc = vu8_zero();
    for (; i < end; i += 16) acc = vu8_sub(acc, vu8_eq(vu8_load(p + i), needle));
    total = vu32_add(total, vu8_sum4(acc));
  }
  return vu32_hsum(total);
}

/* Visits every position of c in p[0..n), n a multiple of 64; returns a hash of
 * the gaps between them and stores the number of hits in *hits. */
static NOINLINE u64 find_all(const u8 *p, u32 n, u8 c, u32 *hits) {
  vu8 needle = vu8_splat(c);
  u64 h = 0;
  u32 k = 0, last = 0;
  for (u32 i = 0; i < n; i += 64) {
    vu8 e0 = vu8_eq(vu8_load(p + i), needle);
    vu8 e1 = vu8_eq(vu8_load(p + i + 16), needle);
    vu8 e2 = vu8_eq(vu8_load(p + i + 32), needle);
    vu8 e3 = vu8_eq(vu8_load(p + i + 48), needle);
    if (!vu8_any(vu8_or(vu8_or(e0, e1), vu8_or(e2, e3)))) continue;
    u64 bits = (u64)vu8_bitmask(e0) | (u64)vu8_bitmask(e1) << 16 |
               (u64)vu8_bitmask(e2) << 32 | (u64)vu8_bitmask(e3) << 48;
    while (bits) {
      u32 pos = i + (u32)__builtin_ctzll(bits);
      bits &= bits - 1;
      h = h * 31 + (pos - last);
      last = pos;
      k++;
    }
  }
  *hits = k;
  return h;
}

u64 run(void) {
  u64 s = 7;
  /* lowercase words: ~1/8 spaces, ~1/512 newlines */
  for (u32 i = 0; i < N; i++) {
    u32 r = (u32)(rng_next(&s) >> 32);
    buf[i] = (r & 511) == 0 ? '\n' : (r & 7) == 0 ? ' ' : (u8)('a' + (r >> 16) % 26);
  }
  u64 h = 0;
  for (u32 rep = 0; rep < REPS; rep++) {
    u8 letter = (u8)('a' + rep % 26);
    h = mix(h, count_byte(buf, N, ' '));
    h = mix(h, count_byte(buf, N, letter));
    u32 hits;
    h = mix(h, find_all(buf, N, '\n', &hits)); /* sparse: mostly skipped blocks */
    h = mix(h, hits);
    h = mix(h, find_all(buf, N, letter, &hits)); /* dense: ~2 hits per 64 bytes */
    h = mix(h, hits);
    /* change the text a little between passes */
    for (u32 j = 0; j < 64; j++) {
      u64 r = rng_next(&s);
      buf[(u32)(r >> 32) % N] = (u8)r % 3 == 0 ? '\n' : (u8)('a' + (u32)r % 26);
    }
  }
  return h;
}
