/* call-heavy: doubly recursive Fibonacci. */
#include "common.h"

static NOINLINE u32 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static NOINLINE u64 tak(u32 x, u32 y, u32 z) {
  return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z;
}

u64 run(void) {
  u64 h = 0;
  for (u32 n = 33; n <= 39; n++) h = mix(h, fib(n));
  h = mix(h, tak(22, 14, 7));
  return h;
}
