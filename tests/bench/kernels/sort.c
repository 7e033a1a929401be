/* sorting: quicksort and heapsort of PRNG-filled u32 arrays. */
#include "common.h"

#define N 1500000
#define REPS 2

static u32 arr[N];

static inline void swap(u32 *a, u32 *b) { u32 t = *a; *a = *b; *b = t; }

static void insertion(u32 *a, i32 n) {
  for (i32 i = 1; i < n; i++) {
    u32 x = a[i];
    i32 j = i - 1;
    while (j >= 0 && a[j] > x) { a[j + 1] = a[j]; j--; }
    a[j + 1] = x;
  }
}

static NOINLINE void quicksort(u32 *a, i32 n) {
  while (n > 16) {
    i32 m = n / 2;
    if (a[m] < a[0]) swap(&a[m], &a[0]);
    if (a[n - 1] < a[0]) swap(&a[n - 1], &a[0]);
    if (a[n - 1] < a[m]) swap(&a[n - 1], &a[m]);
    u32 p = a[m];
    i32 i = 0, j = n - 1;
    for (;;) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i >= j) break;
      swap(&a[i], &a[j]);
      i++;
      j--;
    }
    /* recurse into the smaller half, loop on the larger */
    if (j + 1 < n - j - 1) { quicksort(a, j + 1); a += j + 1; n -= j + 1; }
    else { quicksort(a + j + 1, n - j - 1); n = j + 1; }
  }
  insertion(a, n);
}

static void sift_down(u32 *a, i32 root, i32 n) {
  for (;;) {
    i32 c = 2 * root + 1;
    if (c >= n) return;
    if (c + 1 < n && a[c + 1] > a[c]) c++;
    if (a[root] >= a[c]) return;
    swap(&a[root], &a[c]);
    root = c;
  }
}

static NOINLINE void heapsort(u32 *a, i32 n) {
  for (i32 i = n / 2 - 1; i >= 0; i--) sift_down(a, i, n);
  for (i32 end = n - 1; end > 0; end--) {
    swap(&a[0], &a[end]);
    sift_down(a, 0, end);
  }
}

static u64 digest(void) {
  u64 h = 0, bad = 0;
  for (u32 i = 1; i < N; i++) bad += arr[i - 1] > arr[i];
  for (u32 i = 0; i < N; i += 977) h = mix(h, arr[i]);
  return mix(h, bad);
}

u64 run(void) {
  u64 h = 0, s = 2024;
  for (u32 rep = 0; rep < REPS; rep++) {
    for (u32 i = 0; i < N; i++) arr[i] = (u32)(rng_next(&s) >> 32);
    quicksort(arr, N);
    h = mix(h, digest());
    for (u32 i = 0; i < N; i++) arr[i] = (u32)(rng_next(&s) >> 32);
    heapsort(arr, N);
    h = mix(h, digest());
  }
  return h;
}
