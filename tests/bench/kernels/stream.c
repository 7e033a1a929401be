/* memory-bound: copy / scale / add / triad loops over large u32 buffers. */
#include "common.h"

#define N (4 * 1024 * 1024) /* 16 MiB per array */
#define REPS 80

static u32 a[N], b[N], c[N];

u64 run(void) {
  u64 s = 42;
  for (u32 i = 0; i < N; i++) a[i] = (u32)rng_next(&s);
  u64 h = 0;
  for (u32 rep = 0; rep < REPS; rep++) {
    for (u32 i = 0; i < N; i++) b[i] = a[i];                 /* copy  */
    for (u32 i = 0; i < N; i++) c[i] = b[i] * 3u + rep;      /* scale */
    for (u32 i = 0; i < N; i++) a[i] = b[i] + c[i];          /* add   */
    for (u32 i = 0; i < N; i++) b[i] = a[i] + 7u * c[i];     /* triad */
    u32 x = 0;
    for (u32 i = 0; i < N; i += 4096) x ^= b[i] + i;
    h = mix(h, x);
  }
  u64 sum = 0;
  for (u32 i = 0; i < N; i++) sum += b[i];
  return mix(h, sum);
}
