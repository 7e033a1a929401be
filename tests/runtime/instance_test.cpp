// Instances survive traps: other instances and the trapping one keep working; stack
// exhaustion leaves the host stack intact; many instances keep their own state.
#include <doctest/doctest.h>

#include <cstring>
#include <set>
#include <vector>

#include "wasm_util.h"

namespace tern {
namespace {

using test::call_error;
using test::call_u64;

TEST_CASE("a trap leaves the trapping instance and its siblings usable") {
  auto module = test::compile_wasm("traps");
  auto a = test::instantiate(module);
  auto b = test::instantiate(module);

  Error div0 = call_error(*a, "div", {Value::i32(7), Value::i32(0)});
  CHECK(div0.kind() == ErrorKind::Trap);
  CHECK(div0.message() == "integer divide by zero");
  CHECK(call_u64(*a, "div", {Value::i32(7), Value::i32(2)}) == 3);
  CHECK(call_u64(*b, "div", {Value::i32(9), Value::i32(3)}) == 3);

  Error oob = call_error(*a, "load", {Value::i32(65536)});
  CHECK(oob.message() == "out of bounds memory access");
  call_u64(*a, "store", {Value::i32(8), Value::i32(42)});
  CHECK(call_u64(*a, "load", {Value::i32(8)}) == 42);
  CHECK(call_u64(*b, "load", {Value::i32(8)}) == 0);  // b's memory is its own

  Error overflow = call_error(*b, "div", {Value::i32(0x80000000u), Value::i32(0xffffffffu)});
  CHECK(overflow.message() == "integer overflow");
  CHECK(call_u64(*a, "fac", {Value::i64(10)}) == 3628800);
  CHECK(call_u64(*b, "fac", {Value::i64(20)}) == 2432902008176640000ull);
}

// Recursion on the host stack, to check it still works after wasm exhausted its part.
[[gnu::noinline]] uint64_t host_depth(uint32_t n) {
  volatile uint8_t pad[256];
  pad[0] = static_cast<uint8_t>(n);
  return n == 0 ? pad[0] : host_depth(n - 1) + pad[0] % 2 + 1;
}

TEST_CASE("deep recursion traps with call stack exhausted; the host stack stays intact") {
  auto module = test::compile_wasm("traps");
  auto instance = test::instantiate(module);
  volatile uint64_t canary[4] = {0x1111, 0x2222, 0x3333, 0x4444};
  for (int round = 0; round < 3; ++round) {
    Error e = call_error(*instance, "recurse", {Value::i64(0)});
    CHECK(e.kind() == ErrorKind::Trap);
    CHECK(e.message() == "call stack exhausted");
    // The backtrace is capped: every recorded frame is the recursing function.
    auto frames = test::lines(e.details());
    CHECK(frames.size() == kMaxTrapFrames);
    for (const std::string& f : frames) CHECK(f.find("\"recurse\"") != std::string::npos);
  }
  CHECK(canary[0] == 0x1111);
  CHECK(canary[1] == 0x2222);
  CHECK(canary[2] == 0x3333);
  CHECK(canary[3] == 0x4444);
  CHECK(host_depth(2000) > 2000);
  CHECK(call_u64(*instance, "fac", {Value::i64(5)}) == 120);
  CHECK(call_u64(*instance, "count", {Value::i32(1000)}) == 2000);
}

TEST_CASE("100 instances of one module, each with its own memory and globals, interleaved") {
  constexpr uint32_t kCount = 100;
  constexpr uint32_t kRounds = 4;
  auto module = test::compile_wasm("counter");
  std::vector<std::shared_ptr<Instance>> instances;
  std::set<const uint8_t*> bases;
  for (uint32_t i = 0; i < kCount; ++i) {
    instances.push_back(test::instantiate(module));
    REQUIRE(instances.back()->memory(0) != nullptr);
    bases.insert(instances.back()->memory(0)->base());
  }
  CHECK(bases.size() == kCount);
  for (uint32_t i = 0; i < kCount; ++i) call_u64(*instances[i], "set", {Value::i32(i * 1000)});
  for (uint32_t round = 1; round <= kRounds; ++round) {
    // Alternate directions so neighbours' calls interleave differently each round.
    for (uint32_t k = 0; k < kCount; ++k) {
      const uint32_t i = round % 2 ? k : kCount - 1 - k;
      CHECK(call_u64(*instances[i], "add", {Value::i32(i)}) == i * 1000 + round * i);
    }
  }
  for (uint32_t i = 0; i < kCount; ++i) {
    CHECK(call_u64(*instances[i], "calls", {}) == kRounds);
    uint32_t cell = 0;
    std::memcpy(&cell, instances[i]->memory(0)->base() + 16, sizeof cell);
    CHECK(cell == i * 1000 + kRounds * i);
  }
}

}  // namespace
}  // namespace tern
