/* thread_create/thread_join over wasi-threads. Each thread gets a malloc'ed stack (start.s
 * points __stack_pointer at its top) and, when the module has thread-local data, a
 * malloc'ed TLS block set up with the linker-generated __wasm_init_tls. */
#include "kit.h"

#include <stdlib.h>

struct kit_thread {
  uint32_t stack_top; /* +0, read by start.s */
  uint32_t tls_block; /* +4 */
  uint32_t done;      /* +8, written and notified by start.s */
  int32_t tid;        /* written by the creating thread only */
  kit_thread_fn fn;
  void *arg;
  void *result;
  void *stack;
};

_Static_assert(__builtin_offsetof(struct kit_thread, stack_top) == 0, "start.s layout");
_Static_assert(__builtin_offsetof(struct kit_thread, done) == 8, "start.s layout");

__attribute__((import_module("wasi"), import_name("thread-spawn")))
int32_t __kit_thread_spawn(int32_t start_arg);

/* Defined by wasm-ld for shared-memory modules: copies the TLS image to block and points
 * __tls_base at it. */
extern void __wasm_init_tls(void *block);

static _Thread_local int kit_self_id;

/* Called from wasi_thread_start (start.s) on the new thread's own stack. */
void __kit_thread_main(int32_t tid, struct kit_thread *t) {
  if (t->tls_block) __wasm_init_tls((void *)(uintptr_t)t->tls_block);
  kit_self_id = tid;
  t->result = t->fn(t->arg);
}

int thread_self_id(void) { return kit_self_id; }

static void release(struct kit_thread *t) {
  free(t->stack);
  free((void *)(uintptr_t)t->tls_block);
  free(t);
}

int thread_create_stack(kit_thread **out, kit_thread_fn fn, void *arg, size_t stack_size) {
  *out = NULL;
  struct kit_thread *t = calloc(1, sizeof *t);
  if (!t) return -1;
  stack_size = (stack_size + 15) & ~(size_t)15;
  if (stack_size < 16 * 1024) stack_size = 16 * 1024;
  t->stack = aligned_alloc(16, stack_size);
  size_t tls_size = __builtin_wasm_tls_size();
  if (tls_size) {
    size_t align = __builtin_wasm_tls_align();
    if (align < sizeof(void *)) align = sizeof(void *);
    void *tls = aligned_alloc(align, (tls_size + align - 1) & ~(align - 1));
    t->tls_block = (uint32_t)(uintptr_t)tls;
    if (!tls) {
      release(t);
      return -1;
    }
  }
  if (!t->stack) {
    release(t);
    return -1;
  }
  t->stack_top = (uint32_t)((uintptr_t)t->stack + stack_size);
  t->fn = fn;
  t->arg = arg;
  int32_t tid = __kit_thread_spawn((int32_t)(uintptr_t)t);
  if (tid <= 0) {
    release(t);
    return tid < 0 ? tid : -1;
  }
  t->tid = tid;
  *out = t;
  return 0;
}

int thread_create(kit_thread **out, kit_thread_fn fn, void *arg) {
  return thread_create_stack(out, fn, arg, KIT_THREAD_STACK_DEFAULT);
}

int thread_join(kit_thread *t, void **result) {
  if (!t) return -1;
  while (__atomic_load_n(&t->done, __ATOMIC_SEQ_CST) == 0)
    __builtin_wasm_memory_atomic_wait32((int *)&t->done, 0, -1);
  if (result) *result = t->result;
  release(t);
  return 0;
}
