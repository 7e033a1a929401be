/* integer: Collatz sequence lengths (64-bit arithmetic, data-dependent branches). */
#include "common.h"

#define START 1
#define COUNT 4000000

u64 run(void) {
  u64 h = 0, total = 0, best_len = 0, best_n = 0;
  for (u64 n = START; n < START + COUNT; n++) {
    u64 x = n, len = 0;
    while (x != 1) {
      x = (x & 1) ? 3 * x + 1 : x >> 1;
      len++;
    }
    total += len;
    if (len > best_len) {
      best_len = len;
      best_n = n;
    }
    if ((n & 0xffff) == 0) h = mix(h, total);
  }
  h = mix(h, total);
  h = mix(h, best_len);
  return mix(h, best_n);
}
