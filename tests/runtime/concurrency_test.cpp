// Global host state under concurrency (issue 7, item 7): 8 threads for a few seconds compile
// modules, instantiate them (fresh and pooled), link instances to each other (one instance's
// function, table, memory and global imported by another), call exports (directly, across
// instances, through tables, through host functions that call back, WASI on a shared context,
// atomics on a shared memory, and, outside ThreadSanitizer, calls that trap) and drop
// everything in varying order. Every result is checked; at the end the shared counters add up
// and every per-thread module's code is unregistered again.
//
// TERN_CONCURRENCY_SECONDS sets the duration (default 3). Under ThreadSanitizer trapping calls
// are left out: TSan cannot follow a trap's _longjmp out of the signal handler.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "host/runtime/instance_pool.h"
#include "host/wasi/wasi.h"
#include "jit/code_registry.h"
#include "tests/runtime/wasm_util.h"

#if defined(__SANITIZE_THREAD__)
#define TERN_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TERN_TEST_TSAN 1
#endif
#endif
#ifndef TERN_TEST_TSAN
#define TERN_TEST_TSAN 0
#endif

namespace tern {
namespace {

constexpr int kThreads = 8;

double test_seconds() {
  const char* s = std::getenv("TERN_CONCURRENCY_SECONDS");
  const double v = s ? std::atof(s) : 0;
  return v > 0 ? v : 3.0;
}

// The first few failures, with what failed; the count of all of them.
class Failures {
 public:
  void add(std::string what) {
    std::lock_guard lock(mu_);
    ++count_;
    if (messages_.size() < 10) messages_.push_back(std::move(what));
  }
  int count() const {
    std::lock_guard lock(mu_);
    return count_;
  }
  std::string text() const {
    std::lock_guard lock(mu_);
    std::string out;
    for (const std::string& m : messages_) out += m + "\n";
    return out;
  }

 private:
  mutable std::mutex mu_;
  int count_ = 0;
  std::vector<std::string> messages_;
};

Extern export_of(const std::shared_ptr<Instance>& inst, std::string_view name) {
  auto e = inst->get_export(name);
  REQUIRE_MESSAGE(e.has_value(), "no export " << name);
  return *e;
}

// What every thread shares.
struct Shared {
  std::vector<uint8_t> lib_bytes, user_bytes;
  std::shared_ptr<Module> lib, user, counter, wasi_module;
  std::shared_ptr<Instance> shared_lib;  // called by every thread, read-only
  std::shared_ptr<InstancePool> lib_pool;
  std::shared_ptr<InstancePool> wasi_pool;
  std::vector<Extern> wasi_imports;
  std::shared_ptr<LinearMemory> counter_memory;
  Extern counter_memory_extern;
  std::shared_ptr<Instance> shared_counter;  // one instance incremented by every thread
  std::shared_ptr<HostFunc> mix;
  std::atomic<uint64_t> increments{0};
  Failures failures;
};

// The user's imports: lib's add, div, recurse, memory, table, seed, and host.mix.
std::vector<Extern> user_imports(Shared& s, const std::shared_ptr<Instance>& lib) {
  Extern mix;
  mix.kind = ExternKind::Func;
  mix.func = &s.mix->ref;
  mix.func_type = &s.mix->type;
  mix.owner = s.mix;
  return {export_of(lib, "add"),    export_of(lib, "div"),   export_of(lib, "recurse"), export_of(lib, "memory"),
          export_of(lib, "table"),  export_of(lib, "seed"),  mix};
}

class Worker {
 public:
  Worker(Shared& s, int id) : s_(s), id_(id) {}

  void run(std::chrono::steady_clock::time_point deadline) {
    for (iteration_ = 0; std::chrono::steady_clock::now() < deadline; ++iteration_) step();
  }

 private:
  // A call that must return `want` as its first result.
  void expect(const std::shared_ptr<Instance>& inst, std::string_view name, std::vector<Value> args, uint64_t want) {
    auto r = inst->call(name, args);
    if (!r.ok()) return fail(std::string(name) + ": " + r.error().message());
    if (!r->empty() && (*r)[0].lo != want)
      fail(std::string(name) + ": got " + std::to_string((*r)[0].lo) + ", want " + std::to_string(want));
  }
  // A call that must trap with `message`.
  void expect_trap(const std::shared_ptr<Instance>& inst, std::string_view name, std::vector<Value> args,
                   std::string_view message) {
    auto r = inst->call(name, args);
    if (r.ok()) return fail(std::string(name) + ": did not trap");
    if (r.error().message() != message)
      fail(std::string(name) + ": trapped with \"" + r.error().message() + "\", want \"" + std::string(message) + "\"");
  }
  void fail(std::string what) {
    s_.failures.add("thread " + std::to_string(id_) + ", iteration " + std::to_string(iteration_) + ": " + what);
  }

  template <class T>
  T take(Result<T> r, std::string_view what) {
    if (!r.ok()) {
      fail(std::string(what) + ": " + r.error().message());
      return T{};
    }
    return std::move(*r);
  }

  void step() {
    const uint32_t i = iteration_;
    // Compile: every fourth iteration a module of this thread's own (registered and
    // unregistered concurrently with everyone's lookups), else the shared one.
    std::shared_ptr<Module> lib_module = s_.lib;
    if (i % 4 == 0) lib_module = take(Module::compile(s_.lib_bytes), "compile lib");
    if (!lib_module) return;
    // A private library, fresh or pooled.
    std::shared_ptr<Instance> lib = (i % 2 == 0 || lib_module != s_.lib)
                                        ? take(Instance::instantiate(lib_module, {}), "instantiate lib")
                                        : take(s_.lib_pool->instantiate(), "pooled lib");
    if (!lib) return;
    auto user = take(Instance::instantiate(s_.user, user_imports(s_, lib)), "instantiate user");
    if (!user) return;
    const uint32_t mark = static_cast<uint32_t>(id_ * 100000 + i);
    expect(user, "sum3", {Value::i32(1), Value::i32(2), Value::i32(mark)}, 3 + mark);
    expect(user, "via_table", {Value::i32(0), Value::i32(21)}, 42);
    expect(user, "via_table", {Value::i32(1), Value::i32(5)}, static_cast<uint32_t>(-5));
    expect(user, "peek", {Value::i32(64)}, 42);
    expect(user, "poke", {Value::i32(128), Value::i32(mark)}, 0);
    expect(lib, "load", {Value::i32(128)}, mark);  // the user wrote into the library's memory
    expect(user, "seed", {}, 1000);
    expect(user, "mix", {Value::i32(2)}, 2 * 3 + 1000);
    expect(user, "recurse", {Value::i32(500)}, 500);

    // The library every thread shares: directly, and through a user of this thread.
    auto shared_user = take(Instance::instantiate(s_.user, user_imports(s_, s_.shared_lib)), "instantiate shared user");
    if (shared_user) {
      expect(shared_user, "sum3", {Value::i32(mark), Value::i32(1), Value::i32(1)}, mark + 2);
      expect(shared_user, "via_table", {Value::i32(0), Value::i32(mark)}, 2 * mark);
      expect(shared_user, "peek", {Value::i32(64)}, 42);
      expect(shared_user, "recurse", {Value::i32(2000)}, 2000);
    }
    expect(s_.shared_lib, "add", {Value::i32(mark), Value::i32(5)}, mark + 5);
    expect(s_.shared_lib, "recurse", {Value::i32(1000)}, 1000);
    expect(s_.shared_lib, "init_nothing", {}, 0);
    if (i % 16 == 0) expect(s_.shared_lib, "drop_segments", {}, 0);

    // Traps, through imports and directly, on private and shared instances.
    if (!TERN_TEST_TSAN) {
      expect_trap(user, "div", {Value::i32(1), Value::i32(0)}, "integer divide by zero");
      expect_trap(user, "oob", {}, "out of bounds memory access");
      expect_trap(lib, "load", {Value::i32(65536)}, "out of bounds memory access");
      expect_trap(s_.shared_lib, "div", {Value::i32(1), Value::i32(0)}, "integer divide by zero");
      if (i % 8 == 0) {
        expect_trap(s_.shared_lib, "recurse", {Value::i32(100'000'000)}, "call stack exhausted");
        if (shared_user) expect_trap(shared_user, "recurse", {Value::i32(100'000'000)}, "call stack exhausted");
      }
    }

    // Atomics: a fresh instance over the shared memory, and the instance every thread shares.
    std::vector<Extern> counter_imports{s_.counter_memory_extern};
    auto counter = take(Instance::instantiate(s_.counter, counter_imports), "instantiate counter");
    if (counter && counter->call("inc", std::vector<Value>{Value::i32(1)}).ok()) ++s_.increments;
    if (s_.shared_counter->call("inc", std::vector<Value>{Value::i32(2)}).ok()) s_.increments += 2;

    // WASI on the shared context.
    auto wasi = (i % 2 == 0) ? take(s_.wasi_pool->instantiate(), "pooled wasi")
                             : take(Instance::instantiate(s_.wasi_module, s_.wasi_imports), "instantiate wasi");
    if (wasi) expect(wasi, "run", {}, 0);

    // Drop in varying order: a user keeps its library alive.
    if (i % 3 == 0) {
      lib.reset();
      expect(user, "peek", {Value::i32(128)}, mark);
    }
    if (i % 5 == 0) lib_module.reset();
  }

  Shared& s_;
  int id_;
  uint32_t iteration_ = 0;
};

std::shared_ptr<Module> compile_bytes(const std::vector<uint8_t>& bytes) {
  auto m = Module::compile(bytes);
  REQUIRE_MESSAGE(m.ok(), m.error().message());
  return *m;
}

// The stack limit is the thread's, not the instance's: while the main thread is inside an
// instance (parked in a host function), another thread calls into the same instance, on its
// own stack, deep and then too deep.
TEST_CASE("concurrency: an instance running on two threads at once checks each thread's own stack") {
  auto lib = test::instantiate(test::compile_wasm("conc_lib"));
  std::promise<void> entered, release;
  auto released = release.get_future().share();
  auto park = HostFunc::make(FuncType{{ValType::I32}, {ValType::I32}},
                             [&](Caller&, std::span<const Value> args, std::span<Value> results) -> Status {
                               entered.set_value();
                               released.wait();
                               results[0] = args[0];
                               return {};
                             });
  Extern mix;
  mix.kind = ExternKind::Func;
  mix.func = &park->ref;
  mix.func_type = &park->type;
  mix.owner = park;
  std::vector<Extern> imports{export_of(lib, "add"),   export_of(lib, "div"),  export_of(lib, "recurse"),
                              export_of(lib, "memory"), export_of(lib, "table"), export_of(lib, "seed"), mix};
  auto user = test::instantiate(test::compile_wasm("conc_user"), imports);
  std::thread parked([&] { CHECK(test::call_u64(*user, "mix", {Value::i32(5)}) == 5); });
  entered.get_future().wait();
  std::thread other([&] {
    CHECK(test::call_u64(*user, "recurse", {Value::i32(1000)}) == 1000);
    CHECK(test::call_u64(*lib, "recurse", {Value::i32(1000)}) == 1000);
    if (!TERN_TEST_TSAN)
      CHECK(test::call_error(*user, "recurse", {Value::i32(100'000'000)}).message() == "call stack exhausted");
  });
  other.join();
  CHECK(test::call_u64(*user, "recurse", {Value::i32(1000)}) == 1000);  // the main thread, too
  release.set_value();
  parked.join();
}

TEST_CASE("concurrency: threads compile, instantiate, link, call and drop at once") {
  const size_t code_before = registered_code_count();
  std::atomic<int> threads_done{0};
  {
    Shared s;
    s.lib_bytes = test::read_wasm("conc_lib");
    s.user_bytes = test::read_wasm("conc_user");
    s.lib = compile_bytes(s.lib_bytes);
    s.user = compile_bytes(s.user_bytes);
    s.counter = test::compile_wasm("conc_shared");
    s.wasi_module = test::compile_wasm("conc_wasi");
    s.shared_lib = test::instantiate(s.lib);
    s.lib_pool = *InstancePool::create(s.lib, {}, {});
    s.mix = HostFunc::make(FuncType{{ValType::I32}, {ValType::I32}},
                           [](Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
                             // Calls back into the calling instance (a nested entry on this thread).
                             auto seed = caller.instance->call("seed", {});
                             if (!seed.ok()) return std::move(seed).error();
                             results[0] = Value::i32(static_cast<uint32_t>(args[0].lo * 3 + (*seed)[0].lo));
                             return {};
                           });
    wasi::WasiConfig wasi_config;
    wasi_config.args = {"concurrency"};
    auto wasi_ctx = wasi::Wasi::create(wasi_config);
    REQUIRE(wasi_ctx.ok());
    auto linked = wasi::link_imports(*wasi_ctx, s.wasi_module->info());
    REQUIRE_MESSAGE(linked.ok(), linked.error().message());
    s.wasi_imports = *linked;
    s.wasi_pool = *InstancePool::create(s.wasi_module, s.wasi_imports, {});
    auto mem = LinearMemory::create(MemoryType{Limits{1, 1, true}});
    REQUIRE(mem.ok());
    s.counter_memory = std::move(*mem);
    s.counter_memory_extern.kind = ExternKind::Memory;
    s.counter_memory_extern.memory = s.counter_memory.get();
    s.counter_memory_extern.owner = s.counter_memory;
    s.shared_counter = test::instantiate(s.counter, std::span<const Extern>(&s.counter_memory_extern, 1));

    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(test_seconds()));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Worker(s, t).run(deadline);
        ++threads_done;
      });
    }
    for (auto& th : threads) th.join();
    CHECK(threads_done.load() == kThreads);
    INFO(s.failures.text());
    CHECK(s.failures.count() == 0);
    CHECK(s.increments.load() > 0);
    auto count = s.shared_counter->call("count", {});
    REQUIRE(count.ok());
    CHECK((*count)[0].lo == (s.increments.load() & 0xffffffffu));
    CHECK(s.lib_pool->pool_of(0)->created_count() <= kThreads);
  }
  // Every module compiled here is gone, and its code unregistered.
  CHECK(registered_code_count() == code_before);
}

}  // namespace
}  // namespace tern
