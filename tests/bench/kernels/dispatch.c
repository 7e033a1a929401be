/* indirect calls: dispatch through a table of function pointers. */
#include "common.h"

#define ITERS 60000000u

typedef u64 (*op_fn)(u64 acc, u64 x);

static NOINLINE u64 op0(u64 a, u64 x) { return a + x; }
static NOINLINE u64 op1(u64 a, u64 x) { return a ^ (x * 0x9E3779B97F4A7C15ULL); }
static NOINLINE u64 op2(u64 a, u64 x) { return (a << 5) | (a >> 59); }
static NOINLINE u64 op3(u64 a, u64 x) { return a - (x >> 3); }
static NOINLINE u64 op4(u64 a, u64 x) { return a * 3 + 1; }
static NOINLINE u64 op5(u64 a, u64 x) { return a ^ (a >> 17) ^ x; }
static NOINLINE u64 op6(u64 a, u64 x) { return a + (x & 0xff) * 977; }
static NOINLINE u64 op7(u64 a, u64 x) { return (a & 1) ? a / 3 + x : a >> 1; }
static NOINLINE u64 op8(u64 a, u64 x) { return a + (u32)x * (u64)(u32)(x >> 32); }
static NOINLINE u64 op9(u64 a, u64 x) { return ~a + x; }
static NOINLINE u64 op10(u64 a, u64 x) { return a ^ 0x5555555555555555ULL; }
static NOINLINE u64 op11(u64 a, u64 x) { return a + (a >> 7) + (x << 3); }
static NOINLINE u64 op12(u64 a, u64 x) { return a * 0x100000001B3ULL; }
static NOINLINE u64 op13(u64 a, u64 x) { return (a % 1000003) + x; }
static NOINLINE u64 op14(u64 a, u64 x) { return a - x + 12345; }
static NOINLINE u64 op15(u64 a, u64 x) { return (a >> 1) ^ (-(a & 1) & 0xD800000000000000ULL); }

static op_fn table[16] = {op0, op1, op2,  op3,  op4,  op5,  op6,  op7,
                          op8, op9, op10, op11, op12, op13, op14, op15};

u64 run(void) {
  u64 s = 7, acc = 1, h = 0;
  for (u32 i = 0; i < ITERS; i++) {
    u64 r = rng_next(&s);
    acc = table[r >> 60](acc, r);
    if ((i & 0xfffff) == 0) h = mix(h, acc);
  }
  return mix(h, acc);
}
