#include "threads/worker_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace tern {
namespace {

TEST_CASE("parallel_for calls every index exactly once") {
  WorkerPool pool(4);
  CHECK(pool.size() == 4);
  for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{7}, size_t{1000}}) {
    std::vector<std::atomic<int>> hits(n);
    pool.parallel_for(n, [&](size_t i) { hits[i].fetch_add(1); });
    int bad = 0;
    for (auto& h : hits) bad += h.load() != 1;
    CHECK(bad == 0);
  }
}

TEST_CASE("parallel_for uses several threads, the caller included") {
  WorkerPool pool(3);
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::atomic<int> inside{0};
  pool.parallel_for(64, [&](size_t) {
    inside.fetch_add(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard lock(mu);
    ids.insert(std::this_thread::get_id());
  });
  CHECK(inside.load() == 64);
  CHECK(ids.size() >= 2);
}

TEST_CASE("nested parallel_for on a saturated pool completes") {
  WorkerPool pool(2);
  std::atomic<long> sum{0};
  pool.parallel_for(8, [&](size_t i) {
    pool.parallel_for(100, [&](size_t j) { sum.fetch_add(long(i * 100 + j)); });
  });
  CHECK(sum.load() == 799L * 800 / 2);
}

TEST_CASE("submit returns results; the destructor runs queued tasks") {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(2);
    std::vector<std::future<int>> results;
    for (int i = 0; i < 100; ++i) results.push_back(pool.submit([i] { return i * i; }));
    long total = 0;
    for (auto& f : results) total += f.get();
    CHECK(total == 328350);
    for (int i = 0; i < 200; ++i) pool.post([&] { ran.fetch_add(1); });
  }
  CHECK(ran.load() == 200);
}

TEST_CASE("default_pool is one lazily created pool") {
  WorkerPool& a = default_pool();
  CHECK(&a == &default_pool());
  CHECK(a.size() >= 1);
  std::atomic<int> n{0};
  a.parallel_for(50, [&](size_t) { n.fetch_add(1); });
  CHECK(n.load() == 50);
}

}  // namespace
}  // namespace tern
