/* hash table: open addressing with linear probing, u64 keys, insert + lookup. */
#include "common.h"

#define LOG_CAP 21
#define CAP (1u << LOG_CAP)  /* 2M slots, 32 MiB */
#define INSERTS 1400000u     /* load factor ~0.67 */
#define LOOKUPS 4000000u
#define REPS 3

static u64 keys[CAP];
static u64 vals[CAP];

static inline u32 slot_of(u64 k) {
  return (u32)((k * 0x9E3779B97F4A7C15ULL) >> (64 - LOG_CAP));
}

static NOINLINE void insert(u64 k, u64 v) {
  u32 i = slot_of(k);
  for (;;) {
    if (keys[i] == 0) { keys[i] = k; vals[i] = v; return; }
    if (keys[i] == k) { vals[i] += v; return; }
    i = (i + 1) & (CAP - 1);
  }
}

static NOINLINE int lookup(u64 k, u64 *v) {
  u32 i = slot_of(k);
  for (;;) {
    if (keys[i] == 0) return 0;
    if (keys[i] == k) { *v = vals[i]; return 1; }
    i = (i + 1) & (CAP - 1);
  }
}

u64 run(void) {
  u64 h = 0;
  for (u32 rep = 0; rep < REPS; rep++) {
    for (u32 i = 0; i < CAP; i++) keys[i] = 0;
    u64 s = 99 + rep;
    /* Keys come from a small range so some inserts hit existing keys. */
    for (u32 i = 0; i < INSERTS; i++) insert((rng_next(&s) % (INSERTS * 2)) | 1, i);
    u64 found = 0, sum = 0, v;
    u64 t = 1234 + rep;
    for (u32 i = 0; i < LOOKUPS; i++)
      if (lookup((rng_next(&t) % (INSERTS * 2)) | 1, &v)) { found++; sum += v; }
    h = mix(h, found);
    h = mix(h, sum);
  }
  return h;
}
