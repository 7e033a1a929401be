/* A side module (built with -fPIC, linked with wasm-ld -shared --experimental-pic): static
 * data at __memory_base, a function pointer in data (a relocation __wasm_apply_data_relocs
 * fills), a constructor, a function and a data symbol of the main module, and locals on the
 * caller's shadow stack (__stack_pointer). Built twice: side.wasm for main.wasm and, with
 * -matomics and a shared memory, side-threads.wasm for main-threads.wasm. */
#include <stdint.h>

/* From the main module (its exports). */
extern int main_calls;                     /* data: a GOT.mem entry */
int main_weight(int i);                     /* function: an env import */
void main_touch(volatile uint32_t *words, int n); /* keeps a local array in memory */

static const uint32_t primes[8] = {2, 3, 5, 7, 11, 13, 17, 19};
static uint32_t mix(uint32_t h, uint32_t v) { return (h ^ v) * 16777619u; }
typedef uint32_t (*mixer)(uint32_t, uint32_t);
mixer side_mixer = mix;  /* a function pointer in data: relocated at load */

int side_ready;       /* set by the constructor */
int side_calls;       /* counted atomically: side functions run on several threads */

__attribute__((constructor)) static void side_init(void) { side_ready = 42; }

/* FNV-style checksum of a string, weighted through the main module. */
uint32_t side_checksum(const char *s) {
  __atomic_fetch_add(&side_calls, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&main_calls, 1, __ATOMIC_RELAXED);
  uint32_t h = 2166136261u;
  for (int i = 0; s[i]; i++) h = side_mixer(h, (uint32_t)s[i] * primes[i & 7] + (uint32_t)main_weight(i));
  return h;
}

/* Sums 1..n through an array on the shadow stack; another thread using the same stack would
 * overwrite it. */
uint32_t side_stack_sum(int n) {
  __atomic_fetch_add(&side_calls, 1, __ATOMIC_RELAXED);
  volatile uint32_t words[64];
  uint32_t sum = 0;
  for (int base = 0; base < n; base += 64) {
    int k = n - base < 64 ? n - base : 64;
    for (int i = 0; i < k; i++) words[i] = (uint32_t)(base + i + 1);
    main_touch(words, k);
    for (int i = 0; i < k; i++) sum += words[i];
  }
  return sum;
}

/* How far below `caller_local` (an address in the caller's frame) this function's frame is:
 * small and positive when the side module runs on the calling thread's shadow stack. */
uint32_t side_frame_distance(uintptr_t caller_local) {
  volatile uint32_t here[4] = {0, 0, 0, 0};
  main_touch(here, 0);
  return (uint32_t)(caller_local - (uintptr_t)here);
}
