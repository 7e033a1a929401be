// The parking lot alone, with host threads parking on a plain buffer.
#include "threads/parking_lot.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace tern {
namespace {

using namespace std::chrono_literals;
using WaitResult = ParkingLot::WaitResult;

// Polls until `n` threads are parked on key (parking happens on another thread).
void await_parked(ParkingLot& lot, ParkingLot::Key key, uint32_t n) {
  for (int i = 0; i < 10000 && lot.parked(key) < n; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(lot.parked(key) == n);
}

struct alignas(8) Cells {
  uint8_t bytes[64] = {};
};

TEST_CASE("a waiter whose value differs does not park") {
  ParkingLot lot;
  Cells mem;
  mem.bytes[0] = 1;
  CHECK(lot.wait({mem.bytes, 0}, 4, 0, -1, nullptr) == WaitResult::NotEqual);
  CHECK(lot.wait({mem.bytes, 8}, 8, 7, -1, nullptr) == WaitResult::NotEqual);
  CHECK(lot.parked({mem.bytes, 0}) == 0);
}

TEST_CASE("a wait times out after its timeout and unparks itself") {
  ParkingLot lot;
  Cells mem;
  const auto start = std::chrono::steady_clock::now();
  CHECK(lot.wait({mem.bytes, 8}, 8, 0, 30'000'000, nullptr) == WaitResult::TimedOut);
  CHECK(std::chrono::steady_clock::now() - start >= 30ms);
  CHECK(lot.wait({mem.bytes, 0}, 4, 0, 0, nullptr) == WaitResult::TimedOut);
  CHECK(lot.parked({mem.bytes, 8}) == 0);
}

TEST_CASE("notify wakes the oldest waiters first and counts them") {
  ParkingLot lot;
  Cells mem;
  const ParkingLot::Key key{mem.bytes, 4};
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      CHECK(lot.wait(key, 4, 0, -1, nullptr) == WaitResult::Woken);
      std::lock_guard lock(mu);
      order.push_back(i);
    });
    await_parked(lot, key, static_cast<uint32_t>(i + 1));  // fixes the arrival order
  }
  CHECK(lot.notify({mem.bytes, 0}, 10) == 0);  // another address in the same memory
  CHECK(lot.notify(key, 0) == 0);
  for (int expect = 0; expect < 2; ++expect) {
    CHECK(lot.notify(key, 1) == 1);
    for (int i = 0; i < 10000; ++i) {
      std::lock_guard lock(mu);
      if (order.size() == static_cast<size_t>(expect + 1)) break;
    }
    std::this_thread::sleep_for(5ms);
  }
  CHECK(lot.notify(key, 100) == 2);
  for (auto& t : threads) t.join();
  REQUIRE(order.size() == 4);
  CHECK(order[0] == 0);
  CHECK(order[1] == 1);
  CHECK(lot.parked(key) == 0);
}

TEST_CASE("keys that share a bucket wake only their own waiters") {
  ParkingLot lot;
  Cells a, b;
  // Same address in two memories, and two addresses in one memory.
  std::thread ta([&] { CHECK(lot.wait({a.bytes, 0}, 4, 0, -1, nullptr) == WaitResult::Woken); });
  std::thread tb([&] { CHECK(lot.wait({b.bytes, 0}, 4, 0, -1, nullptr) == WaitResult::Woken); });
  await_parked(lot, {a.bytes, 0}, 1);
  await_parked(lot, {b.bytes, 0}, 1);
  CHECK(lot.notify({a.bytes, 4}, 5) == 0);
  CHECK(lot.notify({a.bytes, 0}, 5) == 1);
  CHECK(lot.parked({b.bytes, 0}) == 1);
  CHECK(lot.notify({b.bytes, 0}, 5) == 1);
  ta.join();
  tb.join();
}

TEST_CASE("an interrupt flag ends a wait without a notify") {
  ParkingLot lot;
  Cells mem;
  std::atomic<uint32_t> interrupt{0};
  std::atomic<bool> done{false};
  std::thread t([&] {
    CHECK(lot.wait({mem.bytes, 0}, 4, 0, -1, &interrupt) == WaitResult::Interrupted);
    done = true;
  });
  await_parked(lot, {mem.bytes, 0}, 1);
  interrupt.store(1);
  t.join();
  CHECK(done.load());
  CHECK(lot.parked({mem.bytes, 0}) == 0);
}

TEST_CASE("many waiters and notifiers: every wait ends woken, none is lost") {
  ParkingLot lot;
  Cells mem;
  const ParkingLot::Key key{mem.bytes, 0};
  constexpr int kWaiters = 8, kRounds = 200;
  std::atomic<int> woken{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiters; ++i)
    threads.emplace_back([&] {
      for (int r = 0; r < kRounds; ++r)
        if (lot.wait(key, 4, 0, -1, nullptr) == WaitResult::Woken) woken.fetch_add(1);
    });
  uint64_t notified = 0;
  while (notified < uint64_t{kWaiters} * kRounds) notified += lot.notify(key, 3);
  for (auto& t : threads) t.join();
  CHECK(notified == uint64_t{kWaiters} * kRounds);
  CHECK(woken.load() == kWaiters * kRounds);
}

}  // namespace
}  // namespace tern
