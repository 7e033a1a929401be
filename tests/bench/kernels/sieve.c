/* integer: sieve of Eratosthenes over a byte array, repeated. */
#include "common.h"

#define LIMIT 8000000
#define REPS 40

static u8 composite[LIMIT + 1];

u64 run(void) {
  u64 h = 0;
  for (u32 rep = 0; rep < REPS; rep++) {
    u32 limit = LIMIT - rep * 1000;
    for (u32 i = 0; i <= limit; i++) composite[i] = 0;
    for (u32 i = 2; (u64)i * i <= limit; i++)
      if (!composite[i])
        for (u32 j = i * i; j <= limit; j += i) composite[j] = 1;
    u64 count = 0, sum = 0;
    for (u32 i = 2; i <= limit; i++)
      if (!composite[i]) {
        count++;
        sum += i;
      }
    h = mix(h, count);
    h = mix(h, sum);
  }
  return h;
}
