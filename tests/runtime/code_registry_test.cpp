#include "jit/code_registry.h"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace tern {
namespace {

// Fake code addresses: the registry never dereferences them.
const void* at(uintptr_t a) { return reinterpret_cast<const void*>(a); }

TEST_CASE("code registry: lookups find the containing range and nothing else") {
  const size_t before = registered_code_count();
  int owner_a = 0, owner_b = 0;
  register_code(at(0x1000'0000), at(0x1000'0100), &owner_a);
  register_code(at(0x0f00'0000), at(0x0f00'0010), &owner_b);
  CHECK(registered_code_count() == before + 2);
  CHECK(lookup_code(0x1000'0000) == &owner_a);
  CHECK(lookup_code(0x1000'00ff) == &owner_a);
  CHECK(lookup_code(0x1000'0100) == nullptr);  // end is exclusive
  CHECK(lookup_code(0x0fff'ffff) == nullptr);
  CHECK(lookup_code(0x0f00'0008) == &owner_b);
  CHECK(lookup_code(0) == nullptr);
  CHECK(lookup_code(UINTPTR_MAX) == nullptr);
  CodeRange r;
  REQUIRE(lookup_code_range(0x1000'0010, &r));
  CHECK(r.begin == 0x1000'0000);
  CHECK(r.end == 0x1000'0100);
  unregister_code(at(0x1000'0000));
  CHECK(lookup_code(0x1000'0010) == nullptr);
  CHECK(lookup_code(0x0f00'0008) == &owner_b);
  unregister_code(at(0x0f00'0000));
  CHECK(registered_code_count() == before);
}

TEST_CASE("code registry: concurrent registration while other threads look up") {
  constexpr uintptr_t kBase = 0x2000'0000;
  constexpr int kWriters = 4, kPerWriter = 200;
  int owner = 0;
  // A permanent range the readers must always find, whatever the writers do.
  register_code(at(kBase - 0x100), at(kBase - 0x80), &owner);
  std::atomic<bool> stop{false};
  std::atomic<long> misses{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        if (lookup_code(kBase - 0xf0) != &owner) misses.fetch_add(1);
        (void)lookup_code(kBase + 0x40);
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        const uintptr_t b = kBase + (uintptr_t(w) * kPerWriter + uintptr_t(i)) * 0x100;
        register_code(at(b), at(b + 0x80), &owner);
        if (lookup_code(b + 0x10) != &owner) misses.fetch_add(1);
        if (i % 2 == 0) unregister_code(at(b));
      }
    });
  }
  for (auto& t : writers) t.join();
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(misses.load() == 0);
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 1; i < kPerWriter; i += 2) {
      const uintptr_t b = kBase + (uintptr_t(w) * kPerWriter + uintptr_t(i)) * 0x100;
      CHECK(lookup_code(b) == &owner);
      unregister_code(at(b));
    }
  }
  unregister_code(at(kBase - 0x100));
  CHECK(lookup_code(kBase + 0x100) == nullptr);
}

}  // namespace
}  // namespace tern
