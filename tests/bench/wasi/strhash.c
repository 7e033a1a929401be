/* strhash: a string-keyed hash table. Chained buckets of malloc'd nodes holding the key bytes,
 * FNV-1a hashing, doubling on load > 1. Keys are generated text ("user:" syllables ":" number)
 * drawn with a skewed distribution, so some keys are hot; the work is insert-or-increment,
 * lookups of present and absent keys, deletions, and a final walk. */
#include <stdlib.h>
#include <string.h>

#include "wasi_bench.h"

#define DISTINCT 150000u
#define UPDATES 1000000u
#define LOOKUPS 700000u

typedef struct Node {
  struct Node* next;
  uint64_t hash;
  uint64_t count;
  uint32_t len;
  char key[];
} Node;

typedef struct {
  Node** buckets;
  size_t mask;
  size_t size;
} Table;

static uint64_t hash_key(const char* k, size_t n) { return bench_fnv(BENCH_FNV_INIT, k, n); }

static void grow(Table* t) {
  size_t nb = (t->mask + 1) * 2;
  Node** b = calloc(nb, sizeof *b);
  for (size_t i = 0; i <= t->mask; ++i) {
    for (Node* n = t->buckets[i]; n;) {
      Node* next = n->next;
      size_t j = n->hash & (nb - 1);
      n->next = b[j];
      b[j] = n;
      n = next;
    }
  }
  free(t->buckets);
  t->buckets = b;
  t->mask = nb - 1;
}

static Node* find(Table* t, const char* k, size_t n, uint64_t h) {
  for (Node* e = t->buckets[h & t->mask]; e; e = e->next)
    if (e->hash == h && e->len == n && memcmp(e->key, k, n) == 0) return e;
  return NULL;
}

static Node* upsert(Table* t, const char* k, size_t n) {
  uint64_t h = hash_key(k, n);
  Node* e = find(t, k, n, h);
  if (e) return e;
  if (t->size + 1 > t->mask + 1) grow(t);
  e = malloc(sizeof *e + n + 1);
  e->hash = h;
  e->count = 0;
  e->len = (uint32_t)n;
  memcpy(e->key, k, n);
  e->key[n] = 0;
  size_t j = h & t->mask;
  e->next = t->buckets[j];
  t->buckets[j] = e;
  ++t->size;
  return e;
}

static int erase(Table* t, const char* k, size_t n) {
  uint64_t h = hash_key(k, n);
  for (Node** p = &t->buckets[h & t->mask]; *p; p = &(*p)->next) {
    Node* e = *p;
    if (e->hash == h && e->len == n && memcmp(e->key, k, n) == 0) {
      *p = e->next;
      free(e);
      --t->size;
      return 1;
    }
  }
  return 0;
}

/* The text of key number `id`: deterministic, 12 to 40 bytes. */
static size_t make_key(char* out, uint32_t id) {
  static const char* syl[] = {"ka", "to", "ri", "men", "su", "lo", "vex", "qua", "dri", "po", "nal", "ith"};
  uint64_t s = id * 0x2545F4914F6CDD1Dull + 1;
  char* o = out;
  memcpy(o, "user:", 5);
  o += 5;
  for (int i = 0, n = 2 + (int)(bench_rand(&s) % 6); i < n; ++i) {
    const char* p = syl[bench_rand(&s) % 12];
    while (*p) *o++ = *p++;
  }
  *o++ = ':';
  char digits[12];
  int nd = 0;
  do digits[nd++] = (char)('0' + id % 10); while (id /= 10);
  while (nd) *o++ = digits[--nd];
  return (size_t)(o - out);
}

/* Skewed choice in [0, DISTINCT): the minimum of two uniform draws favours small ids. */
static uint32_t pick(uint64_t* s) {
  uint32_t a = (uint32_t)(bench_rand(s) % DISTINCT), b = (uint32_t)(bench_rand(s) % DISTINCT);
  return a < b ? a : b;
}

int main(void) {
  Table t = {calloc(1024, sizeof(Node*)), 1023, 0};
  char key[64];
  uint64_t s = 99, checksum = BENCH_FNV_INIT;

  double t0 = bench_now_ms();
  for (uint32_t i = 0; i < UPDATES; ++i) {
    size_t n = make_key(key, pick(&s));
    upsert(&t, key, n)->count += 1 + (i & 3);
  }
  uint64_t found = 0, hits = 0;
  for (uint32_t i = 0; i < LOOKUPS; ++i) {
    /* Half of these ids are past DISTINCT and so absent. */
    uint32_t id = (uint32_t)(bench_rand(&s) % (2 * DISTINCT));
    size_t n = make_key(key, id);
    Node* e = find(&t, key, n, hash_key(key, n));
    if (e) {
      ++found;
      hits += e->count;
    }
  }
  uint64_t erased = 0;
  for (uint32_t id = 0; id < DISTINCT; id += 3) erased += (uint64_t)erase(&t, key, make_key(key, id));
  /* Order-independent digest of what is left. */
  uint64_t digest = 0, total = 0;
  for (size_t i = 0; i <= t.mask; ++i)
    for (Node* e = t.buckets[i]; e; e = e->next) {
      digest += bench_mix(e->hash, e->count);
      total += e->count;
    }
  double t1 = bench_now_ms();

  checksum = bench_mix(checksum, t.size);
  checksum = bench_mix(checksum, found);
  checksum = bench_mix(checksum, hits);
  checksum = bench_mix(checksum, erased);
  checksum = bench_mix(checksum, digest);
  checksum = bench_mix(checksum, total);
  fprintf(stderr, "strhash: %zu keys left, %llu found\n", t.size, (unsigned long long)found);
  bench_report(checksum, t1 - t0);
  return 0;
}
