// Guest memory helpers: range checks at 0, the last byte, one past the end and across 2^32 and
// 2^64; module_malloc/module_free with a working, a missing, a failing, a wild and a
// cabi_realloc allocator; and 8 host threads allocating on one instance at once.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "host/runtime/guest_memory.h"
#include "tests/runtime/wasm_util.h"

namespace tern {
namespace {

constexpr uint64_t kMem = 65536;  // every test module has one page

TEST_CASE("app_to_native accepts only ranges wholly inside memory 0") {
  auto inst = test::instantiate(test::compile_wasm("gm_noalloc"));
  uint8_t* base = inst->memory(0)->base();

  CHECK(app_to_native(*inst, 0, 0) == base);
  CHECK(app_to_native(*inst, 0, 1) == base);
  CHECK(app_to_native(*inst, 0, kMem) == base);
  CHECK(app_to_native(*inst, 0, kMem + 1) == nullptr);
  CHECK(app_to_native(*inst, kMem - 1, 1) == base + kMem - 1);  // the last byte
  CHECK(app_to_native(*inst, kMem - 1, 2) == nullptr);
  CHECK(app_to_native(*inst, kMem, 0) == base + kMem);           // empty range at the end
  CHECK(app_to_native(*inst, kMem, 1) == nullptr);               // the first byte past the end
  CHECK(app_to_native(*inst, kMem + 1, 0) == nullptr);
  // offset + size wraps around 2^32 (as 32-bit arithmetic would) and 2^64.
  CHECK(app_to_native(*inst, 0xffffffffu, 2) == nullptr);
  CHECK(app_to_native(*inst, 16, uint64_t{0xfffffff0} + 0x10) == nullptr);
  CHECK(app_to_native(*inst, 0x1'0000'0000u, 1) == nullptr);
  CHECK(app_to_native(*inst, UINT64_MAX, 2) == nullptr);
  CHECK(app_to_native(*inst, 16, UINT64_MAX) == nullptr);
  CHECK(app_to_native(*inst, 16, UINT64_MAX - 15) == nullptr);
  CHECK(app_to_native(*inst, UINT64_MAX, 0) == nullptr);
}

TEST_CASE("native_to_app maps addresses inside memory 0 only") {
  auto inst = test::instantiate(test::compile_wasm("gm_noalloc"));
  uint8_t* base = inst->memory(0)->base();
  CHECK(native_to_app(*inst, base) == 0);
  CHECK(native_to_app(*inst, base + kMem - 1) == kMem - 1);
  CHECK_FALSE(native_to_app(*inst, base + kMem).has_value());
  CHECK_FALSE(native_to_app(*inst, base - 1).has_value());
  CHECK_FALSE(native_to_app(*inst, nullptr).has_value());
  int on_host_stack = 0;
  CHECK_FALSE(native_to_app(*inst, &on_host_stack).has_value());
  // Round trip.
  CHECK(native_to_app(*inst, app_to_native(*inst, 1234, 10)) == 1234);
}

TEST_CASE("the range checks follow the memory's current size") {
  auto inst = test::instantiate(test::compile_wasm("gm_null"));
  CHECK(app_to_native(*inst, kMem, 1) == nullptr);
  REQUIRE(inst->memory(0)->grow(1) == 1);
  CHECK(app_to_native(*inst, kMem, 1) == inst->memory(0)->base() + kMem);
  CHECK(app_to_native(*inst, 2 * kMem - 1, 1) != nullptr);
  CHECK(app_to_native(*inst, 2 * kMem, 1) == nullptr);
  CHECK(native_to_app(*inst, inst->memory(0)->base() + kMem) == kMem);
}

TEST_CASE("validate_app_str needs the string and its NUL inside memory 0") {
  auto inst = test::instantiate(test::compile_wasm("gm_noalloc"));
  auto hello = validate_app_str(*inst, 16);
  REQUIRE(hello.ok());
  CHECK(*hello == "hello");
  auto empty = validate_app_str(*inst, 0);  // memory starts zeroed: the empty string
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  auto last = validate_app_str(*inst, kMem - 1);  // the last byte is a NUL
  REQUIRE(last.ok());
  CHECK(last->empty());

  // "tail" at 65530 runs into the last two bytes; fill them so no NUL follows inside memory.
  std::memset(app_to_native(*inst, kMem - 2, 2), 'x', 2);
  auto unterminated = validate_app_str(*inst, kMem - 6);
  REQUIRE_FALSE(unterminated.ok());
  CHECK(unterminated.error().message() == "validate_app_str: the string at 65530 has no NUL before the end of memory 0");
  CHECK_FALSE(validate_app_str(*inst, kMem).ok());
  CHECK_FALSE(validate_app_str(*inst, 0x1'0000'0000u + 16).ok());  // 16 modulo 2^32 would be "hello"
  CHECK_FALSE(validate_app_str(*inst, UINT64_MAX).ok());
}

TEST_CASE("module_malloc returns a block inside memory; module_free gives it back") {
  auto inst = test::instantiate(test::compile_wasm("gm_alloc"));
  auto a = module_malloc(*inst, 100);
  REQUIRE(a.ok());
  CHECK(a->offset == 4096);
  CHECK(a->native == inst->memory(0)->base() + 4096);
  auto b = module_malloc(*inst, 256);
  REQUIRE(b.ok());
  CHECK(b->offset == 4096 + 256);
  CHECK(test::call_u64(*inst, "live", {}) == 2);
  REQUIRE(module_free(*inst, a->offset).ok());
  REQUIRE(module_free(*inst, b->offset).ok());
  CHECK(test::call_u64(*inst, "live", {}) == 0);

  auto too_big = module_malloc(*inst, 257);  // this allocator's limit: it returns 0
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.error().message() == "module_malloc(257): the guest allocator returned 0");
}

TEST_CASE("module_malloc fails clearly without an allocator or when it fails") {
  auto none = test::instantiate(test::compile_wasm("gm_noalloc"));
  auto r = module_malloc(*none, 8);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind() == ErrorKind::Usage);
  CHECK(r.error().message().find("module_malloc(8): the module exports no allocator") == 0);
  auto f = module_free(*none, 16);
  REQUIRE_FALSE(f.ok());
  CHECK(f.error().message() == "module_free: the module exports no \"free\" (i32) -> ()");

  auto null = test::instantiate(test::compile_wasm("gm_null"));
  auto zero = module_malloc(*null, 8);
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().message() == "module_malloc(8): the guest allocator returned 0");

  auto wild = test::instantiate(test::compile_wasm("gm_wild"));
  CHECK(module_malloc(*wild, 16).ok());  // [65520, 65536) is the last 16 bytes: inside
  auto past = module_malloc(*wild, 17);
  REQUIRE_FALSE(past.ok());
  CHECK(past.error().message() == "module_malloc(17): the guest allocator returned block [65520, +17) outside memory 0 (65536 bytes)");
}

TEST_CASE("module_malloc falls back to cabi_realloc") {
  auto inst = test::instantiate(test::compile_wasm("gm_cabi"));
  auto a = module_malloc(*inst, 3);
  REQUIRE(a.ok());
  CHECK(a->offset == 8192);
  auto b = module_malloc(*inst, 8);
  REQUIRE(b.ok());
  CHECK(b->offset == 8200);  // 8195 aligned up to 8
}

TEST_CASE("8 host threads allocate and free on one instance without overlapping blocks") {
  auto inst = test::instantiate(test::compile_wasm("gm_alloc"));
  std::mutex mu;
  std::set<uint32_t> live;  // offsets of blocks some thread holds
  int overlaps = 0, failures = 0, corrupted = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        uint32_t size = 1 + static_cast<uint32_t>((t * 31 + i * 7) % 256);
        auto block = module_malloc(*inst, size);
        if (!block.ok()) {
          std::lock_guard lock(mu);
          ++failures;
          continue;
        }
        {
          std::lock_guard lock(mu);
          // Blocks are 256 bytes apart: another live block within 256 bytes overlaps this one.
          auto next = live.lower_bound(block->offset);
          if (next != live.end() && *next < block->offset + 256) ++overlaps;
          if (next != live.begin() && *std::prev(next) + 256 > block->offset) ++overlaps;
          live.insert(block->offset);
        }
        std::memset(block->native, t + 1, size);
        std::this_thread::yield();
        if (std::any_of(block->native, block->native + size, [&](uint8_t b) { return b != t + 1; })) {
          std::lock_guard lock(mu);
          ++corrupted;
        }
        {
          std::lock_guard lock(mu);
          live.erase(block->offset);
        }
        if (!module_free(*inst, block->offset).ok()) {
          std::lock_guard lock(mu);
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(overlaps == 0);
  CHECK(corrupted == 0);
  CHECK(failures == 0);  // 64 blocks, at most 8 live at once
  CHECK(test::call_u64(*inst, "live", {}) == 0);
}

}  // namespace
}  // namespace tern
