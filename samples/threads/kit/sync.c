/* Mutex and condition variable over memory.atomic.wait32/notify (futex style). */
#include "kit.h"

static uint32_t cas32(uint32_t *p, uint32_t expected, uint32_t desired) {
  __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return expected; /* the value seen before the exchange */
}

static int wait32(uint32_t *p, uint32_t expected, int64_t timeout_ns) {
  return __builtin_wasm_memory_atomic_wait32((int *)p, (int)expected, timeout_ns);
}

static void notify(uint32_t *p, uint32_t count) {
  (void)__builtin_wasm_memory_atomic_notify((int *)p, count);
}

/* state: 0 unlocked, 1 locked without waiters, 2 locked and maybe waited on. A locker that
 * has to sleep marks the mutex 2 so that the unlocker knows to notify. */
void mutex_lock(kit_mutex *m) {
  uint32_t c = cas32(&m->state, 0, 1);
  if (c == 0) return;
  for (int spin = 0; spin < 64 && c == 1; spin++) {
    c = cas32(&m->state, 0, 1);
    if (c == 0) return;
  }
  if (c != 2) c = __atomic_exchange_n(&m->state, 2, __ATOMIC_SEQ_CST);
  while (c != 0) {
    wait32(&m->state, 2, -1);
    c = __atomic_exchange_n(&m->state, 2, __ATOMIC_SEQ_CST);
  }
}

int mutex_trylock(kit_mutex *m) { return cas32(&m->state, 0, 1) == 0; }

void mutex_unlock(kit_mutex *m) {
  if (__atomic_fetch_sub(&m->state, 1, __ATOMIC_SEQ_CST) != 1) {
    __atomic_store_n(&m->state, 0, __ATOMIC_SEQ_CST);
    notify(&m->state, 1);
  }
}

/* A waiter samples seq while holding the mutex; a signal made after that point bumps seq, so
 * the wait either sees the new value (returns "not-equal" at once) or is woken by notify. */
static int cond_wait_ns(kit_cond *c, kit_mutex *m, int64_t timeout_ns) {
  uint32_t seq = __atomic_load_n(&c->seq, __ATOMIC_SEQ_CST);
  mutex_unlock(m);
  int r = wait32(&c->seq, seq, timeout_ns);
  mutex_lock(m);
  return r == 2;
}

void cond_wait(kit_cond *c, kit_mutex *m) { (void)cond_wait_ns(c, m, -1); }

int cond_timedwait(kit_cond *c, kit_mutex *m, int64_t timeout_ns) {
  return cond_wait_ns(c, m, timeout_ns < 0 ? 0 : timeout_ns);
}

void cond_signal(kit_cond *c) {
  __atomic_fetch_add(&c->seq, 1, __ATOMIC_SEQ_CST);
  notify(&c->seq, 1);
}

void cond_broadcast(kit_cond *c) {
  __atomic_fetch_add(&c->seq, 1, __ATOMIC_SEQ_CST);
  notify(&c->seq, UINT32_MAX);
}
