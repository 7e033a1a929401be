// Table storage that never moves: growth in place up to the reservation, calls through a
// table on three threads while a fourth grows it, and tables too large to create failing
// cleanly (host/runtime/table_storage.h).
//
// The stress test's duration grows with TERN_TABLE_STRESS_ROUNDS (default 2): each round grows
// a fresh table from 4 elements to the implementation limit.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tern.h"
#include "tern/extern.h"
#include "wasm.h"
#include "tests/runtime/wasm_util.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TERN_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TERN_TEST_SANITIZED 1
#endif
#endif
#ifndef TERN_TEST_SANITIZED
#define TERN_TEST_SANITIZED 0
#endif

namespace tern {
namespace {

using test::call_u64;
using test::compile_wasm;
using test::instantiate;

TableType funcref_table(uint64_t min, std::optional<uint64_t> max) {
  return TableType{ValType::FuncRef, Limits{min, max, false}};
}

int stress_rounds() {
  const char* s = std::getenv("TERN_TABLE_STRESS_ROUNDS");
  const int v = s ? std::atoi(s) : 0;
  return v > 0 ? v : 2;
}

TEST_CASE("table storage grows in place up to its capacity and no further") {
  int marker = 0;
  auto storage = TableStorage::create(3, 50'000, &marker);
  REQUIRE(storage.ok());
  void** const base = storage->data();
  CHECK(storage->size() == 3);
  CHECK(storage->capacity() == 50'000);
  for (void* e : *storage) CHECK(e == &marker);
  uint32_t expected = 3;
  while (expected + 997 <= 50'000) {
    REQUIRE(storage->grow(997, nullptr));
    expected += 997;
    CHECK(storage->data() == base);
    CHECK(storage->size() == expected);
  }
  CHECK((*storage)[2] == &marker);
  CHECK((*storage)[3] == nullptr);
  CHECK(!storage->grow(50'000 - expected + 1, &marker));  // one past the capacity: unchanged
  CHECK(storage->size() == expected);
  CHECK(storage->grow(50'000 - expected, &marker));  // exactly to the capacity
  CHECK((*storage)[49'999] == &marker);
  CHECK(!storage->grow(1, nullptr));
  CHECK(storage->data() == base);

  auto moved = std::move(*storage);  // the move carries the mapping, not a copy
  CHECK(moved.data() == base);
  CHECK(moved.size() == 50'000);
}

TEST_CASE("a table's elements stay put while it grows; past its maximum grow returns -1") {
  SUBCASE("declared maximum") {
    auto table = Table::make(funcref_table(1, 10'000)).value();
    void** const base = table->data.elements;
    for (int i = 0; i < 9'999 / 9; ++i) REQUIRE(table->grow(9, nullptr) == 1 + 9 * i);
    CHECK(table->data.size == 10'000);
    CHECK(table->data.elements == base);
    CHECK(table->grow(1, nullptr) == -1);
    CHECK(table->grow(0, nullptr) == 10'000);
    CHECK(table->data.size == 10'000);
  }
  SUBCASE("no maximum: the implementation limit") {
    auto table = Table::make(funcref_table(0, std::nullopt)).value();
    void** const base = table->data.elements;
    int64_t expected = 0;
    while (expected + 250'000 <= kMaxTableElements) {
      REQUIRE(table->grow(250'000, nullptr) == expected);
      expected += 250'000;
      REQUIRE(table->data.elements == base);
    }
    CHECK(table->data.size == kMaxTableElements);
    CHECK(table->grow(1, nullptr) == -1);
    CHECK(table->data.elements[kMaxTableElements - 1] == nullptr);
  }
}

TEST_CASE("call_indirect on three threads while a fourth grows the shared table") {
  auto owner_module = compile_wasm("table_owner");
  auto user_module = compile_wasm("table_user");
  constexpr int kReaders = 3;
  constexpr uint32_t kCallsPerLoop = 2'000;
  for (int round = 0; round < stress_rounds(); ++round) {
    auto owner = instantiate(owner_module);
    auto table = owner->get_export("table");
    REQUIRE(table);
    auto user = instantiate(user_module, std::span<const Extern>(&*table, 1));

    std::atomic<int> started{0};
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> wrong{0}, failed{0}, loops{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < kReaders; ++r) {
      readers.emplace_back([&, slot = r + 1] {
        started.fetch_add(1);
        while (!stop.load(std::memory_order_relaxed)) {
          const std::vector<Value> args{Value::i32(slot), Value::i32(kCallsPerLoop)};
          auto result = user->call("call_loop", args);
          if (!result.ok()) failed.fetch_add(1);
          else if ((*result)[0].lo != kCallsPerLoop) wrong.fetch_add(1);
          loops.fetch_add(1);
        }
      });
    }
    while (started.load() < kReaders) std::this_thread::yield();
    // Small steps to the limit: thousands of grows, each racing the readers.
    uint32_t grows = 0;
    while (call_u64(*owner, "grow", {Value::i32(1'009)}) != 0xffffffff) ++grows;  // -1 at the limit
    stop = true;
    for (auto& t : readers) t.join();
    MESSAGE("round " << round << ": " << grows << " grows, " << loops.load() << " call loops of " << kCallsPerLoop);
    CHECK(failed.load() == 0);
    CHECK(wrong.load() == 0);
    CHECK(grows > 9'000);
    CHECK(call_u64(*owner, "size", {}) + 1'009 > kMaxTableElements);
  }
}

TEST_CASE("a table above the implementation limit fails to instantiate with a clear error") {
  for (const char* name : {"table_huge", "table_20m"}) {
    CAPTURE(name);
    auto module = compile_wasm(name);
    auto instance = Instance::instantiate(module, {});
    REQUIRE(!instance.ok());
    CHECK(instance.error().kind() == ErrorKind::Limit);
    const std::string expected = std::string(name) == "table_huge"
                                     ? "table 0: initial size 4294967295 exceeds the implementation limit of 10000000 elements"
                                     : "table 1: initial size 20000000 exceeds the implementation limit of 10000000 elements";
    CHECK(instance.error().message() == expected);
  }
  // The host goes on: tables up to the limit still work.
  auto owner = instantiate(compile_wasm("table_owner"));
  CHECK(call_u64(*owner, "grow", {Value::i32(1)}) == 4);

  auto ref = TableRef::create(funcref_table(20'000'000, std::nullopt));
  REQUIRE(!ref.ok());
  CHECK(ref.error().kind() == ErrorKind::Limit);
  CHECK(ref.error().message().find("exceeds the implementation limit") != std::string::npos);
  auto at_limit = TableRef::create(funcref_table(kMaxTableElements, std::nullopt));
  REQUIRE(at_limit.ok());
  CHECK(at_limit->size() == kMaxTableElements);
  CHECK(at_limit->grow(1) == -1);
}

TEST_CASE("wasm_table_new above the implementation limit returns NULL with the reason") {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_limits_t limits{20'000'000, wasm_limits_max_default};
  wasm_tabletype_t* type = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  CHECK(wasm_table_new(store, type, nullptr) == nullptr);
  CHECK(std::string(tern_last_error()).find("exceeds the implementation limit of 10000000 elements") != std::string::npos);
  wasm_tabletype_delete(type);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// A failed reservation (ENOMEM) is a Limit error, not std::bad_alloc or a crash. In a child
// process with little address space left; sanitizers reserve too much address space for that.
TEST_CASE("a table whose storage cannot be reserved fails with an error" * doctest::skip(TERN_TEST_SANITIZED)) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    long pages = 0;
    std::ifstream("/proc/self/statm") >> pages;
    const rlim_t room = static_cast<rlim_t>(pages) * sysconf(_SC_PAGESIZE) + (16 << 20);
    rlimit lim{room, room};
    if (setrlimit(RLIMIT_AS, &lim) != 0) _exit(2);
    auto small = Table::make(funcref_table(1, 1'000));  // 8 KB: fits
    auto large = Table::make(funcref_table(1, std::nullopt));  // 80 MB of address space: does not
    const bool ok = small.ok() && !large.ok() && large.error().kind() == ErrorKind::Limit &&
                    large.error().message().find("reserving") != std::string::npos;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace tern
