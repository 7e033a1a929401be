/* memory-bound: naive i-j-k f64 matrix multiply (strided column walk over B). */
#include "common.h"

#define N 800

static double A[N * N], B[N * N], C[N * N];

u64 run(void) {
  u64 s = 0x1234567ULL;
  for (u32 i = 0; i < N * N; i++) {
    A[i] = (double)(rng_next(&s) >> 44) / 1048576.0;
    B[i] = (double)(rng_next(&s) >> 44) / 1048576.0 - 0.5;
  }
  for (u32 i = 0; i < N; i++)
    for (u32 j = 0; j < N; j++) {
      double acc = 0.0;
      for (u32 k = 0; k < N; k++) acc += A[i * N + k] * B[k * N + j];
      C[i * N + j] = acc;
    }
  u64 h = 0;
  for (u32 i = 0; i < N; i++) {
    double row = 0.0;
    for (u32 j = 0; j < N; j++) row += C[i * N + j];
    h = mix(h, f64_bits(row, 1e6));
  }
  return h;
}
