/* SIMD f32 dot products over two 4 MiB float arrays: 16 partial sums in four
 * f32x4 accumulators (f32x4.mul, f32x4.add, v128.load, unaligned at most
 * offsets). Built with -msimd128; see simd.h for the native build. The lane
 * layout and the final reduction order are fixed, so every engine must produce
 * bit-identical sums. */
#include "simd.h"

#define N (1u << 20) /* floats per array, multiple of 16 */
#define REPS 2400

static float x[N + 16] __attribute__((aligned(16)));
static float y[N + 16] __attribute__((aligned(16)));

static NOINLINE float dot(const float *a, const float *b, u32 n) {
  vf32 s0 = vf32_zero(), s1 = vf32_zero(), s2 = vf32_zero(), s3 = vf32_zero();
  for (u32 i = 0; i < n; i += 16) {
    s0 = vf32_add(s0, vf32_mul(vf32_load(a + i), vf32_load(b + i)));
    s1 = vf32_add(s1, vf32_mul(vf32_load(a + i + 4), vf32_load(b + i + 4)));
    s2 = vf32_add(s2, vf32_mul(vf32_load(a + i + 8), vf32_load(b + i + 8)));
    s3 = vf32_add(s3, vf32_mul(vf32_load(a + i + 12), vf32_load(b + i + 12)));
  }
  vf32 s = vf32_add(vf32_add(s0, s1), vf32_add(s2, s3));
  float lo = vf32_lane(s, 0) + vf32_lane(s, 1);
  float hi = vf32_lane(s, 2) + vf32_lane(s, 3);
  return lo + hi;
}

static u32 f32_bits(float f) {
  u32 u;
  __builtin_memcpy(&u, &f, 4);
  return u;
}

u64 run(void) {
  u64 s = 99;
  /* values in [-1, 1) with 24-bit mantissas: exact int -> float conversion */
  for (u32 i = 0; i < N + 16; i++) x[i] = (float)((i32)(rng_next(&s) >> 40) - (1 << 23)) * 0x1p-23f;
  for (u32 i = 0; i < N + 16; i++) y[i] = (float)((i32)(rng_next(&s) >> 40) - (1 << 23)) * 0x1p-23f;
  u64 h = 0;
  for (u32 rep = 0; rep < REPS; rep++) {
    float d = dot(x, y + rep % 16, N); /* unaligned unless rep % 4 == 0 */
    h = mix(h, f32_bits(d));
    float e = dot(x + rep % 5, x, N);
    h = mix(h, f32_bits(e));
    /* feed the results back so every pass sees different data */
    float t = d * 0x1p-10f;
    u32 j = (rep * 7919u) % N;
    y[j] = y[j] + t;
  }
  return h;
}
