/* Native driver for one benchmark kernel: times run() with clock_gettime and
 * prints one JSON line with the same keys as node_harness.js and tern-bench. */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

uint64_t run(void);

int main(void) {
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  uint64_t checksum = run();
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
  printf("{\"checksum\": \"%" PRIu64 "\", \"compile_ms\": 0, \"run_ms\": %.3f}\n", checksum, ms);
  return 0;
}
