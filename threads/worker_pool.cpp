// DESIGN (threads/worker_pool.cpp)
// 1. One FIFO queue under one mutex; workers sleep on a condition variable. Tasks are coarse
//    (a batch of functions to compile, a guest call, a request), so the lock is not contended
//    enough to justify work-stealing deques.
// 2. parallel_for hands out indices through one atomic counter shared by at most size() helper
//    tasks and the calling thread. The caller never waits for a helper to *start*: it takes
//    indices itself, then waits only for calls already claimed to finish. So nested parallel_for
//    on a busy pool cannot deadlock.
// 3. A helper touches `fn` only after claiming an index < n, and the caller returns only after
//    n calls have finished, so `fn` (the caller's) outlives every use. The shared state itself
//    is reference-counted, because late helpers still read the counter after the caller left.
// 4. The destructor drains the queue (every posted task runs) before joining.
#include "threads/worker_pool.h"

#include <algorithm>
#include <atomic>

namespace tern {

WorkerPool::WorkerPool(unsigned threads) {
  const unsigned n = std::max(threads, 1u);
  workers_.reserve(n);
  for (unsigned i = 0; i < n; ++i) workers_.emplace_back([this] { run_worker(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void WorkerPool::post(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void WorkerPool::run_worker() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained (invariant 4)
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

namespace {

struct ForState {
  const std::function<void(size_t)>* fn;
  size_t n;
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex mu;
  std::condition_variable all_done;

  // Runs indices until none are left; returns how many this thread ran.
  void work() {
    size_t ran = 0;
    for (size_t i = next.fetch_add(1, std::memory_order_relaxed); i < n;
         i = next.fetch_add(1, std::memory_order_relaxed)) {
      (*fn)(i);
      ++ran;
    }
    if (ran == 0) return;
    if (done.fetch_add(ran, std::memory_order_acq_rel) + ran == n) {
      std::lock_guard lock(mu);  // pairs with the caller's wait: no lost wake-up
      all_done.notify_all();
    }
  }
};

}  // namespace

void WorkerPool::parallel_for(size_t n, const std::function<void(size_t)>& fn) {
  if (n == 0) return;
  if (n == 1) {
    fn(0);
    return;
  }
  auto state = std::make_shared<ForState>();
  state->fn = &fn;
  state->n = n;
  const size_t helpers = std::min<size_t>(n - 1, workers_.size());
  for (size_t i = 0; i < helpers; ++i) post([state] { state->work(); });
  state->work();
  std::unique_lock lock(state->mu);
  state->all_done.wait(lock, [&] { return state->done.load(std::memory_order_acquire) == n; });
}

WorkerPool& default_pool() {
  static WorkerPool pool(std::max(std::thread::hardware_concurrency(), 1u));
  return pool;
}

}  // namespace tern
