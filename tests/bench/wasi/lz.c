/* lz: a compression-style byte loop. An LZ77 compressor with hash chains (LZ4-like
 * sequences: a token byte with literal and match lengths, the literals, a 16-bit offset) and
 * its decompressor, over generated text-like data with noise. The round trip is checked and
 * the checksum covers the compressed stream. */
#include <stdlib.h>
#include <string.h>

#include "wasi_bench.h"

#define INPUT_SIZE (6u << 20)
#define HASH_BITS 16
#define WINDOW 65536u
#define MIN_MATCH 4
#define MAX_CHAIN 24
#define ROUNDS 2

static uint32_t head[1u << HASH_BITS]; /* position + 1 of the newest occurrence, 0 = none */
static uint32_t chain[WINDOW];         /* position + 1 of the previous one with the same hash */

static uint32_t read32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static uint32_t hash4(const uint8_t* p) { return (read32(p) * 2654435761u) >> (32 - HASH_BITS); }

static void insert(const uint8_t* in, uint32_t i) {
  uint32_t h = hash4(in + i);
  chain[i & (WINDOW - 1)] = head[h];
  head[h] = i + 1;
}

static uint8_t* put_length(uint8_t* o, uint32_t n) {
  for (; n >= 255; n -= 255) *o++ = 255;
  *o++ = (uint8_t)n;
  return o;
}

static uint8_t* put_sequence(uint8_t* o, const uint8_t* lit, uint32_t nlit, uint32_t off, uint32_t mlen) {
  uint32_t m = mlen ? mlen - MIN_MATCH : 0;
  *o++ = (uint8_t)(((nlit < 15 ? nlit : 15) << 4) | (m < 15 ? m : 15));
  if (nlit >= 15) o = put_length(o, nlit - 15);
  memcpy(o, lit, nlit);
  o += nlit;
  if (mlen) {
    *o++ = (uint8_t)off;
    *o++ = (uint8_t)(off >> 8);
    if (m >= 15) o = put_length(o, m - 15);
  }
  return o;
}

static size_t compress(const uint8_t* in, uint32_t n, uint8_t* out) {
  memset(head, 0, sizeof head);
  uint8_t* o = out;
  uint32_t i = 0, anchor = 0;
  const uint32_t limit = n > 12 ? n - 12 : 0; /* no match starts in the last bytes */
  while (i < limit) {
    uint32_t cand = head[hash4(in + i)], best_len = 0, best_off = 0;
    for (int depth = MAX_CHAIN; cand && depth > 0; --depth) {
      uint32_t c = cand - 1;
      if (i - c >= WINDOW) break;
      if (read32(in + c) == read32(in + i)) {
        uint32_t len = MIN_MATCH;
        while (i + len < n - 5 && in[c + len] == in[i + len]) ++len;
        if (len > best_len) {
          best_len = len;
          best_off = i - c;
        }
      }
      cand = chain[c & (WINDOW - 1)];
    }
    insert(in, i);
    if (best_len >= MIN_MATCH) {
      o = put_sequence(o, in + anchor, i - anchor, best_off, best_len);
      for (uint32_t k = 1; k < best_len && i + k < limit; ++k) insert(in, i + k);
      i += best_len;
      anchor = i;
    } else {
      ++i;
    }
  }
  o = put_sequence(o, in + anchor, n - anchor, 0, 0);
  return (size_t)(o - out);
}

static uint32_t get_length(const uint8_t** p) {
  uint32_t n = 0, b;
  do {
    b = *(*p)++;
    n += b;
  } while (b == 255);
  return n;
}

static size_t decompress(const uint8_t* in, size_t n, uint8_t* out) {
  const uint8_t* p = in;
  const uint8_t* end = in + n;
  uint8_t* o = out;
  while (p < end) {
    uint32_t token = *p++;
    uint32_t nlit = token >> 4;
    if (nlit == 15) nlit += get_length(&p);
    memcpy(o, p, nlit);
    o += nlit;
    p += nlit;
    if (p >= end) break;
    uint32_t off = p[0] | ((uint32_t)p[1] << 8);
    p += 2;
    uint32_t mlen = token & 15;
    if (mlen == 15) mlen += get_length(&p);
    mlen += MIN_MATCH;
    const uint8_t* src = o - off;
    for (uint32_t k = 0; k < mlen; ++k) o[k] = src[k]; /* may overlap: byte by byte */
    o += mlen;
  }
  return (size_t)(o - out);
}

static void generate(uint8_t* buf, uint32_t n) {
  static const char* words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
                                "wasm ", "module ", "memory ", "table ", "function ", "import ", "export ",
                                "i32.add ", "local.get ", "br_if ", "call ", "return\n", "{ ", "} ", "0x"};
  uint64_t s = 7;
  uint32_t i = 0;
  while (i < n) {
    uint64_t r = bench_rand(&s);
    if (r % 16 == 0) { /* noise: a few random bytes */
      for (uint32_t k = 0; k < 1 + (r >> 8) % 6 && i < n; ++k) buf[i++] = (uint8_t)(bench_rand(&s) >> 24);
    } else {
      const char* w = words[(r >> 8) % (sizeof words / sizeof words[0])];
      for (; *w && i < n; ++w) buf[i++] = (uint8_t)*w;
    }
  }
}

int main(void) {
  uint8_t* in = malloc(INPUT_SIZE);
  uint8_t* packed = malloc(INPUT_SIZE + INPUT_SIZE / 255 + 64);
  uint8_t* back = malloc(INPUT_SIZE + 64);
  if (!in || !packed || !back) return 1;
  generate(in, INPUT_SIZE);

  uint64_t checksum = BENCH_FNV_INIT;
  double t0 = bench_now_ms();
  for (int round = 0; round < ROUNDS; ++round) {
    size_t np = compress(in, INPUT_SIZE, packed);
    size_t nb = decompress(packed, np, back);
    if (nb != INPUT_SIZE || memcmp(in, back, INPUT_SIZE) != 0) {
      fprintf(stderr, "lz: round trip failed (%zu bytes back of %u)\n", nb, INPUT_SIZE);
      return 1;
    }
    checksum = bench_mix(checksum, np);
    checksum = bench_mix(checksum, bench_fnv(BENCH_FNV_INIT, packed, np));
  }
  double t1 = bench_now_ms();
  fprintf(stderr, "lz: %u bytes\n", INPUT_SIZE);
  bench_report(checksum, t1 - t0);
  return 0;
}
