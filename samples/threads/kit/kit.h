/* tern guest thread kit: threads over wasi-threads, a futex-style mutex and condition
 * variable over memory.atomic.wait32/notify, and a thread-safe malloc family that replaces
 * wasi-libc's dlmalloc. For wasm32-wasi guests built with
 *   -matomics -mbulk-memory
 * and linked with
 *   -Wl,--shared-memory -Wl,--import-memory -Wl,--export-memory -Wl,--max-memory=N
 *   -Wl,--no-check-features
 * with the kit's objects on the link line before -lc (clang puts -lc last).
 *
 * Debian's wasi-libc and libc++ are not built for threads: errno is one global shared by all
 * threads, and libc++ has no std::thread/std::mutex (use these instead) and does not guard
 * function-local statics across threads. Initialise such statics on the main thread first. */
#ifndef TERN_KIT_H
#define TERN_KIT_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/* wasi-libc's headers declare errno _Thread_local. Code built with -matomics then refers to
 * it as a TLS variable, but the non-threaded libc.a defines a plain global, and wasm-ld
 * refuses the mix. Include kit.h before any use of errno: it routes errno through errno.c,
 * which is built without -matomics and so sees the same plain global as libc. */
#undef errno
#define errno (*kit_errno_location())

#ifdef __cplusplus
extern "C" {
#endif

int *kit_errno_location(void);

/* ---- threads ---- */

typedef struct kit_thread kit_thread;
typedef void *(*kit_thread_fn)(void *arg);

/* Default stack of a new thread (bytes); thread_create_stack takes an explicit size. */
#define KIT_THREAD_STACK_DEFAULT (256u * 1024u)

/* Starts fn(arg) on a new thread. Returns 0 and stores the handle in *out, or a negative
 * value (-1 out of memory, otherwise the negated thread-spawn error) on failure. */
int thread_create(kit_thread **out, kit_thread_fn fn, void *arg);
int thread_create_stack(kit_thread **out, kit_thread_fn fn, void *arg, size_t stack_size);
/* Waits for the thread to finish, stores its return value in *result (when not NULL) and
 * frees the handle. Each thread is joined exactly once. */
int thread_join(kit_thread *t, void **result);
/* The wasi-threads id of the calling thread; 0 on the main thread. */
int thread_self_id(void);

/* ---- mutex and condition variable (zero-initialised = ready to use) ---- */

typedef struct {
  uint32_t state; /* 0 unlocked, 1 locked, 2 locked and maybe waited on */
} kit_mutex;

typedef struct {
  uint32_t seq; /* bumped by every signal/broadcast */
} kit_cond;

#define KIT_MUTEX_INIT {0}
#define KIT_COND_INIT {0}

void mutex_lock(kit_mutex *m);
int mutex_trylock(kit_mutex *m); /* 1 when taken */
void mutex_unlock(kit_mutex *m);

/* Spurious wake-ups are possible: wait in a loop that re-checks the condition. */
void cond_wait(kit_cond *c, kit_mutex *m);
/* Waits at most timeout_ns; returns 0 when woken (or spuriously), 1 when it timed out. */
int cond_timedwait(kit_cond *c, kit_mutex *m, int64_t timeout_ns);
void cond_signal(kit_cond *c);
void cond_broadcast(kit_cond *c);

/* ---- allocator statistics (the malloc family itself has the standard names) ---- */

typedef struct {
  size_t heap_bytes;   /* bytes obtained with memory.grow (plus the initial heap) */
  size_t live_blocks;  /* allocations not yet freed */
  size_t live_bytes;   /* their block sizes, headers included */
} kit_heap_stats;

void kit_heap_get_stats(kit_heap_stats *out);
/* Walks every free list and checks its invariants; returns 0 when consistent. */
int kit_heap_check(void);

#ifdef __cplusplus
}
#endif

#endif
