/* kit-check: a small self-test of the guest thread kit. Threads increment a counter under a
 * mutex, pass a token around a ring with a condition variable, keep thread-local values, and
 * malloc/free concurrently; the main thread checks the results. `kit-check 0` runs the
 * single-threaded parts only.
 *
 *   tern run kit-check.wasm [THREADS]      (exit 0 and "kit-check: ok" when all held) */
#include "kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 2000

static kit_mutex lock;
static kit_cond turn_changed;
static long counter;
static int turn, nthreads;
static _Thread_local int tls_value = 7;
static int failures;

static void check(int ok, const char *what) {
  if (!ok) {
    __atomic_fetch_add(&failures, 1, __ATOMIC_SEQ_CST);
    fprintf(stderr, "kit-check: FAILED: %s\n", what);
  }
}

static void *work(void *arg) {
  int me = (int)(intptr_t)arg;
  check(tls_value == 7, "a new thread sees the TLS initial value");
  tls_value = 100 + me;
  void *keep[16] = {0};
  for (int i = 0; i < ROUNDS; i++) {
    mutex_lock(&lock);
    counter++;
    mutex_unlock(&lock);
    int k = i % 16;
    if (keep[k]) {
      check(((unsigned char *)keep[k])[0] == (unsigned char)me, "block kept its contents");
      free(keep[k]);
    }
    size_t size = 1 + (size_t)((i * 7919 + me * 104729) % 20000);
    keep[k] = malloc(size);
    check(keep[k] != NULL, "malloc");
    if (keep[k]) memset(keep[k], me, size);
  }
  for (int k = 0; k < 16; k++) free(keep[k]);
  /* token ring: thread `me` waits for its turn, then hands it on */
  for (int r = 0; r < 50; r++) {
    mutex_lock(&lock);
    while (turn % nthreads != me) cond_wait(&turn_changed, &lock);
    turn++;
    cond_broadcast(&turn_changed);
    mutex_unlock(&lock);
  }
  check(tls_value == 100 + me, "TLS value stays per thread");
  return (void *)(intptr_t)(me * 3);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 4;
  if (n < 0 || n > 64) n = 4;
  kit_heap_stats start; /* wasi-libc's argv and environment blocks stay live */
  kit_heap_get_stats(&start);
  /* single-threaded allocator checks */
  void *a = malloc(0), *b = calloc(100, 4), *c = NULL;
  check(a && b, "malloc(0), calloc");
  for (int i = 0; b && i < 100; i++) check(((int *)b)[i] == 0, "calloc zeroes");
  check(posix_memalign(&c, 4096, 10) == 0 && ((uintptr_t)c & 4095) == 0, "posix_memalign 4096");
  check(posix_memalign(&c, 3, 10) != 0, "posix_memalign rejects a bad alignment");
  void *d = aligned_alloc(64, 128);
  check(d && ((uintptr_t)d & 63) == 0, "aligned_alloc 64");
  char *r = malloc(10);
  memcpy(r, "0123456789", 10);
  r = realloc(r, 100000);
  check(r && memcmp(r, "0123456789", 10) == 0, "realloc keeps contents");
  free(a), free(b), free(c), free(d), free(r);
  check(kit_heap_check() == 0, "free lists consistent");
  errno = 0;
  volatile size_t bad_align = 3;
  check(aligned_alloc(bad_align, 8) == NULL && errno == EINVAL, "aligned_alloc(3) sets errno");
  check(thread_self_id() == 0, "main thread id 0");

  if (n == 0) {
    nthreads = 1;
    work((void *)0);
    check(counter == ROUNDS, "counter");
  } else {
    nthreads = n;
    kit_thread *t[64];
    for (int i = 0; i < n; i++) {
      int rc = thread_create(&t[i], work, (void *)(intptr_t)i);
      check(rc == 0, "thread_create");
      if (rc) return 3;
    }
    for (int i = 0; i < n; i++) {
      void *res = NULL;
      thread_join(t[i], &res);
      check((intptr_t)res == i * 3, "thread_join returns the thread's result");
    }
    check(counter == (long)n * ROUNDS, "counter under the mutex");
    check(turn == n * 50, "token ring");
  }
  if (n > 0) check(tls_value == 7, "main thread TLS untouched");
  check(kit_heap_check() == 0, "free lists consistent at the end");
  kit_heap_stats st;
  kit_heap_get_stats(&st);
  check(st.live_blocks == start.live_blocks, "no blocks leaked");
  printf("kit-check: %s (threads %d, counter %ld, heap %zu KiB)\n", failures ? "FAILED" : "ok", n, counter,
         st.heap_bytes / 1024);
  return failures ? 1 : 0;
}
