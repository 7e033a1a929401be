// Lifetime of functions stored in funcref globals (host/runtime/table_refs.cpp, invariant 8):
// a function another instance or the host put into a global stays callable after its instance
// is dropped, and the cycles this creates are freed.
#include <doctest/doctest.h>

#include "jit/code_registry.h"
#include "tern/extern.h"
#include "tests/cache/cache_util.h"

namespace tern {
namespace {

std::shared_ptr<Module> compile_module(std::string_view name) {
  auto m = Module::compile(test::read_wasm(name));
  if (!m.ok()) FAIL(name << ": " << m.error().message());
  return *m;
}

struct GlobalLinked {
  std::shared_ptr<Instance> main;  // defines the global
  std::shared_ptr<Instance> user;  // imports it
};

GlobalLinked link_global() {
  GlobalLinked l;
  l.main = test::instantiate(compile_module("lt_global_main"));
  Extern g = *l.main->get_export("g");
  l.user = test::instantiate(compile_module("lt_global_user"), std::span<const Extern>(&g, 1));
  return l;
}

// Calls the function the global holds from the host, not through any table.
uint64_t call_global_from_host(Instance& main) {
  auto g = main.global("g");
  REQUIRE(g.ok());
  Val v = g->get();
  REQUIRE(v.type == ValType::FuncRef);
  REQUIRE(v.lo != 0);
  FuncType v_i{{}, {ValType::I32}};
  auto r = Instance::call_ref(*reinterpret_cast<const FuncRef*>(v.lo), v_i, {});
  REQUIRE_MESSAGE(r.ok(), r.error().message());
  REQUIRE(r->size() == 1);
  return (*r)[0].lo;
}

TEST_CASE("a function another instance put into a global stays callable after that instance is dropped") {
  size_t code_before = registered_code_count();
  {
    GlobalLinked l = link_global();
    test::call_u64(*l.user, "set", {});  // global.set $g (ref.func $f)
    std::weak_ptr<Instance> user_alive = l.user, main_alive = l.main;
    l.user.reset();
    CHECK_FALSE(user_alive.expired());  // main's global keeps it
    collect_instance_cycles();          // main is held by us: nothing to collect
    CHECK_FALSE(user_alive.expired());
    CHECK(call_global_from_host(*l.main) == 77);
    CHECK(test::call_u64(*l.main, "call_global", {}) == 77);  // global.get, table.set, call_indirect

    // A cycle: main's global keeps the user, the user keeps main (its import).
    l.main.reset();
    CHECK_FALSE(main_alive.expired());
    CHECK(collect_instance_cycles() >= 1);
    CHECK(main_alive.expired());
    CHECK(user_alive.expired());
  }
  CHECK(registered_code_count() == code_before);
}

TEST_CASE("a function the host put into a global through GlobalRef::set lives as long as the global") {
  GlobalLinked l = link_global();
  auto g = l.main->global("g");
  REQUIRE(g.ok());
  FuncRef* f = l.user->get_export("f")->func;
  REQUIRE(g->set(Val{ValType::FuncRef, reinterpret_cast<uint64_t>(f), 0}).ok());
  std::weak_ptr<Instance> user_alive = l.user, main_alive = l.main;
  l.user.reset();
  collect_instance_cycles();
  CHECK_FALSE(user_alive.expired());
  CHECK(call_global_from_host(*l.main) == 77);
  CHECK(test::call_u64(*l.main, "call_global", {}) == 77);
  // Only our GlobalRef (which holds main) and main remain; dropping both frees the cycle.
  *g = GlobalRef{};
  l.main.reset();
  CHECK(collect_instance_cycles() >= 1);
  CHECK(main_alive.expired());
  CHECK(user_alive.expired());
}

TEST_CASE("an instance storing its own function into its own global does not keep itself") {
  auto main = test::instantiate(compile_module("lt_global_main"));
  test::call_u64(*main, "set_own", {});
  CHECK(call_global_from_host(*main) == 5);
  CHECK(test::call_u64(*main, "call_global", {}) == 5);
  std::weak_ptr<Instance> main_alive = main;
  main.reset();
  CHECK(main_alive.expired());  // freed at once: no cycle to collect
}

TEST_CASE("a host global keeps the function stored in it until the host drops the global") {
  auto global = GlobalRef::create(GlobalType{ValType::FuncRef, true}, Val{ValType::FuncRef, 0, 0});
  REQUIRE(global.ok());
  Extern g = global->as_extern();
  auto user = test::instantiate(compile_module("lt_global_user"), std::span<const Extern>(&g, 1));
  test::call_u64(*user, "set", {});
  std::weak_ptr<Instance> user_alive = user;
  user.reset();
  collect_instance_cycles();
  CHECK_FALSE(user_alive.expired());  // the host's global is a root: it keeps what it holds
  Val v = global->get();
  REQUIRE(v.lo != 0);
  auto r = Instance::call_ref(*reinterpret_cast<const FuncRef*>(v.lo), FuncType{{}, {ValType::I32}}, {});
  REQUIRE(r.ok());
  CHECK((*r)[0].lo == 77);
  // The user holds the global (its import) and the global keeps the user: a cycle the graph
  // cannot see through a host global, freed when the host drops its handle (GlobalRef).
  g = Extern{};
  *global = GlobalRef{};
  collect_instance_cycles();
  CHECK(user_alive.expired());
}

}  // namespace
}  // namespace tern
