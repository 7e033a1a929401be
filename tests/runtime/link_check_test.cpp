// Import matching: every kind of mismatch fails to link with a message naming the import and
// both sides ("import #2 env.memory: declared max=2, provided max=3"); matching objects link.
#include <doctest/doctest.h>

#include <optional>

#include "tests/runtime/wasm_util.h"

namespace tern {
namespace {

Extern memory(uint64_t min, std::optional<uint64_t> max, bool shared = false) {
  auto mem = LinearMemory::create(MemoryType{Limits{min, max, shared}});
  REQUIRE(mem.ok());
  std::shared_ptr<LinearMemory> m(std::move(*mem));
  Extern e;
  e.kind = ExternKind::Memory;
  e.memory = m.get();
  e.owner = m;
  return e;
}

Extern table(ValType elem, uint64_t min, std::optional<uint64_t> max) {
  auto t = Table::make(TableType{elem, Limits{min, max, false}}).value();
  Extern e;
  e.kind = ExternKind::Table;
  e.table = t.get();
  e.owner = t;
  return e;
}

Extern global(ValType type, bool mut, uint64_t value = 0) {
  auto g = std::make_shared<GlobalInstance>();
  g->type = GlobalType{type, mut};
  g->cell.lo = value;
  Extern e;
  e.kind = ExternKind::Global;
  e.global = g.get();
  e.owner = g;
  return e;
}

Extern host_func(FuncType type) {
  auto f = HostFunc::make(std::move(type), [](Caller&, std::span<const Value> args, std::span<Value> results) -> Status {
    if (!results.empty()) results[0] = Value::i32(static_cast<uint32_t>(args[0].lo) + 1);
    return {};
  });
  Extern e;
  e.kind = ExternKind::Func;
  e.func = &f->ref;
  e.func_type = &f->type;
  e.owner = f;
  return e;
}

// What link_all.wat declares, in its import order: f, table, memory, g, gm.
std::vector<Extern> matching_imports() {
  return {host_func(FuncType{{ValType::I32}, {ValType::I32}}), table(ValType::FuncRef, 2, 5), memory(1, 2),
          global(ValType::I32, false, 7), global(ValType::I64, true)};
}

// The link error of link_all.wat with import `index` replaced by `provided`.
std::string link_error(size_t index, Extern provided) {
  std::vector<Extern> imports = matching_imports();
  imports[index] = std::move(provided);
  auto inst = Instance::instantiate(test::compile_wasm("link_all"), imports);
  REQUIRE_FALSE(inst.ok());
  CHECK(inst.error().kind() == ErrorKind::Link);
  return inst.error().message();
}

TEST_CASE("matching imports link, including larger tables and memories within the declared maximum") {
  auto inst = test::instantiate(test::compile_wasm("link_all"), matching_imports());
  CHECK(test::call_u64(*inst, "call_f", {Value::i32(41)}) == 42);
  CHECK(test::call_u64(*inst, "g", {}) == 7);

  std::vector<Extern> roomy = matching_imports();
  roomy[1] = table(ValType::FuncRef, 4, 4);  // current size 4 >= min 2, max 4 <= 5
  roomy[2] = memory(2, 2);                   // 2 pages >= 1, max 2 <= 2
  auto inst2 = test::instantiate(test::compile_wasm("link_all"), roomy);
  CHECK(test::call_u64(*inst2, "size", {}) == 2);
}

TEST_CASE("a kind mismatch names both kinds") {
  CHECK(link_error(0, memory(1, 2)) == "import #0 env.f: declared kind=func, provided kind=memory");
  CHECK(link_error(2, global(ValType::I32, false)) == "import #2 env.memory: declared kind=memory, provided kind=global");
}

TEST_CASE("a function type mismatch names both types") {
  CHECK(link_error(0, host_func(FuncType{{ValType::I64}, {}})) ==
        "import #0 env.f: declared type=(i32) -> (i32), provided type=(i64) -> ()");
  CHECK(link_error(0, host_func(FuncType{{ValType::I32}, {ValType::I64}})) ==
        "import #0 env.f: declared type=(i32) -> (i32), provided type=(i32) -> (i64)");
}

TEST_CASE("table element type and limits") {
  CHECK(link_error(1, table(ValType::ExternRef, 2, 5)) == "import #1 env.table: declared elem=funcref, provided elem=externref");
  CHECK(link_error(1, table(ValType::FuncRef, 1, 5)) == "import #1 env.table: declared min=2, provided min=1");
  CHECK(link_error(1, table(ValType::FuncRef, 2, 6)) == "import #1 env.table: declared max=5, provided max=6");
  CHECK(link_error(1, table(ValType::FuncRef, 2, std::nullopt)) == "import #1 env.table: declared max=5, provided max=none");
}

TEST_CASE("memory limits") {
  CHECK(link_error(2, memory(0, 2)) == "import #2 env.memory: declared min=1, provided min=0");
  CHECK(link_error(2, memory(1, 3)) == "import #2 env.memory: declared max=2, provided max=3");
  CHECK(link_error(2, memory(1, std::nullopt)) == "import #2 env.memory: declared max=2, provided max=none");
}

TEST_CASE("memory shared flag, both ways") {
  CHECK(link_error(2, memory(1, 2, true)) == "import #2 env.memory: declared shared=0, provided shared=1");
  Extern unshared = memory(1, 1);
  auto wants_shared = Instance::instantiate(test::compile_wasm("link_shared"), std::span<const Extern>(&unshared, 1));
  REQUIRE_FALSE(wants_shared.ok());
  CHECK(wants_shared.error().message() == "import #0 env.memory: declared shared=1, provided shared=0");
}

TEST_CASE("global type and mutability") {
  CHECK(link_error(3, global(ValType::I64, false)) == "import #3 env.g: declared type=i32, provided type=i64");
  CHECK(link_error(3, global(ValType::I32, true)) == "import #3 env.g: declared mut=0, provided mut=1");
  CHECK(link_error(4, global(ValType::I64, false)) == "import #4 env.gm: declared mut=1, provided mut=0");
  CHECK(link_error(4, global(ValType::F64, true)) == "import #4 env.gm: declared type=i64, provided type=f64");
}

TEST_CASE("a provided object that is missing is a link error, not a crash") {
  Extern empty;
  empty.kind = ExternKind::Memory;
  CHECK(link_error(2, empty) == "import #2 env.memory: the provided memory is null");
}

}  // namespace
}  // namespace tern
