// Hostile guests: each answers with the right trap or a clear error, and the host process stays
// usable (after every case, a normal export of another instance is called successfully).
// Small cases use wat/hostile.wat; huge modules (100,000 functions, 50,000 locals, 10,000
// nested blocks) are generated here as bytes rather than kept as giant WAT files.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "wasm_util.h"

namespace tern {
namespace {

using test::call_error;
using test::call_u64;

// ---- a tiny wasm byte emitter --------------------------------------------------------------

using Bytes = std::vector<uint8_t>;

void leb_u(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

void leb_s(Bytes& out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return;
  }
}

void append(Bytes& out, const Bytes& in) { out.insert(out.end(), in.begin(), in.end()); }

void section(Bytes& module, uint8_t id, const Bytes& content) {
  module.push_back(id);
  leb_u(module, content.size());
  append(module, content);
}

void name(Bytes& out, const std::string& s) {
  leb_u(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

constexpr uint8_t kI32 = 0x7f;
constexpr uint8_t kI64 = 0x7e;

// A function's locals (groups of count x type) and its code, without the final `end`.
struct FuncBody {
  std::vector<std::pair<uint32_t, uint8_t>> locals;
  Bytes code;
};

// A module of one function type `(params) -> (results)` shared by all functions; exports name
// the functions given by index.
Bytes build_module(const Bytes& params, const Bytes& results, const std::vector<FuncBody>& bodies,
                   const std::vector<std::pair<std::string, uint32_t>>& exports) {
  Bytes m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  Bytes types = {0x01, 0x60};
  leb_u(types, params.size());
  append(types, params);
  leb_u(types, results.size());
  append(types, results);
  section(m, 1, types);

  Bytes funcs;
  leb_u(funcs, bodies.size());
  for (size_t i = 0; i < bodies.size(); ++i) funcs.push_back(0x00);
  section(m, 3, funcs);

  Bytes exps;
  leb_u(exps, exports.size());
  for (const auto& [n, index] : exports) {
    name(exps, n);
    exps.push_back(0x00);
    leb_u(exps, index);
  }
  section(m, 7, exps);

  Bytes code;
  leb_u(code, bodies.size());
  for (const FuncBody& b : bodies) {
    Bytes body;
    leb_u(body, b.locals.size());
    for (const auto& [count, type] : b.locals) {
      leb_u(body, count);
      body.push_back(type);
    }
    append(body, b.code);
    body.push_back(0x0b);  // end
    leb_u(code, body.size());
    append(code, body);
  }
  section(m, 10, code);
  return m;
}

// ---- the bystander ------------------------------------------------------------------------

// An instance of an ordinary module, to check the host still runs wasm after each case.
void check_host_usable() {
  static auto module = test::compile_wasm("traps");
  auto bystander = test::instantiate(module);
  CHECK(call_u64(*bystander, "count", {Value::i32(100)}) == 200);
  CHECK(call_u64(*bystander, "fac", {Value::i64(10)}) == 3628800);
}

Error trap_of(Instance& instance, std::string_view export_name, std::vector<Value> args) {
  Error e = call_error(instance, export_name, std::move(args));
  CHECK(e.kind() == ErrorKind::Trap);
  return e;
}

constexpr uint32_t kPage = 65536;

// ---- cases ----------------------------------------------------------------------------------

[[gnu::noinline]] uint64_t host_depth(uint32_t n) {
  volatile uint8_t pad[256];
  pad[0] = static_cast<uint8_t>(n);
  return n == 0 ? pad[0] : host_depth(n - 1) + pad[0] % 2 + 1;
}

TEST_CASE("hostile: deep recursion traps with call stack exhausted; the host stack is intact") {
  auto instance = test::instantiate(test::compile_wasm("traps"));
  volatile uint64_t canary[2] = {0xfeedface, 0xdeadbeef};
  for (int round = 0; round < 2; ++round) {
    Error e = trap_of(*instance, "recurse", {Value::i64(0)});
    CHECK(e.message() == "call stack exhausted");
  }
  CHECK(canary[0] == 0xfeedface);
  CHECK(canary[1] == 0xdeadbeef);
  CHECK(host_depth(4000) > 4000);
  CHECK(call_u64(*instance, "fac", {Value::i64(5)}) == 120);
  check_host_usable();
}

TEST_CASE("hostile: recursion with 400 KB frames (50,000 i64 locals) traps cleanly") {
  // f(x) = f(x + 1): each frame skips far past any single guard page.
  FuncBody f;
  f.locals = {{50'000, kI64}};
  Bytes& c = f.code;
  c.push_back(0x20);  // local.get 0
  leb_u(c, 0);
  c.push_back(0x41);  // i32.const 1
  leb_s(c, 1);
  c.push_back(0x6a);  // i32.add
  c.push_back(0x10);  // call 0
  leb_u(c, 0);
  auto module = Module::compile(build_module({kI32}, {kI32}, {f}, {{"f", 0}}));
  REQUIRE_MESSAGE(module.ok(), module.error().message());
  auto instance = test::instantiate(*module);
  for (int round = 0; round < 3; ++round)
    CHECK(trap_of(*instance, "f", {Value::i32(0)}).message() == "call stack exhausted");
  CHECK(host_depth(4000) > 4000);
  check_host_usable();
}

TEST_CASE("hostile: an infinite loop is stopped by interrupt() from another thread") {
  auto instance = test::instantiate(test::compile_wasm("hostile"));
  std::atomic<bool> done{false};
  std::optional<Result<std::vector<Value>>> outcome;
  std::thread runner([&] {
    outcome.emplace(instance->call("spin_mem", {}));
    done.store(true, std::memory_order_release);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  CHECK_FALSE(done.load(std::memory_order_acquire));
  instance->interrupt();
  const auto start = std::chrono::steady_clock::now();
  while (!done.load(std::memory_order_acquire) && std::chrono::steady_clock::now() - start < std::chrono::seconds(10))
    std::this_thread::yield();
  if (!done.load(std::memory_order_acquire)) {
    FAIL_CHECK("spin_mem was not interrupted within 10 s");
    std::_Exit(1);
  }
  runner.join();
  REQUIRE(outcome.has_value());
  REQUIRE_FALSE(outcome->ok());
  CHECK(outcome->error().kind() == ErrorKind::Trap);
  CHECK(outcome->error().message() == "interrupted");
  CHECK(trap_of(*instance, "load32", {Value::i32(0)}).message() == "interrupted");  // until cleared
  instance->clear_interrupt();
  CHECK(call_u64(*instance, "load32", {Value::i32(0)}) > 0);  // the loop ran
  check_host_usable();
}

TEST_CASE("hostile: memory.grow to the module's maximum and past it returns -1") {
  auto instance = test::instantiate(test::compile_wasm("hostile"));
  CHECK(call_u64(*instance, "mem_size", {}) == 1);
  CHECK(call_u64(*instance, "mem_grow", {Value::i32(5)}) == 0xffffffffu);  // 1 + 5 > max 4
  CHECK(call_u64(*instance, "mem_grow", {Value::i32(3)}) == 1);
  CHECK(call_u64(*instance, "mem_size", {}) == 4);
  CHECK(call_u64(*instance, "mem_grow", {Value::i32(1)}) == 0xffffffffu);
  CHECK(call_u64(*instance, "mem_grow", {Value::i32(0xffffffffu)}) == 0xffffffffu);
  CHECK(call_u64(*instance, "mem_grow", {Value::i32(0x10000)}) == 0xffffffffu);
  CHECK(call_u64(*instance, "mem_grow", {Value::i32(0)}) == 4);
  CHECK(call_u64(*instance, "mem_size", {}) == 4);
  // The grown memory is usable up to its last byte, and not one past it.
  call_u64(*instance, "store8", {Value::i32(4 * kPage - 1), Value::i32(0xab)});
  CHECK(call_u64(*instance, "load8", {Value::i32(4 * kPage - 1)}) == 0xab);
  CHECK(trap_of(*instance, "load8", {Value::i32(4 * kPage)}).message() == "out of bounds memory access");

  // An embedder limit below the module's maximum stops growth earlier, also with -1.
  InstanceLimits limits;
  limits.max_memory_pages = 2;
  auto limited = Instance::instantiate(test::compile_wasm("hostile"), {}, limits);
  REQUIRE(limited.ok());
  CHECK(call_u64(**limited, "mem_grow", {Value::i32(1)}) == 1);
  CHECK(call_u64(**limited, "mem_grow", {Value::i32(1)}) == 0xffffffffu);
  CHECK(call_u64(**limited, "mem_size", {}) == 2);
  check_host_usable();
}

TEST_CASE("hostile: table.grow to the limit and past it returns -1") {
  auto instance = test::instantiate(test::compile_wasm("hostile"));
  CHECK(call_u64(*instance, "table_size", {}) == 3);
  CHECK(call_u64(*instance, "table_grow", {Value::i32(8)}) == 0xffffffffu);  // 3 + 8 > max 10
  CHECK(call_u64(*instance, "table_grow", {Value::i32(7)}) == 3);
  CHECK(call_u64(*instance, "table_size", {}) == 10);
  CHECK(call_u64(*instance, "table_grow", {Value::i32(1)}) == 0xffffffffu);
  CHECK(call_u64(*instance, "table_grow", {Value::i32(0xffffffffu)}) == 0xffffffffu);
  CHECK(call_u64(*instance, "table_grow", {Value::i32(0)}) == 10);
  // The grown slots are null; the original ones still work.
  CHECK(trap_of(*instance, "call_slot", {Value::i32(9)}).message() == "uninitialized element");
  CHECK(call_u64(*instance, "call_slot", {Value::i32(0)}) == 7);

  // A table without a maximum stops at the implementation limit (10,000,000 elements).
  CHECK(call_u64(*instance, "table_u_grow", {Value::i32(0xffffffffu)}) == 0xffffffffu);
  CHECK(call_u64(*instance, "table_u_grow", {Value::i32(10'000'001)}) == 0xffffffffu);
  CHECK(call_u64(*instance, "table_u_grow", {Value::i32(1000)}) == 0);
  CHECK(call_u64(*instance, "table_u_size", {}) == 1000);
  check_host_usable();
}

TEST_CASE("hostile: a module with 100,000 functions compiles and calls the last one") {
  constexpr uint32_t kFuncs = 100'000;
  std::vector<FuncBody> bodies(kFuncs);
  for (uint32_t i = 0; i < kFuncs; ++i) {
    Bytes& c = bodies[i].code;
    c.push_back(0x41);  // i32.const i
    leb_s(c, static_cast<int32_t>(i));
  }
  // The last one also calls the first, across the whole code object: f(last) = last + f(0) + 1.
  Bytes& last = bodies.back().code;
  last.push_back(0x10);  // call 0
  leb_u(last, 0);
  last.push_back(0x6a);  // i32.add
  last.push_back(0x41);
  leb_s(last, 1);
  last.push_back(0x6a);
  bodies[0].code = {0x41, 0x00};  // f(0) = 0
  Bytes bytes = build_module({}, {kI32}, bodies, {{"first", 0}, {"last", kFuncs - 1}});
  auto module = Module::compile(bytes);
  REQUIRE_MESSAGE(module.ok(), module.error().message());
  auto instance = test::instantiate(*module);
  CHECK(call_u64(*instance, "first", {}) == 0);
  CHECK(call_u64(*instance, "last", {}) == kFuncs);
  check_host_usable();
}

// f(x) = x + 1 through the last of `declared` i64 locals (index `declared`; index 0 is x), plus
// a zero-initialized local in the middle.
Bytes many_locals_module(uint32_t declared) {
  FuncBody f;
  f.locals = {{declared / 2, kI64}, {declared - declared / 2, kI64}};
  Bytes& c = f.code;
  c.push_back(0x20);  // local.get 0
  leb_u(c, 0);
  c.push_back(0xad);  // i64.extend_i32_u
  c.push_back(0x42);  // i64.const 1
  leb_s(c, 1);
  c.push_back(0x7c);  // i64.add
  c.push_back(0x21);  // local.set last
  leb_u(c, declared);
  c.push_back(0x20);  // local.get last
  leb_u(c, declared);
  c.push_back(0x20);  // local.get middle
  leb_u(c, declared / 2);
  c.push_back(0x7c);  // i64.add
  return build_module({kI32}, {kI64}, {f}, {{"f", 0}});
}

TEST_CASE("hostile: 50,000 locals work; 50,001 is a clear decode error") {
  auto module = Module::compile(many_locals_module(50'000));
  REQUIRE_MESSAGE(module.ok(), module.error().message());
  auto instance = test::instantiate(*module);
  CHECK(call_u64(*instance, "f", {Value::i32(41)}) == 42);
  CHECK(call_u64(*instance, "f", {Value::i32(0xffffffffu)}) == 0x100000000ull);

  auto too_many = Module::compile(many_locals_module(50'001));
  REQUIRE_FALSE(too_many.ok());
  MESSAGE("50,001 locals: " << too_many.error().message());
  CHECK(too_many.error().message().find("too many locals") != std::string::npos);
  check_host_usable();
}

// A function of `depth` nested `block (result i32)`s; the innermost branches out of all of them.
Bytes nested_blocks_module(uint32_t depth) {
  FuncBody f;
  Bytes& c = f.code;
  for (uint32_t i = 0; i < depth; ++i) {
    c.push_back(0x02);  // block (result i32)
    c.push_back(kI32);
  }
  c.push_back(0x41);  // i32.const 42
  leb_s(c, 42);
  c.push_back(0x0c);  // br to the outermost block
  leb_u(c, depth - 1);
  for (uint32_t i = 0; i < depth; ++i) c.push_back(0x0b);
  return build_module({}, {kI32}, {f}, {{"f", 0}});
}

TEST_CASE("hostile: 10,000 (and 1,000,000) nested blocks compile and run") {
  for (uint32_t depth : {10'000u, 1'000'000u}) {
    CAPTURE(depth);
    auto module = Module::compile(nested_blocks_module(depth));
    REQUIRE_MESSAGE(module.ok(), module.error().message());
    auto instance = test::instantiate(*module);
    CHECK(call_u64(*instance, "f", {}) == 42);
  }
  check_host_usable();
}

TEST_CASE("hostile: 1,000 instances of one module alive at once, each with its own page") {
  constexpr uint32_t kCount = 1000;
  auto module = test::compile_wasm("hostile");
  std::vector<std::shared_ptr<Instance>> instances;
  instances.reserve(kCount);
  for (uint32_t i = 0; i < kCount; ++i) {
    instances.push_back(test::instantiate(module));
    call_u64(*instances.back(), "store32", {Value::i32(kPage - 4), Value::i32(i * 7 + 1)});
  }
  uint32_t right = 0;
  for (uint32_t i = 0; i < kCount; ++i) {
    CHECK(call_u64(*instances[i], "mem_size", {}) == 1);
    right += call_u64(*instances[i], "load32", {Value::i32(kPage - 4)}) == i * 7 + 1;
  }
  CHECK(right == kCount);
  check_host_usable();
}

TEST_CASE("hostile: out-of-bounds accesses at every boundary") {
  auto instance = test::instantiate(test::compile_wasm("hostile"));
  const std::string oob = "out of bounds memory access";
  call_u64(*instance, "store8", {Value::i32(kPage - 1), Value::i32(0x5a)});
  CHECK(call_u64(*instance, "load8", {Value::i32(kPage - 1)}) == 0x5a);  // last byte
  CHECK(trap_of(*instance, "load8", {Value::i32(kPage)}).message() == oob);  // first byte past
  CHECK(trap_of(*instance, "store8", {Value::i32(kPage), Value::i32(1)}).message() == oob);
  CHECK(call_u64(*instance, "load32", {Value::i32(kPage - 4)}) == 0x5a000000u);  // last word
  CHECK(trap_of(*instance, "load32", {Value::i32(kPage - 3)}).message() == oob);  // straddles the end
  CHECK(trap_of(*instance, "load32", {Value::i32(kPage - 1)}).message() == oob);
  CHECK(trap_of(*instance, "store32", {Value::i32(kPage - 2), Value::i32(1)}).message() == oob);
  CHECK(trap_of(*instance, "load64", {Value::i32(kPage - 7)}).message() == oob);
  CHECK(trap_of(*instance, "load32", {Value::i32(0xffffffffu)}).message() == oob);
  CHECK(trap_of(*instance, "load32", {Value::i32(0xfffffffcu)}).message() == oob);
  // offset + index past 4 GiB: traps, never wraps around to a low address.
  CHECK(trap_of(*instance, "load_off_high", {Value::i32(0x10)}).message() == oob);
  CHECK(trap_of(*instance, "load_off_high", {Value::i32(0x20)}).message() == oob);
  CHECK(trap_of(*instance, "load_off_high", {Value::i32(0xffffffffu)}).message() == oob);
  CHECK(trap_of(*instance, "load_off_high", {Value::i32(0)}).message() == oob);
  // The largest offset immediate traps even at index 0, and with any index.
  CHECK(trap_of(*instance, "load8_off_max", {Value::i32(0)}).message() == oob);
  CHECK(trap_of(*instance, "load8_off_max", {Value::i32(1)}).message() == oob);
  CHECK(trap_of(*instance, "load8_off_max", {Value::i32(0xffffffffu)}).message() == oob);
  CHECK(trap_of(*instance, "store8_off_max", {Value::i32(0)}).message() == oob);
  CHECK(trap_of(*instance, "store8_off_max", {Value::i32(0xffffffffu)}).message() == oob);
  // Nothing was written by the trapping stores.
  CHECK(call_u64(*instance, "load32", {Value::i32(0)}) == 0);
  CHECK(call_u64(*instance, "load8", {Value::i32(kPage - 1)}) == 0x5a);
  check_host_usable();
}

TEST_CASE("hostile: misaligned atomics trap with unaligned atomic") {
  auto instance = test::instantiate(test::compile_wasm("hostile"));
  const std::string unaligned = "unaligned atomic";
  CHECK(call_u64(*instance, "atomic_add32", {Value::i32(8)}) == 0);
  CHECK(call_u64(*instance, "atomic_load32", {Value::i32(8)}) == 1);
  CHECK(call_u64(*instance, "atomic_load64", {Value::i32(8)}) == 1);
  for (uint32_t addr : {1u, 2u, 3u, 9u})
    CHECK(trap_of(*instance, "atomic_load32", {Value::i32(addr)}).message() == unaligned);
  for (uint32_t addr : {4u, 1u, 12u})
    CHECK(trap_of(*instance, "atomic_load64", {Value::i32(addr)}).message() == unaligned);
  CHECK(trap_of(*instance, "atomic_store32", {Value::i32(6)}).message() == unaligned);
  CHECK(trap_of(*instance, "atomic_add32", {Value::i32(10)}).message() == unaligned);
  CHECK(trap_of(*instance, "atomic_cmpxchg64", {Value::i32(12)}).message() == unaligned);
  CHECK(trap_of(*instance, "atomic_load16_off1", {Value::i32(0)}).message() == unaligned);
  CHECK(call_u64(*instance, "atomic_load16_off1", {Value::i32(1)}) == 0);
  // Nothing was written by the trapping ones.
  CHECK(call_u64(*instance, "load64", {Value::i32(0)}) == 0);
  CHECK(call_u64(*instance, "load64", {Value::i32(8)}) == 1);
  // Aligned but out of bounds is a bounds trap.
  CHECK(trap_of(*instance, "atomic_load32", {Value::i32(kPage)}).message() == "out of bounds memory access");
  check_host_usable();
}

TEST_CASE("hostile: call_indirect through null, out-of-range and wrongly typed slots") {
  auto instance = test::instantiate(test::compile_wasm("hostile"));
  CHECK(call_u64(*instance, "call_slot", {Value::i32(0)}) == 7);
  CHECK(trap_of(*instance, "call_slot", {Value::i32(1)}).message() == "uninitialized element");
  CHECK(trap_of(*instance, "call_slot", {Value::i32(2)}).message() == "indirect call type mismatch");
  CHECK(trap_of(*instance, "call_slot", {Value::i32(3)}).message() == "undefined element");
  CHECK(trap_of(*instance, "call_slot", {Value::i32(0xffffffffu)}).message() == "undefined element");
  CHECK(trap_of(*instance, "call_slot", {Value::i32(0x80000000u)}).message() == "undefined element");
  CHECK(call_u64(*instance, "call_slot", {Value::i32(0)}) == 7);
  check_host_usable();
}

}  // namespace
}  // namespace tern

