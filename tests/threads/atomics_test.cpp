// Wasm atomics and wait/notify end to end: compiled guest code (wat/atomics.wat) on several
// host threads, each thread with its own instance over one shared memory.
//
// Test cases that trap live in the "traps" suite: a trap unwinds with _longjmp, which
// ThreadSanitizer cannot follow, so the TSan build excludes that suite (meson.build).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "host/runtime/runtime.h"
#include "tests/threads/wasm_file.h"
#include "threads/parking_lot.h"

namespace tern {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<Module> compile(const std::string& name) { return test::compile_threads_wasm(name); }

// One shared memory of one page, imported as env.memory by every instance.
struct SharedMemory {
  std::shared_ptr<LinearMemory> memory;
  Extern ext;

  SharedMemory() {
    auto m = LinearMemory::create(MemoryType{Limits{1, 1, true}});
    REQUIRE(m.ok());
    memory = std::shared_ptr<LinearMemory>(std::move(*m));
    ext.kind = ExternKind::Memory;
    ext.memory = memory.get();
    ext.owner = memory;
  }
  template <class T>
  T at(uint64_t offset) const {
    T v;
    std::memcpy(&v, memory->base() + offset, sizeof v);
    return v;
  }
  ParkingLot::Key key(uint64_t address) const { return {memory->base(), address}; }
};

std::shared_ptr<Instance> instantiate(const std::shared_ptr<Module>& m, const SharedMemory& mem) {
  std::vector<Extern> imports{mem.ext};
  auto inst = Instance::instantiate(m, imports);
  REQUIRE_MESSAGE(inst.ok(), (inst.ok() ? "" : inst.error().message()));
  return *inst;
}

Result<std::vector<Value>> call(Instance& inst, std::string_view name, std::initializer_list<Value> args) {
  const std::vector<Value> a(args);
  return inst.call(name, a);
}

// The single result of a call that must not trap.
uint64_t result_of(const Result<std::vector<Value>>& r) {
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message()));
  REQUIRE(r->size() == 1);
  return (*r)[0].lo;
}

// The message of a call that must trap.
std::string trap_of(const Result<std::vector<Value>>& r) {
  REQUIRE(!r.ok());
  CHECK(r.error().kind() == ErrorKind::Trap);
  return r.error().message();
}

void await_parked(const SharedMemory& mem, uint64_t address, uint32_t n) {
  for (int i = 0; i < 10000 && ParkingLot::global().parked(mem.key(address)) < n; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(ParkingLot::global().parked(mem.key(address)) == n);
}

TEST_CASE("four threads, four instances, one shared memory: atomic counts are exact") {
  auto module = compile("atomics");
  SharedMemory mem;
  constexpr uint32_t kIters = 100'000;
  constexpr uint32_t kXors = 100'001;  // odd: each thread's bits end up set exactly once
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  // Each loop starts at a barrier in the guest: without it, one thread's 100,000 increments
  // are over before the next thread is running, and a non-atomic add would pass.
  const Value parties = Value::i32(4);
  for (uint32_t t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      auto inst = instantiate(module, mem);
      const uint64_t bits = uint64_t{0x0101} << (8 * t + 2 * t);
      bool ok = call(*inst, "add_n", {Value::i32(kIters), parties}).ok();
      ok = call(*inst, "cas_add_n", {Value::i32(kIters), parties}).ok() && ok;
      ok = call(*inst, "xor_n", {Value::i32(kXors), Value::i64(bits), parties}).ok() && ok;
      if (!ok) failures.fetch_add(1);
    });
  for (auto& t : threads) t.join();
  CHECK(failures.load() == 0);
  CHECK(mem.at<uint32_t>(0) == 4 * kIters);  // i32.atomic.rmw.add
  CHECK(mem.at<uint32_t>(8) == 4 * kIters);  // i32.atomic.rmw.cmpxchg loop
  uint64_t all_bits = 0;
  for (uint32_t t = 0; t < 4; ++t) all_bits ^= uint64_t{0x0101} << (8 * t + 2 * t);
  CHECK(mem.at<uint64_t>(16) == all_bits);   // i64.atomic.rmw.xor
}

TEST_CASE("wait/notify ping-pong between two threads") {
  auto module = compile("atomics");
  SharedMemory mem;
  constexpr uint32_t kRounds = 2000;
  uint64_t timeouts[2] = {99, 99};
  std::vector<std::thread> players;
  for (uint32_t me = 0; me < 2; ++me)
    players.emplace_back([&, me] {
      auto inst = instantiate(module, mem);
      auto r = call(*inst, "play", {Value::i32(me), Value::i32(kRounds)});
      timeouts[me] = r.ok() ? (*r)[0].lo : 1000;  // 1000: trapped (turn order broken)
    });
  for (auto& p : players) p.join();
  CHECK(timeouts[0] == 0);  // a lost wake-up would show as a 5 s timeout
  CHECK(timeouts[1] == 0);
  CHECK(mem.at<uint32_t>(28) == 2 * kRounds);
}

TEST_CASE("wait: not-equal, timeout, and woken by notify with the count") {
  auto module = compile("atomics");
  SharedMemory mem;
  auto inst = instantiate(module, mem);
  CHECK(result_of(call(*inst, "wait32", {Value::i32(64), Value::i32(1), Value::i64(-1)})) == 1);
  CHECK(result_of(call(*inst, "wait64", {Value::i32(64), Value::i64(uint64_t{1} << 40), Value::i64(-1)})) == 1);

  auto start = std::chrono::steady_clock::now();
  CHECK(result_of(call(*inst, "wait32", {Value::i32(64), Value::i32(0), Value::i64(20'000'000)})) == 2);
  CHECK(std::chrono::steady_clock::now() - start >= 20ms);
  CHECK(result_of(call(*inst, "wait64", {Value::i32(64), Value::i64(0), Value::i64(0)})) == 2);
  CHECK(result_of(call(*inst, "notify", {Value::i32(64), Value::i32(10)})) == 0);

  // Three waiters (wait32 with offset=4 on cell 64 + 4), woken two and one.
  std::vector<std::thread> waiters;
  std::atomic<int> woken{0};
  for (int i = 0; i < 3; ++i)
    waiters.emplace_back([&] {
      auto w = instantiate(module, mem);
      if (result_of(call(*w, "wait32_off4", {Value::i32(64), Value::i32(0), Value::i64(-1)})) == 0) woken.fetch_add(1);
    });
  await_parked(mem, 68, 3);
  CHECK(result_of(call(*inst, "notify", {Value::i32(64), Value::i32(5)})) == 0);  // other cell
  CHECK(result_of(call(*inst, "notify", {Value::i32(68), Value::i32(2)})) == 2);
  await_parked(mem, 68, 1);
  CHECK(result_of(call(*inst, "notify", {Value::i32(68), Value::i32(0xffffffff)})) == 1);
  for (auto& w : waiters) w.join();
  CHECK(woken.load() == 3);
}

TEST_CASE("single atomic operators: widths, wrapping, zero-extension, registers") {
  auto module = compile("atomics");
  SharedMemory mem;
  auto inst = instantiate(module, mem);
  CHECK(call(*inst, "store16", {Value::i32(96), Value::i32(0xabcd1234)}).ok());
  CHECK(result_of(call(*inst, "load64", {Value::i32(96)})) == 0x1234);
  // 0x34 - 0x36 wraps to 0xfe in the byte; the old byte comes back zero-extended.
  CHECK(result_of(call(*inst, "rmw8_sub", {Value::i32(96), Value::i32(0x36)})) == 0x34);
  CHECK(result_of(call(*inst, "load64", {Value::i32(96)})) == 0x12fe);
  CHECK(result_of(call(*inst, "rmw16_and", {Value::i32(96), Value::i64(0xffffffffffff0f0full)})) == 0x12fe);
  CHECK(result_of(call(*inst, "load64", {Value::i32(96)})) == 0x020e);
  // rmw32.cmpxchg_u wraps `expected` to 32 bits: 0x5_0000_020e matches 0x020e.
  CHECK(result_of(call(*inst, "cmpxchg32_u", {Value::i32(96), Value::i64(0x50000020eull), Value::i64(0x9abcdef012345678ull)})) ==
        0x020e);
  CHECK(result_of(call(*inst, "load64", {Value::i32(96)})) == 0x12345678);
  CHECK(result_of(call(*inst, "cmpxchg32_u", {Value::i32(96), Value::i64(1), Value::i64(2)})) == 0x12345678);
  CHECK(result_of(call(*inst, "load64", {Value::i32(96)})) == 0x12345678);
  // crowded(a) = (a+1) + (a+2) + cmpxchg([32], a -> 7) + or([36], a+3): both old values 0.
  CHECK(result_of(call(*inst, "crowded", {Value::i32(10)})) == 23);
  CHECK(mem.at<uint32_t>(32) == 0);  // expected 10, found 0: no store
  CHECK(mem.at<uint32_t>(36) == 13);
  CHECK(result_of(call(*inst, "crowded", {Value::i32(0)})) == 3 + 0 + 13);
  CHECK(mem.at<uint32_t>(32) == 7);
  CHECK(call(*inst, "fence", {}).ok());
  CHECK(result_of(call(*inst, "load32_off2", {Value::i32(94)})) == 0x12345678);
}

TEST_CASE("atomic traps: unaligned, out of bounds, unshared wait, interrupt" * doctest::test_suite("traps")) {
  auto module = compile("atomics");
  SharedMemory mem;
  auto inst = instantiate(module, mem);
  // The effective address (index + offset) must be aligned, whichever part misaligns it.
  CHECK(trap_of(call(*inst, "load32_off2", {Value::i32(0)})) == "unaligned atomic");
  CHECK(trap_of(call(*inst, "load32_off2", {Value::i32(65534)})) == "out of bounds memory access");
  CHECK(trap_of(call(*inst, "load64_big_off", {Value::i32(0)})) == "out of bounds memory access");
  CHECK(trap_of(call(*inst, "load64_big_off", {Value::i32(4)})) == "unaligned atomic");
  CHECK(trap_of(call(*inst, "load64_big_off", {Value::i32(0xfffffff8)})) == "out of bounds memory access");
  CHECK(trap_of(call(*inst, "rmw8_sub", {Value::i32(65536), Value::i32(1)})) == "out of bounds memory access");
  CHECK(trap_of(call(*inst, "wait32", {Value::i32(2), Value::i32(0), Value::i64(0)})) == "unaligned atomic");
  CHECK(trap_of(call(*inst, "wait64", {Value::i32(4), Value::i64(0), Value::i64(0)})) == "unaligned atomic");
  CHECK(trap_of(call(*inst, "wait32", {Value::i32(65536), Value::i32(0), Value::i64(0)})) ==
        "out of bounds memory access");
  CHECK(trap_of(call(*inst, "wait32_off4", {Value::i32(65532), Value::i32(0), Value::i64(0)})) ==
        "out of bounds memory access");
  CHECK(trap_of(call(*inst, "notify", {Value::i32(6), Value::i32(1)})) == "unaligned atomic");
  CHECK(trap_of(call(*inst, "notify", {Value::i32(0xfffffffc), Value::i32(1)})) == "out of bounds memory access");

  // Unshared memory: wait traps (nobody could notify), notify finds nobody, rmw works.
  auto unshared_module = compile("unshared");
  auto unshared = Instance::instantiate(unshared_module, {});
  REQUIRE(unshared.ok());
  CHECK(trap_of(call(**unshared, "wait32", {Value::i32(0), Value::i32(0), Value::i64(-1)})) == "expected shared memory");
  CHECK(trap_of(call(**unshared, "wait32", {Value::i32(1), Value::i32(0), Value::i64(-1)})) == "unaligned atomic");
  CHECK(result_of(call(**unshared, "notify", {Value::i32(0), Value::i32(1)})) == 0);
  CHECK(result_of(call(**unshared, "rmw_add", {Value::i32(0), Value::i32(5)})) == 0);
  CHECK(result_of(call(**unshared, "rmw_add", {Value::i32(0), Value::i32(5)})) == 5);

  // An interrupt reaches a guest parked in wait with no timeout.
  std::string message;
  std::thread waiter([&] {
    auto r = call(*inst, "wait32", {Value::i32(128), Value::i32(0), Value::i64(-1)});
    message = r.ok() ? "returned " + std::to_string((*r)[0].lo) : r.error().message();
  });
  await_parked(mem, 128, 1);
  inst->interrupt();
  waiter.join();
  inst->clear_interrupt();
  CHECK(message == "interrupted");
  CHECK(ParkingLot::global().parked(mem.key(128)) == 0);
}

}  // namespace
}  // namespace tern
