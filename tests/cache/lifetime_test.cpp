// Code and instance lifetime (host/runtime/table_refs.cpp): a function keeps running after its
// module and instance are released; a function another instance put into a table stays
// callable after that instance is dropped, whichever way it got there (element segment,
// table.set/copy/fill/init/grow, Table::set); and the cycles this creates are freed.
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "jit/code_registry.h"
#include "tests/cache/cache_util.h"

namespace tern {
namespace {

std::shared_ptr<Module> compile_wasm(std::string_view name) {
  auto m = Module::compile(test::read_wasm(name));
  if (!m.ok()) FAIL(name << ": " << m.error().message());
  return *m;
}

// A one-shot gate between threads.
class Gate {
 public:
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST_CASE("a module and instance released while their function runs on another thread stay until it returns") {
  size_t code_before = registered_code_count();
  Gate entered, released;
  auto block = HostFunc::make(FuncType{}, [&](Caller&, std::span<const Value>, std::span<Value>) -> Status {
    entered.open();
    released.wait();
    return {};
  });
  Extern imp;
  imp.kind = ExternKind::Func;
  imp.func = &block->ref;
  imp.func_type = &block->type;
  imp.owner = block;

  auto module = compile_wasm("lt_block");
  auto inst = test::instantiate(module, std::span<const Extern>(&imp, 1));
  std::weak_ptr<Instance> inst_alive = inst;
  std::weak_ptr<CodeObject> code_alive = module->code();
  // The other thread gets the function, not a reference to the instance.
  const FuncRef* run = inst->get_export("run")->func;
  const FuncType* type = inst->get_export("run")->func_type;
  uint64_t result = 0;
  std::thread t([&] {
    auto r = Instance::call_ref(*run, *type, {});
    if (r.ok() && r->size() == 1) result = (*r)[0].lo;
  });
  entered.wait();  // "run" is on the other thread's stack now
  module.reset();
  inst.reset();
  CHECK_FALSE(inst_alive.expired());  // the running call holds it
  CHECK_FALSE(code_alive.expired());
  released.open();  // "run" returns into its (still mapped) code
  t.join();
  CHECK(result == 7);
  CHECK(inst_alive.expired());
  CHECK(code_alive.expired());
  CHECK(registered_code_count() == code_before);
}

struct Linked {
  std::shared_ptr<Instance> main;
  std::shared_ptr<Instance> plugin;
};

Linked link(const std::shared_ptr<Module>& main_module, const std::shared_ptr<Module>& plugin_module) {
  Linked l;
  l.main = test::instantiate(main_module);
  Extern table = *l.main->get_export("table");
  l.plugin = test::instantiate(plugin_module, std::span<const Extern>(&table, 1));
  return l;
}

TEST_CASE("a function another instance put into a table stays callable after that instance is dropped") {
  auto main_module = compile_wasm("lt_main");
  auto plugin_module = compile_wasm("lt_plugin");
  auto elem_module = compile_wasm("lt_plugin_elem");
  size_t code_before = registered_code_count();

  struct Way {
    const char* name;
    uint32_t slot;
    std::function<void(Linked&)> put;
  };
  const Way ways[] = {
      {"element segment", 3, nullptr},
      {"table.set", 1, [](Linked& l) { test::call_u64(*l.plugin, "set", {Value::i32(1)}); }},
      {"table.copy", 2, [](Linked& l) { test::call_u64(*l.plugin, "copy", {Value::i32(2)}); }},
      {"table.fill", 4, [](Linked& l) { test::call_u64(*l.plugin, "fill", {Value::i32(4)}); }},
      {"table.init", 5, [](Linked& l) { test::call_u64(*l.plugin, "init", {Value::i32(5)}); }},
      {"table.grow", 8, [](Linked& l) { CHECK(test::call_u64(*l.plugin, "grow", {}) == 8); }},
      {"Table::set", 6,
       [](Linked& l) {
         FuncRef* g = l.plugin->get_export("g")->func;
         REQUIRE(l.main->table(0)->set(6, g).ok());
         CHECK_FALSE(l.main->table(0)->set(100, g).ok());  // out of bounds: an error, no store
       }},
  };
  for (const Way& way : ways) {
    std::string way_name = way.name;
    CAPTURE(way_name);
    Linked l = way.put ? link(main_module, plugin_module) : link(main_module, elem_module);
    if (way.put) way.put(l);
    CHECK(l.main->table(0)->kept_count() == 1);
    std::weak_ptr<Instance> plugin_alive = l.plugin, main_alive = l.main;
    l.plugin.reset();
    CHECK_FALSE(plugin_alive.expired());  // main's table keeps it
    collect_instance_cycles();            // main is held by us: nothing to collect
    CHECK_FALSE(plugin_alive.expired());
    CHECK(test::call_u64(*l.main, "call_at", {Value::i32(way.slot)}) == 42);

    // Now a cycle: main's table keeps the plugin, the plugin keeps main (its import).
    l.main.reset();
    CHECK_FALSE(main_alive.expired());
    CHECK(collect_instance_cycles() == 1);
    CHECK(main_alive.expired());
    CHECK(plugin_alive.expired());
  }
  CHECK(registered_code_count() == code_before);
}

TEST_CASE("a host function another instance put into a table lives as long as the table") {
  auto main = test::instantiate(compile_wasm("lt_main"));
  auto h = HostFunc::make(FuncType{{}, {ValType::I32}}, [](Caller&, std::span<const Value>, std::span<Value> results) -> Status {
    results[0] = Value::i32(99);
    return {};
  });
  std::vector<Extern> imports = {*main->get_export("table"), Extern{}};
  imports[1].kind = ExternKind::Func;
  imports[1].func = &h->ref;
  imports[1].func_type = &h->type;
  imports[1].owner = h;
  auto plugin = test::instantiate(compile_wasm("lt_plugin_host"), imports);
  test::call_u64(*plugin, "set", {Value::i32(2)});
  std::weak_ptr<HostFunc> h_alive = h;
  std::weak_ptr<Instance> plugin_alive = plugin, main_alive = main;
  imports.clear();
  h.reset();
  plugin.reset();
  CHECK(plugin_alive.expired());  // only its host function was stored, not one of its own
  CHECK_FALSE(h_alive.expired());
  CHECK(test::call_u64(*main, "call_at", {Value::i32(2)}) == 99);
  main.reset();  // no cycle: a host function keeps nothing
  CHECK(main_alive.expired());
  CHECK(h_alive.expired());
}

TEST_CASE("a host table holding instance functions keeps them; the cycle through its importer is freed") {
  auto plugin_module = compile_wasm("lt_plugin");
  auto table = Table::make(TableType{ValType::FuncRef, Limits{8, std::nullopt, false}}).value();
  Extern te;
  te.kind = ExternKind::Table;
  te.table = table.get();
  te.owner = table;
  auto plugin = test::instantiate(plugin_module, std::span<const Extern>(&te, 1));
  test::call_u64(*plugin, "set", {Value::i32(0)});
  std::weak_ptr<Instance> plugin_alive = plugin;
  plugin.reset();
  te.owner.reset();
  CHECK_FALSE(plugin_alive.expired());
  auto* g = static_cast<FuncRef*>(table->elements[0]);
  REQUIRE(g != nullptr);
  FuncType v_i{{}, {ValType::I32}};
  auto r = Instance::call_ref(*g, v_i, {});
  REQUIRE(r.ok());
  CHECK((*r)[0].lo == 42);
  // The table is held by us: no garbage. Dropped, the table and the plugin hold only each other.
  collect_instance_cycles();
  CHECK_FALSE(plugin_alive.expired());
  std::weak_ptr<Table> table_alive = table;
  table.reset();
  CHECK_FALSE(table_alive.expired());
  CHECK(collect_instance_cycles() == 1);
  CHECK(table_alive.expired());
  CHECK(plugin_alive.expired());
}

TEST_CASE("a dropped cycle is freed by later instantiations without an explicit collection") {
  auto main_module = compile_wasm("lt_main");
  auto plugin_module = compile_wasm("lt_plugin");
  collect_instance_cycles();
  std::weak_ptr<Instance> main_alive, plugin_alive;
  {
    Linked l = link(main_module, plugin_module);
    test::call_u64(*l.plugin, "set", {Value::i32(1)});
    main_alive = l.main;
    plugin_alive = l.plugin;
  }
  CHECK_FALSE(main_alive.expired());
  for (int i = 0; i < 200 && !main_alive.expired(); ++i) test::instantiate(main_module);
  CHECK(main_alive.expired());
  CHECK(plugin_alive.expired());
}

TEST_CASE("10,000 link, drop and call_indirect rounds on four threads") {
  auto main_module = compile_wasm("lt_main");
  auto plugin_module = compile_wasm("lt_plugin");
  auto caller_module = compile_wasm("lt_caller");
  size_t code_before = registered_code_count();
  constexpr int kThreads = 4, kRounds = 10000 / kThreads;

  // Each round its own pair; the pairs are cycles freed along the way.
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  std::vector<std::weak_ptr<Instance>> last(kThreads * 2);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        auto main = Instance::instantiate(main_module, {});
        if (!main.ok()) return void(wrong.fetch_add(1));
        Extern table = *(*main)->get_export("table");
        auto plugin = Instance::instantiate(plugin_module, std::span<const Extern>(&table, 1));
        if (!plugin.ok()) return void(wrong.fetch_add(1));
        table = Extern{};
        if (!(*plugin)->call("set", std::vector<Value>{Value::i32(1 + i % 7)}).ok()) wrong.fetch_add(1);
        last[2 * t] = *main;
        last[2 * t + 1] = *plugin;
        plugin->reset();
        auto r = (*main)->call("call_at", std::vector<Value>{Value::i32(1 + i % 7)});
        if (!r.ok() || (*r)[0].lo != 42) wrong.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
  collect_instance_cycles();
  for (auto& w : last) CHECK(w.expired());

  // One shared main: every thread stores its plugins' functions into the same table while the
  // others call through it (each thread through its own caller instance).
  threads.clear();
  auto main = test::instantiate(main_module);
  std::weak_ptr<Instance> main_alive = main;
  std::vector<std::vector<std::weak_ptr<Instance>>> plugins(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Extern table = *main->get_export("table");
      auto caller = Instance::instantiate(caller_module, std::span<const Extern>(&table, 1));
      if (!caller.ok()) return void(wrong.fetch_add(1));
      for (int i = 0; i < kRounds; ++i) {
        auto plugin = Instance::instantiate(plugin_module, std::span<const Extern>(&table, 1));
        if (!plugin.ok()) return void(wrong.fetch_add(1));
        if (!(*plugin)->call("set", std::vector<Value>{Value::i32(t)}).ok()) wrong.fetch_add(1);
        plugins[t].push_back(*plugin);
        plugin->reset();
        for (int slot = 0; slot < kThreads; ++slot) {
          auto r = (*caller)->call("call_at", std::vector<Value>{Value::i32(slot)});
          // Another thread's slot may still be empty; a filled slot answers 42.
          if (r.ok() ? (*r)[0].lo != 42 : r.error().message() != "uninitialized element") {
            if (wrong.fetch_add(1) == 0) MESSAGE((r.ok() ? std::to_string((*r)[0].lo) : r.error().message()));
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
  for (auto& v : plugins)
    for (auto& w : v) CHECK_FALSE(w.expired());  // the table keeps every plugin that stored into it
  main.reset();
  collect_instance_cycles();
  CHECK(main_alive.expired());
  for (auto& v : plugins)
    for (auto& w : v) CHECK(w.expired());
  CHECK(registered_code_count() == code_before);
}

}  // namespace
}  // namespace tern
