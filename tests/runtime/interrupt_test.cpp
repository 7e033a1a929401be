// Instance::interrupt() stops a running guest at its next loop header with "interrupted";
// clear_interrupt() makes the instance callable again. Latency is printed, never asserted
// beyond a generous sanity bound.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

#include "wasm_util.h"

namespace tern {
namespace {

using Clock = std::chrono::steady_clock;

// Far beyond any plausible latency: only a guest that never stops fails it.
constexpr auto kSanityBound = std::chrono::seconds(10);

TEST_CASE("interrupt stops an infinite loop on another thread; the instance works afterwards") {
  auto module = test::compile_wasm("traps");
  auto instance = test::instantiate(module);
  auto bystander = test::instantiate(module);

  std::atomic<bool> done{false};
  std::optional<Result<std::vector<Value>>> outcome;
  std::thread runner([&] {
    outcome.emplace(instance->call("spin", {}));
    done.store(true, std::memory_order_release);
  });

  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(done.load(std::memory_order_acquire));  // still spinning
  // Another instance of the module is unaffected while this one spins.
  CHECK(test::call_u64(*bystander, "count", {Value::i32(10)}) == 20);

  const auto start = Clock::now();
  instance->interrupt();
  while (!done.load(std::memory_order_acquire) && Clock::now() - start < kSanityBound)
    std::this_thread::yield();
  const auto latency = Clock::now() - start;
  if (!done.load(std::memory_order_acquire)) {
    // The guest ignored the interrupt: the thread cannot be joined, so stop here.
    FAIL_CHECK("spin was not interrupted within 10 s");
    std::_Exit(1);
  }
  runner.join();
  MESSAGE("interrupt latency: " << std::chrono::duration<double, std::micro>(latency).count() << " us");

  REQUIRE(outcome.has_value());
  REQUIRE_FALSE(outcome->ok());
  CHECK(outcome->error().kind() == ErrorKind::Trap);
  CHECK(outcome->error().message() == "interrupted");
  CHECK(outcome->error().details().find("#0 wasm function 5") == 0);  // "spin"

  // The flag stays set until cleared: every call traps at once (prologues check it too, so
  // recursion and tail-call loops can be stopped as well as loops).
  CHECK(test::call_error(*instance, "count", {Value::i32(3)}).message() == "interrupted");
  CHECK(test::call_error(*instance, "fac", {Value::i64(4)}).message() == "interrupted");
  instance->clear_interrupt();
  CHECK(test::call_u64(*instance, "count", {Value::i32(1000)}) == 2000);
  CHECK(test::call_u64(*bystander, "count", {Value::i32(5)}) == 10);
}

}  // namespace
}  // namespace tern
