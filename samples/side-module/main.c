/* Main module for the side-module sample: run as
 *   tern run --preload side=side.wasm main.wasm
 * It finds the side module with tern_dlopen/tern_dlsym and calls its functions through
 * function pointers (slots of the shared table). Exports what the side module imports. */
#include <stdint.h>
#include <stdio.h>
#include <sched.h>

#include "tern_dl.h"

int main_calls;
int main_weight(int i) { return i % 3; }
void main_touch(volatile uint32_t *words, int n) {
  for (int i = 0; i < n; i++) words[i] = words[i];
  if (n > 0) sched_yield();  /* a host call in the middle: another thread may run now */
}

typedef uint32_t (*checksum_fn)(const char *);
typedef uint32_t (*stack_sum_fn)(int);

int main(void) {
  int side = tern_dlopen("side");
  if (!side) {
    printf("side module 'side' is not loaded (run with --preload side=side.wasm)\n");
    return 1;
  }
  checksum_fn checksum = (checksum_fn)tern_dlsym(side, "side_checksum");
  stack_sum_fn stack_sum = (stack_sum_fn)tern_dlsym(side, "side_stack_sum");
  int *ready = tern_dlsym(side, "side_ready");
  int *calls = tern_dlsym(side, "side_calls");
  if (!checksum || !stack_sum || !ready || !calls || tern_dlsym(side, "no_such_symbol")) {
    printf("symbol lookup failed\n");
    return 1;
  }
  printf("constructor ran: side_ready = %d\n", *ready);
  printf("checksum(\"hello\") = %08x\n", checksum("hello"));
  printf("checksum(\"side modules\") = %08x\n", checksum("side modules"));
  printf("stack_sum(1000) = %u\n", stack_sum(1000));
  printf("calls: side %d, main %d\n", *calls, main_calls);
  return 0;
}
