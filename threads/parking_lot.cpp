// DESIGN (threads/parking_lot.{h,cpp})
// Waiters queue per key in one of a fixed set of buckets; each bucket has a mutex and a FIFO
// list of waiters (any keys that hash to it), whose nodes live on the waiting threads' stacks.
// 1. wait() reads the cell and enqueues under the bucket's lock, and notify() dequeues under
//    the same lock. A notifier stores the new value before it calls notify(), so either the
//    waiter's read (under the lock) sees that value and does not park, or the waiter is already
//    queued when the notifier looks: no wake-up is lost. Breaking this (reading outside the
//    lock) lets a thread sleep through the notify meant for it.
// 2. Only notify() sets `woken`, and it unlinks the waiter in the same critical section, so a
//    woken waiter is counted exactly once and a timed-out or interrupted one unlinks itself.
//    A waiter that sees `woken` reports Woken even if its time ran out meanwhile: the notifier
//    already counted it.
// 3. notify() signals the waiter's condition variable while holding the lock, and the waiter
//    cannot return (destroying its node) before it reacquires the lock: the node outlives
//    every use by the notifier.
// 4. A parked thread wakes at least every kInterruptSlice to look at its interrupt flag, so
//    Instance::interrupt() stops a waiting guest without knowing where it waits.
#include "threads/parking_lot.h"

#include <condition_variable>

namespace tern {

struct ParkingLot::Waiter {
  Key key;
  std::condition_variable cv;
  bool woken = false;
  Waiter* prev = nullptr;
  Waiter* next = nullptr;
};

namespace {

uint64_t load_cell(const uint8_t* cell, uint32_t bytes) {
  // seq-cst, like the wasm atomics that write the cell; const_cast: atomic_ref<const T> does
  // not exist in C++20, and this only loads.
  if (bytes == 4) return std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(const_cast<uint8_t*>(cell))).load();
  return std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(const_cast<uint8_t*>(cell))).load();
}

using Clock = std::chrono::steady_clock;

// now + timeout_ns; Clock::time_point::max() stands for "forever" (a negative timeout, or one
// too far away to represent).
Clock::time_point deadline_after(int64_t timeout_ns) {
  const Clock::time_point now = Clock::now();
  if (timeout_ns < 0) return Clock::time_point::max();
  const auto room = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::time_point::max() - now);
  if (timeout_ns >= room.count()) return Clock::time_point::max();
  return now + std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(timeout_ns));
}

}  // namespace

ParkingLot::Bucket& ParkingLot::bucket(const Key& key) {
  // Fibonacci hashing of the host address; cells are at least 4-byte aligned.
  const uint64_t h = (reinterpret_cast<uintptr_t>(key.memory) + key.address) >> 2;
  return buckets_[(h * 0x9e3779b97f4a7c15ull) >> 56];
}

void ParkingLot::unlink(Bucket& b, Waiter* w) {
  (w->prev ? w->prev->next : b.head) = w->next;
  (w->next ? w->next->prev : b.tail) = w->prev;
  w->prev = w->next = nullptr;
}

ParkingLot::WaitResult ParkingLot::wait(Key key, uint32_t bytes, uint64_t expected, int64_t timeout_ns,
                                        const std::atomic<uint32_t>* interrupt) {
  const Clock::time_point deadline = deadline_after(timeout_ns);
  Bucket& b = bucket(key);
  std::unique_lock lock(b.mu);
  if (load_cell(key.memory + key.address, bytes) != expected) return WaitResult::NotEqual;  // invariant 1
  Waiter w;
  w.key = key;
  w.prev = b.tail;
  (b.tail ? b.tail->next : b.head) = &w;
  b.tail = &w;
  while (!w.woken) {  // invariant 2
    if (interrupt != nullptr && interrupt->load(std::memory_order_relaxed) != 0) {
      unlink(b, &w);
      return WaitResult::Interrupted;
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      unlink(b, &w);
      return WaitResult::TimedOut;
    }
    // Never past the deadline; never longer than a slice (invariant 4).
    const Clock::time_point until = deadline - now > kInterruptSlice ? now + kInterruptSlice : deadline;
    w.cv.wait_until(lock, until);
  }
  return WaitResult::Woken;
}

uint32_t ParkingLot::notify(Key key, uint32_t count) {
  Bucket& b = bucket(key);
  std::lock_guard lock(b.mu);
  uint32_t woken = 0;
  for (Waiter* w = b.head; w != nullptr && woken < count;) {
    Waiter* next = w->next;
    if (w->key == key) {
      unlink(b, w);
      w->woken = true;
      w->cv.notify_one();  // under the lock (invariant 3)
      ++woken;
    }
    w = next;
  }
  return woken;
}

uint32_t ParkingLot::parked(Key key) {
  Bucket& b = bucket(key);
  std::lock_guard lock(b.mu);
  uint32_t n = 0;
  for (const Waiter* w = b.head; w != nullptr; w = w->next) n += w->key == key ? 1 : 0;
  return n;
}

ParkingLot& ParkingLot::global() {
  static ParkingLot lot;
  return lot;
}

}  // namespace tern
