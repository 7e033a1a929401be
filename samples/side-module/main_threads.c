/* Threaded main module for the side-module sample (wasi-threads, shared memory, the thread
 * kit of samples/threads/kit): run as
 *   tern run --preload side=side-threads.wasm main-threads.wasm [THREADS] [ITERATIONS]
 * Every thread calls the side module's functions through the same function pointers (table
 * slots, the same in every thread's instance) and checks the results against the main
 * thread's; a side function running on the wrong shadow stack would make them differ. */
#include "kit.h"

#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tern_dl.h"

int main_calls;
int main_weight(int i) { return i % 3; }
void main_touch(volatile uint32_t *words, int n) {
  for (int i = 0; i < n; i++) words[i] = words[i];
  if (n > 0) sched_yield();  /* a host call in the middle: another thread runs meanwhile */
}

typedef uint32_t (*checksum_fn)(const char *);
typedef uint32_t (*stack_sum_fn)(int);
typedef uint32_t (*frame_distance_fn)(uintptr_t);

static checksum_fn checksum;
static stack_sum_fn stack_sum;
static frame_distance_fn frame_distance;
static uint32_t want_checksum, want_sum;
static int iterations = 200;

static void *worker(void *arg) {
  (void)arg;
  uintptr_t bad = 0;
  volatile uint32_t marker = 0;
  /* The side module's frame must be on this thread's stack, just below this one. */
  uint32_t d = frame_distance((uintptr_t)&marker);
  if (d == 0 || d > 4096) {
    printf("thread %d: the side module's frame is %d bytes from the caller's: not on this thread's stack\n",
           thread_self_id(), (int)d);
    bad++;
  }
  for (int i = 0; i < iterations; i++) {
    if (checksum("side modules") != want_checksum) bad++;
    if (stack_sum(300 + (i & 1)) != want_sum + (uint32_t)((i & 1) ? 301 : 0)) bad++;
  }
  return (void *)bad;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 4;
  if (argc > 2) iterations = atoi(argv[2]);
  if (threads < 1 || threads > 64 || iterations < 1) {
    printf("usage: main-threads [THREADS 1..64] [ITERATIONS]\n");
    return 2;
  }
  int side = tern_dlopen("side");
  checksum = (checksum_fn)tern_dlsym(side, "side_checksum");
  stack_sum = (stack_sum_fn)tern_dlsym(side, "side_stack_sum");
  frame_distance = (frame_distance_fn)tern_dlsym(side, "side_frame_distance");
  int *calls = tern_dlsym(side, "side_calls");
  int *ready = tern_dlsym(side, "side_ready");
  if (!side || !checksum || !stack_sum || !frame_distance || !calls || !ready) {
    printf("side module 'side' is not loaded (run with --preload side=side-threads.wasm)\n");
    return 1;
  }
  want_checksum = checksum("side modules");
  want_sum = stack_sum(300);
  printf("constructor ran: side_ready = %d\n", *ready);
  printf("main thread: checksum %08x, stack_sum(300) = %u\n", want_checksum, want_sum);

  kit_thread *t[64];
  for (int i = 0; i < threads; i++)
    if (thread_create(&t[i], worker, 0) != 0) {
      printf("thread_create failed\n");
      return 3;
    }
  uintptr_t bad = 0;
  for (int i = 0; i < threads; i++) {
    void *r;
    thread_join(t[i], &r);
    bad += (uintptr_t)r;
  }
  int expected_calls = 2 + threads * iterations * 2;
  printf("%d threads x %d iterations: mismatches %u\n", threads, iterations, (unsigned)bad);
  printf("side calls %d (expected %d), main calls %d\n", __atomic_load_n(calls, __ATOMIC_RELAXED), expected_calls,
         main_calls);
  return bad == 0 && *calls == expected_calls ? 0 : 1;
}
