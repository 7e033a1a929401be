// wasi-threads through the library: ThreadGroup::spawn on wat/spawn.wat, linked the way
// `tern run` links it (host/wasi/wasi_threads.h). Cases in which a thread traps, exits or is
// interrupted unwind by _longjmp and live in the "traps" suite (left out under TSan).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "host/runtime/runtime.h"
#include "tests/threads/wasm_file.h"
#include "host/wasi/wasi.h"
#include "host/wasi/wasi_threads.h"
#include "threads/parking_lot.h"
#include "threads/thread_group.h"

namespace tern {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<Module> compile_module(const std::string& name) { return test::compile_threads_wasm(name); }

// A program like `tern run` sets it up: a group, the linked imports, a main instance.
struct Program {
  std::shared_ptr<ThreadGroup> group;
  std::shared_ptr<Instance> main;
  LinearMemory* memory = nullptr;

  explicit Program(ThreadLimits limits, const std::string& name = "spawn") {
    auto module = compile_module(name);
    wasi::WasiConfig config;
    config.stdout_fd = 2;  // the guest's "t\n" lines go to the test's stderr
    auto ctx = wasi::Wasi::create(config);
    REQUIRE(ctx.ok());
    group = std::make_shared<ThreadGroup>(limits);
    auto imports = wasi::link_command_imports(*ctx, group, module->info(), kMaxPages32);
    REQUIRE_MESSAGE(imports.ok(), (imports.ok() ? "" : imports.error().message()));
    group->set_program(module, *imports, {});
    auto inst = Instance::instantiate(module, *imports);
    REQUIRE(inst.ok());
    main = *inst;
    group->add_instance(main);
    memory = main->memory(0);
  }
  uint32_t load(uint64_t address) const {
    return std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(memory->base() + address)).load();
  }
  void release() {  // what spawn_over(k, 1) does: set [8] and notify its waiters
    std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(memory->base() + 8)).store(1);
    ParkingLot::global().notify({memory->base(), 8}, UINT32_MAX);
  }
  bool await(uint64_t address, uint32_t value) const {
    for (int i = 0; i < 10000 && load(address) < value; ++i) std::this_thread::sleep_for(1ms);
    return load(address) >= value;
  }
};

TEST_CASE("wasi-threads: spawned threads count in through the shared memory") {
  Program p({});
  auto r = p.main->call("spawn_count", std::vector<Value>{Value::i32(16)});
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message()));
  REQUIRE(r->size() == 4);
  CHECK((*r)[0].lo == 16);   // every thread finished
  CHECK((*r)[1].lo == 136);  // tids 1..16 as the threads saw them
  CHECK((*r)[2].lo == 136);  // ... and as spawn returned them
  CHECK((*r)[3].lo == 1);    // the first tid is 1
  p.group->finish();
  CHECK(p.group->running() == 0);
  CHECK(!p.group->ending());
}

TEST_CASE("wasi-threads: concurrent spawns get unique tids") {
  Program p({.max_threads = 64});
  std::mutex mu;
  std::vector<int32_t> tids;
  std::vector<std::thread> spawners;
  for (int s = 0; s < 4; ++s)
    spawners.emplace_back([&] {
      for (int i = 0; i < 8; ++i) {
        int32_t tid = p.group->spawn(1);
        std::lock_guard lock(mu);
        tids.push_back(tid);
      }
    });
  for (auto& t : spawners) t.join();
  CHECK(p.await(0, 32));
  std::set<int32_t> unique(tids.begin(), tids.end());
  CHECK(unique.size() == 32);
  CHECK(*unique.begin() == 1);
  CHECK(*unique.rbegin() == 32);
  p.group->finish();
}

TEST_CASE("wasi-threads: past max_threads spawn fails at once, and the warning comes once") {
  Program p({.max_threads = 3});
  std::atomic<int> warnings{0};
  p.group->on_limit_reached([&](uint32_t max) {
    CHECK(max == 3);
    warnings.fetch_add(1);
  });
  for (int i = 0; i < 3; ++i) CHECK(p.group->spawn(5) == i + 1);
  CHECK(p.group->running() == 3);
  CHECK(p.group->spawn(5) == static_cast<int32_t>(SpawnFailure::TooManyThreads));
  CHECK(p.group->spawn(5) == static_cast<int32_t>(SpawnFailure::TooManyThreads));
  CHECK(p.group->refused() == 2);
  CHECK(warnings.load() == 1);
  p.release();
  CHECK(p.await(0, 3));
  // Finished threads free their slots: a new spawn succeeds with the next tid.
  for (int i = 0; i < 1000 && p.group->running() > 0; ++i) std::this_thread::sleep_for(1ms);
  CHECK(p.group->spawn(1) == 4);
  CHECK(p.await(0, 4));
  p.group->finish();
  CHECK(p.group->spawn(1) == static_cast<int32_t>(SpawnFailure::Ending));
}

TEST_CASE("wasi-threads: finished threads are reaped; 500 spawns through 4 slots") {
  Program p({.max_threads = 4, .stack_size = 256 * 1024});
  int32_t last = 0;
  for (int i = 0; i < 500; ++i) {
    int32_t tid = p.group->spawn(1);
    while (tid == static_cast<int32_t>(SpawnFailure::TooManyThreads)) {
      std::this_thread::sleep_for(50us);
      tid = p.group->spawn(1);
    }
    REQUIRE(tid == last + 1);  // ids are handed out in order and never reused
    last = tid;
  }
  CHECK(p.await(0, 500));
  CHECK(p.load(4) == 500 * 501 / 2);
  p.group->finish();
  CHECK(p.group->running() == 0);
}

TEST_CASE("wasi-threads: a module without wasi_thread_start cannot spawn") {
  Program p({}, "nostart");
  auto r = p.main->call("spawn", {});
  REQUIRE(r.ok());
  CHECK(static_cast<int32_t>((*r)[0].lo) == static_cast<int32_t>(SpawnFailure::NoStartExport));
  CHECK(p.group->running() == 0);
}

TEST_CASE("wasi-threads: a trap in a thread ends the program and interrupts main" * doctest::test_suite("traps")) {
  Program p({});
  auto r = p.main->call("spawn_and_park", std::vector<Value>{Value::i32(2)});
  REQUIRE(!r.ok());
  CHECK(r.error().message() == "interrupted");  // main was parked; the group woke it
  auto ending = p.group->ending();
  REQUIRE(ending);
  CHECK(ending->tid == 1);
  CHECK(ending->error.kind() == ErrorKind::Trap);
  CHECK(ending->error.message() == "unreachable");
  p.group->finish();
}

TEST_CASE("wasi-threads: finish() interrupts and joins waiting threads" * doctest::test_suite("traps")) {
  Program p({});
  for (int i = 0; i < 8; ++i) CHECK(p.group->spawn(5) > 0);
  const auto t0 = std::chrono::steady_clock::now();
  p.group->finish();
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(p.group->running() == 0);
  CHECK(!p.group->ending());  // the interrupts finish() caused are not an ending
}

}  // namespace
}  // namespace tern
