#include "memory/linear_memory.h"

#include <doctest/doctest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "jit/trap.h"
#include "jit_snippet.h"

namespace tern {
namespace {

using namespace asmjit;

MemoryType memory_type(uint64_t min, std::optional<uint64_t> max, bool shared = false) {
  MemoryType t;
  t.limits.min = min;
  t.limits.max = max;
  t.limits.shared = shared;
  return t;
}

// uint32_t load32(uint8_t* base, uint64_t index): mov eax, [rdi + rsi]; ret
const test::JitSnippet& load32_snippet() {
  static const test::JitSnippet s([](x86::Assembler& a, test::JitSnippet&) {
    a.mov(x86::eax, x86::dword_ptr(x86::rdi, x86::rsi));
    a.ret();
  });
  return s;
}

// Loads through registered JIT code; returns the trap, if any, and the value in *out.
std::optional<TrapInfo> wasm_load32(const LinearMemory& m, uint64_t index, uint32_t* out) {
  auto fn = load32_snippet().as<uint32_t(uint8_t*, uint64_t)>();
  return call_with_trap_handling([&] { *out = fn(m.base(), index); });
}

TEST_CASE("linear memory: create validates limits") {
  CHECK(LinearMemory::create(memory_type(1, 0)).error().kind() == ErrorKind::Invalid);
  CHECK(LinearMemory::create(memory_type(65537, std::nullopt)).error().kind() == ErrorKind::Invalid);
  CHECK(LinearMemory::create(memory_type(0, 65537)).error().kind() == ErrorKind::Invalid);
  CHECK(LinearMemory::create(memory_type(1, std::nullopt, /*shared=*/true)).error().kind() == ErrorKind::Invalid);
  CHECK(LinearMemory::create(memory_type(10, 20), 5).error().kind() == ErrorKind::Limit);
  CHECK(LinearMemory::create(memory_type(0, 1), 65537).error().kind() == ErrorKind::Usage);
  auto empty = LinearMemory::create(memory_type(0, 0));
  REQUIRE(empty.ok());
  CHECK((*empty)->size_bytes() == 0);
  CHECK((*empty)->checked(0, 0) != nullptr);
  CHECK((*empty)->checked(0, 1) == nullptr);
}

TEST_CASE("linear memory: grow to the maximum, then -1") {
  auto r = LinearMemory::create(memory_type(1, 4));
  REQUIRE(r.ok());
  LinearMemory& m = **r;
  CHECK(m.pages() == 1);
  CHECK(!m.shared());
  CHECK(m.max_pages() == std::optional<uint64_t>(4));
  CHECK(m.grow(0) == 1);
  CHECK(m.grow(2) == 1);
  CHECK(m.pages() == 3);
  CHECK(m.grow(2) == -1);  // would be 5 > 4
  CHECK(m.pages() == 3);
  CHECK(m.grow(1) == 3);
  CHECK(m.pages() == 4);
  CHECK(m.grow(1) == -1);
  CHECK(m.grow(UINT32_MAX) == -1);
  CHECK(m.size_bytes() == 4 * uint64_t{kPageSize});
  // Every committed page is writable, and checked() agrees with the size.
  for (uint32_t p = 0; p < 4; ++p) m.base()[uint64_t{p} * kPageSize + 17] = uint8_t(p + 1);
  CHECK(m.checked(4 * uint64_t{kPageSize} - 8, 8) != nullptr);
  CHECK(m.checked(4 * uint64_t{kPageSize} - 8, 9) == nullptr);
  CHECK(m.checked(UINT64_MAX, 2) == nullptr);
  CHECK(m.checked(2, UINT64_MAX) == nullptr);
}

TEST_CASE("linear memory: embedder limit caps growth, no max means 65536") {
  auto r = LinearMemory::create(memory_type(0, std::nullopt), 3);
  REQUIRE(r.ok());
  CHECK((*r)->grow_limit_pages() == 3);
  CHECK((*r)->grow(3) == 0);
  CHECK((*r)->grow(1) == -1);
  auto big = LinearMemory::create(memory_type(0, std::nullopt));
  REQUIRE(big.ok());
  CHECK((*big)->grow_limit_pages() == 65536);
  CHECK((*big)->grow(65537) == -1);
}

TEST_CASE("linear memory: accesses past the size trap, pages become accessible after grow") {
  auto r = LinearMemory::create(memory_type(1, 3));
  REQUIRE(r.ok());
  LinearMemory& m = **r;
  uint32_t v = 0x11223344;
  std::memcpy(m.base() + 100, &v, 4);
  uint32_t got = 0;
  CHECK(!wasm_load32(m, 100, &got).has_value());
  CHECK(got == 0x11223344);
  CHECK(!wasm_load32(m, kPageSize - 4, &got).has_value());

  auto trap = wasm_load32(m, kPageSize - 2, &got);  // straddles the end of the size
  REQUIRE(trap.has_value());
  CHECK(trap->kind == TrapKind::MemoryOutOfBounds);
  CHECK(trap->pc == load32_snippet().begin());
  // The farthest a 32-bit index plus a 32-bit offset can reach is still inside the reservation.
  trap = wasm_load32(m, uint64_t{UINT32_MAX} * 2, &got);
  REQUIRE(trap.has_value());
  CHECK(trap->kind == TrapKind::MemoryOutOfBounds);

  REQUIRE(m.grow(1) == 1);
  CHECK(!wasm_load32(m, kPageSize, &got).has_value());
  CHECK(got == 0);
  trap = wasm_load32(m, 2 * uint64_t{kPageSize}, &got);
  REQUIRE(trap.has_value());
  CHECK(trap->kind == TrapKind::MemoryOutOfBounds);
}

TEST_CASE("linear memory: concurrent grows from 4 threads sum up; size readers see usable pages") {
  auto r = LinearMemory::create(memory_type(1, 1 + 4 * 100, /*shared=*/true));
  REQUIRE(r.ok());
  LinearMemory& m = **r;
  CHECK(m.shared());
  std::atomic<bool> start{false};
  std::atomic<uint64_t> old_sum{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (!start.load()) {}
      for (int i = 0; i < 100; ++i) {
        const int64_t old = m.grow(1);
        if (old < 0) failures.fetch_add(1);
        old_sum.fetch_add(uint64_t(old));
        // Every page below a size we observe is writable (release/acquire on size).
        const uint64_t size = m.size_bytes();
        m.base()[size - 1] = 1;
      }
    });
  }
  start = true;
  for (auto& t : threads) t.join();
  CHECK(failures.load() == 0);
  CHECK(m.pages() == 401);
  // Old sizes are 1..400, each returned exactly once.
  CHECK(old_sum.load() == 400 * 401 / 2);
  CHECK(m.grow(1) == -1);
}

}  // namespace
}  // namespace tern
