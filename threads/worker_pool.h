// A fixed pool of worker threads: parallel_for for compile jobs, submit/post for single tasks.
// DESIGN block in threads/worker_pool.cpp.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace tern {

class WorkerPool {
 public:
  // Starts max(threads, 1) worker threads.
  explicit WorkerPool(unsigned threads);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  // Runs every task already queued, then joins the workers.
  ~WorkerPool();

  unsigned size() const { return static_cast<unsigned>(workers_.size()); }

  // Calls fn(i) for every i in [0, n), on the workers and the calling thread, and returns when
  // all calls have returned. Safe to call from a worker (nested): the caller takes indices too,
  // so it completes even if every worker is busy. fn must not throw.
  void parallel_for(size_t n, const std::function<void(size_t)>& fn);

  // Queues task to run on a worker. task must not throw.
  void post(std::function<void()> task);

  // Queues f() and returns a future of its result.
  template <class F>
  std::future<std::invoke_result_t<std::decay_t<F>>> submit(F&& f) {
    using R = std::invoke_result_t<std::decay_t<F>>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(f));
    std::future<R> result = task->get_future();
    post([task] { (*task)(); });
    return result;
  }

 private:
  void run_worker();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> workers_;
};

// The process-wide pool: hardware_concurrency() threads, created on first use.
WorkerPool& default_pool();

}  // namespace tern
