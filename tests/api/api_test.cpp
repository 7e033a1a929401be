// The public embedding API, used as an embedder would: only tern/tern.hpp.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <string>
#include <tuple>
#include <vector>

#include "tern/tern.hpp"
#include "jit/code_cache.h"        // only to see the engine's cache statistics
#include "threads/worker_pool.h"  // only to see the engine's pool size

namespace tern {
namespace {

std::vector<uint8_t> read_wasm(std::string_view name) {
  const std::string path = std::string(TERN_API_WASM_DIR) + "/" + std::string(name) + ".wasm";
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::shared_ptr<Module> compile(const Engine& engine, std::string_view name) {
  auto module = Module::compile(engine, read_wasm(name));
  if (!module.ok()) FAIL(module.error().message());
  return *module;
}

// A linker with every import api.wat needs; `peeked` records what `peek` read.
Linker api_linker(const Engine& engine, int32_t* peeked = nullptr) {
  Linker linker(engine);
  CHECK(linker.func("env", "add", [](int32_t a, int32_t b) { return a + b; }).ok());
  CHECK(linker.func("env", "mix", [](int64_t a, float b, double c) { return static_cast<double>(a) + b * c; }).ok());
  CHECK(linker.func("env", "pair", [](uint32_t x) { return std::tuple<uint32_t, uint64_t>{x, uint64_t{x} << 32}; }).ok());
  CHECK(linker.func("env", "peek", [peeked](Caller& caller, uint32_t offset) -> Result<int32_t> {
              TERN_TRY(Memory memory, caller.memory("memory"));
              TERN_TRY(std::span<uint8_t> bytes, memory.span(offset, 1));
              if (peeked) *peeked = bytes[0];
              return static_cast<int32_t>(bytes[0]);
            }).ok());
  CHECK(linker.func("env", "fail", [](int32_t code) -> Result<int32_t> {
              if (code == 0) return 100;
              if (code == 2) throw std::runtime_error("boom");
              return Error(ErrorKind::Exit) << "host says stop (" << code << ")";
            }).ok());
  auto limit = GlobalRef::create(GlobalType{ValType::I32, false}, val(int32_t{77}));
  REQUIRE(limit.ok());
  CHECK(linker.define("env", "limit", *limit).ok());
  return linker;
}

std::shared_ptr<Instance> api_instance(const Engine& engine, int32_t* peeked = nullptr) {
  auto instance = api_linker(engine, peeked).instantiate(compile(engine, "api"));
  if (!instance.ok()) FAIL(instance.error().message());
  return *instance;
}

TEST_CASE("Engine::create checks its configuration") {
  CHECK(Engine::create(EngineConfig{}).ok());
  EngineConfig big;
  big.max_memory_pages = 65537;
  auto e = Engine::create(big);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().kind() == ErrorKind::Usage);
  CHECK(e.error().message() == "EngineConfig.max_memory_pages is 65537, at most 65536");
  EngineConfig small_stack;
  small_stack.thread_stack_size = 4096;
  CHECK(Engine::create(small_stack).error().message() == "EngineConfig.thread_stack_size is 4096, at least 65536");
  EngineConfig cached;
  cached.cache_dir = "/tmp/tern-cache";
  auto with_cache = Engine::create(cached);
  REQUIRE(with_cache.ok());
  CHECK(with_cache->config().cache_dir == "/tmp/tern-cache");
}

TEST_CASE("Module::validate and Module::compile with an engine's pool and features") {
  EngineConfig config;
  config.worker_threads = 2;
  auto engine = Engine::create(config);
  REQUIRE(engine.ok());
  CHECK(engine->pool().size() == 2);  // its own pool, not the process-wide one
  std::vector<uint8_t> bytes = read_wasm("api");
  CHECK(Module::validate(*engine, bytes).ok());
  std::vector<uint8_t> broken(bytes.begin(), bytes.begin() + 20);
  auto invalid = Module::validate(*engine, broken);
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.error().kind() == ErrorKind::Malformed);
  CHECK(Module::compile(*engine, bytes).ok());
  auto failed = Module::compile(*engine, broken);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message() == invalid.error().message());
}

TEST_CASE("an engine with a cache_dir compiles a module once and loads it afterwards") {
  const std::string dir = std::string(TERN_API_WASM_DIR) + "/engine-cache";
  std::filesystem::remove_all(dir);
  EngineConfig config;
  config.cache_dir = dir;
  auto engine = Engine::create(config);
  REQUIRE(engine.ok());
  REQUIRE(engine->cache() != nullptr);
  std::vector<uint8_t> bytes = read_wasm("user");
  REQUIRE(Module::compile(*engine, bytes).ok());
  CHECK(engine->cache()->stats().misses == 1);
  CHECK(engine->cache()->stats().stores == 1);
  auto again = Module::compile(*engine, bytes);
  REQUIRE(again.ok());
  CHECK(engine->cache()->stats().hits == 1);
  CHECK(engine->cache()->stats().stores == 1);  // nothing compiled the second time

  CHECK(Engine().cache() == nullptr);  // the default engine has no cache
  config.cache_dir = "/proc/tern-no-such-dir/cache";
  auto bad = Engine::create(config);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message().find("EngineConfig.cache_dir") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("host functions of every shape, called through typed exports") {
  Engine engine;
  int32_t peeked = -1;
  auto instance = api_instance(engine, &peeked);

  auto add = instance->func<int32_t(int32_t, int32_t)>("call_add");
  REQUIRE(add.ok());
  CHECK(add->call(2, 3).value() == 5);
  CHECK((*add)(-7, 2).value() == -5);

  auto mix = instance->func<double(int64_t, float, double)>("call_mix");
  REQUIRE(mix.ok());
  CHECK(mix->call(10, 1.5f, 4.0).value() == doctest::Approx(16.0));

  auto pair = instance->func<uint64_t(uint32_t)>("call_pair");
  REQUIRE(pair.ok());
  CHECK(pair->call(3).value() == (uint64_t{3} << 32) + 3);

  auto peek = instance->func<int32_t(uint32_t)>("call_peek");
  REQUIRE(peek.ok());
  CHECK(peek->call(16).value() == 42);  // the data segment's byte, read by the host through Caller
  CHECK(peeked == 42);
  auto outside = peek->call(65536);
  REQUIRE_FALSE(outside.ok());
  CHECK(outside.error().message() == "memory range [65536, +1) is outside the memory (65536 bytes)");

  auto limit = instance->func<int32_t()>("limit");
  CHECK(limit->call().value() == 77);

  auto swap = instance->func<std::tuple<int64_t, int32_t>(int32_t, int64_t)>("swap");
  REQUIRE(swap.ok());
  CHECK(swap->call(1, -2).value() == std::tuple<int64_t, int32_t>{-2, 1});

  auto nothing = instance->func<void()>("nothing");
  REQUIRE(nothing.ok());
  CHECK(nothing->call().ok());
}

int32_t negate(int32_t x) { return -x; }

TEST_CASE("host functions from a function, a named and a stateful lambda, and an explicit type") {
  Engine engine;
  Linker linker = api_linker(engine);
  linker.allow_shadowing(true);
  CHECK(linker.func("env", "peek", negate).ok());
  int calls = 0;
  auto add_counting = [&calls](int32_t a, int32_t b) mutable {
    ++calls;
    return a - b;
  };
  CHECK(linker.func("env", "add", add_counting).ok());
  CHECK(linker.func("env", "fail", FuncType{{ValType::I32}, {ValType::I32}},
                    [](Caller& caller, std::span<const Val> args, std::span<Val> results) -> Status {
                      if (caller.instance == nullptr) return Error(ErrorKind::Usage, "no caller");
                      results[0] = val(val_as<int32_t>(args[0]) * 10);
                      return {};
                    }).ok());
  auto instance = linker.instantiate(compile(engine, "api"));
  REQUIRE(instance.ok());
  CHECK((*instance)->func<int32_t(uint32_t)>("call_peek")->call(5).value() == -5);
  CHECK((*instance)->func<int32_t(int32_t, int32_t)>("call_add")->call(5, 3).value() == 2);
  CHECK((*instance)->func<int32_t(int32_t, int32_t)>("call_add")->call(9, 3).value() == 6);
  CHECK(calls == 2);
  CHECK((*instance)->func<int32_t(int32_t)>("call_fail")->call(4).value() == 40);

  // A host function called directly from the host has no calling instance.
  Func direct = Func::wrap([](Caller& caller, int32_t x) { return caller.instance == nullptr ? x : -1; });
  CHECK(to_string(direct.type()) == "(i32) -> (i32)");
  CHECK(direct.typed<int32_t(int32_t)>()->call(3).value() == 3);
}

TEST_CASE("an Error from a host function comes back unchanged; a throw becomes an Error") {
  Engine engine;
  auto instance = api_instance(engine);
  auto fail = instance->func<int32_t(int32_t)>("call_fail");
  REQUIRE(fail.ok());
  CHECK(fail->call(0).value() == 100);
  auto stopped = fail->call(1);
  REQUIRE_FALSE(stopped.ok());
  CHECK(stopped.error().kind() == ErrorKind::Exit);
  CHECK(stopped.error().message() == "host says stop (1)");
  auto threw = fail->call(2);
  REQUIRE_FALSE(threw.ok());
  CHECK(threw.error().message() == "host function threw: boom");
  CHECK(fail->call(0).value() == 100);  // the instance is still usable
}

TEST_CASE("a trap is an Error of kind Trap with the spec's message and a backtrace") {
  Engine engine;
  auto instance = api_instance(engine);
  auto div = instance->func<int32_t(int32_t, int32_t)>("div");
  REQUIRE(div.ok());
  CHECK(div->call(7, 2).value() == 3);
  auto r = div->call(1, 0);
  REQUIRE_FALSE(r.ok());
  std::optional<Trap> trap = as_trap(r.error());
  REQUIRE(trap.has_value());
  CHECK(trap->message == "integer divide by zero");
  CHECK(trap->backtrace.find("divide") != std::string::npos);
  CHECK_FALSE(as_trap(Error(ErrorKind::Link, "x")).has_value());
}

TEST_CASE("a typed export whose signature differs is refused when it is made") {
  Engine engine;
  auto instance = api_instance(engine);
  auto wrong = instance->func<int64_t(int32_t, int32_t)>("call_add");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().kind() == ErrorKind::Usage);
  CHECK(wrong.error().message() ==
        "export \"call_add\": the function's type is (i32, i32) -> (i32), the C++ signature says (i32, i32) -> (i64)");
  CHECK(instance->func<int32_t()>("missing").error().message() == "no export \"missing\"");
  CHECK(instance->func("memory").error().message() == "export \"memory\" is a memory, not a func");
}

TEST_CASE("untyped calls with spans of Val") {
  Engine engine;
  auto instance = api_instance(engine);
  auto add = instance->func("call_add");
  REQUIRE(add.ok());
  CHECK(to_string(add->type()) == "(i32, i32) -> (i32)");
  std::vector<Val> args = {val(int32_t{40}), val(int32_t{2})};
  auto r = add->call(args);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK(val_as<int32_t>((*r)[0]) == 42);

  Val out[1];
  CHECK(add->call(args, out).ok());
  CHECK(val_as<int32_t>(out[0]) == 42);

  std::vector<Val> wrong = {val(int64_t{1}), val(int32_t{2})};
  CHECK(add->call(wrong).error().message() == "argument 0: expected i32, got i64");
  CHECK(add->call(std::span<const Val>(args.data(), 1)).error().message() == "expected 2 arguments, got 1");
}

TEST_CASE("exported memory, table and global as handles") {
  Engine engine;
  auto instance = api_instance(engine);
  auto memory = instance->memory("memory");
  REQUIRE(memory.ok());
  CHECK(memory->pages() == 1);
  CHECK(memory->data()[16] == 42);
  const uint8_t bytes[] = {1, 2, 3};
  CHECK(memory->write(100, bytes).ok());
  uint8_t back[3] = {};
  CHECK(memory->read(100, back).ok());
  CHECK(back[2] == 3);
  CHECK_FALSE(memory->write(65535, bytes).ok());
  CHECK(memory->grow(2) == 1);
  CHECK(memory->grow(1) == -1);  // declared maximum: 3 pages
  CHECK(memory->size() == 3 * 65536);

  auto table = instance->table("table");
  REQUIRE(table.ok());
  CHECK(table->size() == 2);
  CHECK(table->grow(3) == 2);
  CHECK(table->size() == 5);

  auto counter = instance->global("counter");
  REQUIRE(counter.ok());
  CHECK(val_as<int32_t>(counter->get()) == 5);
  CHECK(instance->func<int32_t()>("bump")->call().value() == 6);
  CHECK(val_as<int32_t>(counter->get()) == 6);
  CHECK(counter->set(val(int32_t{41})).ok());
  CHECK(instance->func<int32_t()>("bump")->call().value() == 42);
  CHECK(counter->set(val(int64_t{1})).error().message() == "global has type i32, got a i64");
  CHECK(instance->table("memory").error().message() == "export \"memory\" is a memory, not a table");
}

TEST_CASE("a whole instance defined under a module name") {
  Engine engine;
  auto first = api_instance(engine);
  Linker linker(engine);
  CHECK(linker.define_instance("first", first).ok());
  auto user = linker.instantiate(compile(engine, "user"));
  if (!user.ok()) FAIL(user.error().message());
  CHECK((*user)->func<int32_t(int32_t, int32_t)>("add_and_store")->call(20, 22).value() == 42);
  uint8_t stored[4] = {};
  CHECK(first->memory("memory")->read(100, stored).ok());  // one memory, written by `user`
  CHECK(stored[0] == 42);
}

TEST_CASE("linker errors: unknown import, duplicate definition, shadowing, mismatched import") {
  Engine engine;
  Linker empty(engine);
  auto unknown = empty.instantiate(compile(engine, "api"));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().kind() == ErrorKind::Link);
  CHECK(unknown.error().message() == "import #0 env.add: unknown import");

  Linker linker = api_linker(engine);
  auto again = linker.func("env", "add", [](int32_t a, int32_t) { return a; });
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message() == "env.add is already defined");
  linker.allow_shadowing(true);
  CHECK(linker.func("env", "add", [](int32_t a, int32_t b) { return a * b; }).ok());
  auto instance = linker.instantiate(compile(engine, "api"));
  REQUIRE(instance.ok());
  CHECK((*instance)->func<int32_t(int32_t, int32_t)>("call_add")->call(6, 7).value() == 42);

  CHECK(linker.func("env", "add", [](int64_t a) { return a; }).ok());
  auto mismatched = linker.instantiate(compile(engine, "api"));
  REQUIRE_FALSE(mismatched.ok());
  CHECK(mismatched.error().message() == "import #0 env.add: declared type=(i32, i32) -> (i32), provided type=(i64) -> (i64)");
}

TEST_CASE("a host memory limited by the engine") {
  EngineConfig config;
  config.max_memory_pages = 2;
  auto engine = Engine::create(config);
  REQUIRE(engine.ok());
  auto instance = api_instance(*engine);
  auto memory = instance->memory("memory");
  CHECK(memory->grow(1) == 1);
  CHECK(memory->grow(1) == -1);  // the engine's limit (2 pages), below the declared 3

  auto shared = Memory::create(MemoryType{Limits{1, 4, true}});
  REQUIRE(shared.ok());
  CHECK(shared->shared());
  CHECK(shared->grow(1) == 1);
}

TEST_CASE("wasi-threads through the linker: spawned threads share the memory; the engine limits them") {
  EngineConfig config;
  config.max_threads = 4;
  auto engine = Engine::create(config);
  REQUIRE(engine.ok());
  auto module = compile(*engine, "threads");
  auto memory = Memory::create(MemoryType{Limits{1, 1, true}});
  REQUIRE(memory.ok());
  auto group = std::make_shared<ThreadGroup>(engine->thread_limits());
  CHECK(group->limits().max_threads == 4);
  Linker linker(*engine);
  CHECK(linker.define("env", "memory", *memory).ok());
  CHECK(linker.define_wasi_threads(group).ok());
  auto instance = linker.instantiate(module);
  if (!instance.ok()) FAIL(instance.error().message());
  auto spawn = (*instance)->func<int32_t(int32_t)>("spawn");
  REQUIRE(spawn.ok());
  int32_t sum = 0;
  for (int32_t arg = 1; arg <= 3; ++arg) {
    CHECK(spawn->call(arg).value() > 0);
    sum += arg;
  }
  // finish() interrupts threads still running (the program is over): wait for them first.
  auto total = (*instance)->func<int32_t()>("total");
  REQUIRE(total.ok());
  for (int i = 0; i < 10000 && group->running() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  group->finish();  // joins every thread
  CHECK(total->call().value() == sum);
  CHECK_FALSE(group->ending().has_value());

  // No threads allowed: thread-spawn answers a negative id.
  config.max_threads = 0;
  auto none = Engine::create(config);
  REQUIRE(none.ok());
  auto group0 = std::make_shared<ThreadGroup>(none->thread_limits());
  Linker linker0(*none);
  CHECK(linker0.define("env", "memory", *memory).ok());
  CHECK(linker0.define_wasi_threads(group0).ok());
  auto instance0 = linker0.instantiate(module);
  REQUIRE(instance0.ok());
  CHECK((*instance0)->func<int32_t(int32_t)>("spawn")->call(1).value() < 0);
  group0->finish();
}

TEST_CASE("one linker used by many threads: instantiating, calling and defining at once") {
  Engine engine;
  Linker linker = api_linker(engine);
  auto module = compile(engine, "api");
  std::atomic<int> calls{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto instance = linker.instantiate(module);
        if (!instance.ok()) {
          ++failures;
          continue;
        }
        auto add = (*instance)->func<int32_t(int32_t, int32_t)>("call_add");
        if (add.ok() && add->call(t, i).value() == t + i) ++calls;
        else ++failures;
        // Definitions under other names go on while the others resolve imports.
        if (!linker.func("extra", std::to_string(t) + "." + std::to_string(i), [](int32_t x) { return x; }).ok()) ++failures;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  CHECK(failures.load() == 0);
  CHECK(calls.load() == 8 * 50);
}

}  // namespace
}  // namespace tern
