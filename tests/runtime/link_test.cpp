// Linking: the shared flag of an imported memory must match (a mismatch fails with an error
// naming the import, never half-works), and a main and a side module can share one memory
// and one table, dlopen-style.
#include <doctest/doctest.h>

#include <thread>

#include "tests/runtime/wasm_util.h"

namespace tern {
namespace {

Extern memory_extern(bool shared) {
  auto mem = LinearMemory::create(MemoryType{Limits{1, 1, shared}});
  REQUIRE(mem.ok());
  std::shared_ptr<LinearMemory> m(std::move(*mem));
  Extern e;
  e.kind = ExternKind::Memory;
  e.memory = m.get();
  e.owner = m;
  return e;
}

TEST_CASE("an imported memory whose shared flag differs fails to link, naming the import") {
  Extern unshared = memory_extern(false);
  Extern shared = memory_extern(true);

  auto wants_shared = Instance::instantiate(test::compile_wasm("link_shared"), std::span<const Extern>(&unshared, 1));
  REQUIRE_FALSE(wants_shared.ok());
  CHECK(wants_shared.error().kind() == ErrorKind::Link);
  CHECK(wants_shared.error().message() == "import #0 env.memory: declared shared=1, provided shared=0");

  auto wants_plain = Instance::instantiate(test::compile_wasm("link_plain"), std::span<const Extern>(&shared, 1));
  REQUIRE_FALSE(wants_plain.ok());
  CHECK(wants_plain.error().message() == "import #0 env.memory: declared shared=0, provided shared=1");

  // The matching pairs link and run.
  auto ok_shared = test::instantiate(test::compile_wasm("link_shared"), std::span<const Extern>(&shared, 1));
  CHECK(test::call_u64(*ok_shared, "size", {}) == 1);
  auto ok_plain = test::instantiate(test::compile_wasm("link_plain"), std::span<const Extern>(&unshared, 1));
  CHECK(test::call_u64(*ok_plain, "size", {}) == 1);
}

TEST_CASE("a main and a side module share one memory and one table") {
  auto main = test::instantiate(test::compile_wasm("dl_main"));
  std::vector<Extern> imports = {*main->get_export("memory"), *main->get_export("table")};
  auto side = test::instantiate(test::compile_wasm("dl_side"), imports);

  test::call_u64(*side, "store", {Value::i32(16), Value::i32(41)});
  CHECK(test::call_u64(*main, "peek", {Value::i32(16)}) == 41);     // one memory
  CHECK(test::call_u64(*main, "call_slot", {Value::i32(0)}) == 7);   // main's own function
  CHECK(test::call_u64(*main, "call_slot", {Value::i32(1)}) == 42);  // the side module's, through main's table
  CHECK(test::call_error(*main, "call_slot", {Value::i32(2)}).message() == "uninitialized element");

  // Threads: two threads call into both modules at once over the shared memory.
  std::thread t([&] {
    for (int i = 0; i < 1000; ++i) test::call_u64(*side, "store", {Value::i32(32), Value::i32(i)});
  });
  for (int i = 0; i < 1000; ++i) CHECK(test::call_u64(*main, "call_slot", {Value::i32(1)}) == 42);
  t.join();
  CHECK(test::call_u64(*main, "peek", {Value::i32(32)}) == 999);

  // The side module put its function into main's table: dropping our reference keeps it alive
  // (the table holds it), and calls through the table still work.
  std::weak_ptr<Instance> side_alive = side;
  side.reset();
  CHECK_FALSE(side_alive.expired());
  CHECK(test::call_u64(*main, "call_slot", {Value::i32(1)}) == 42);
}

TEST_CASE("an instance whose own table holds its own functions is freed when released") {
  std::weak_ptr<Instance> alive;
  {
    auto main = test::instantiate(test::compile_wasm("dl_main"));
    alive = main;
    CHECK(test::call_u64(*main, "call_slot", {Value::i32(0)}) == 7);
  }
  CHECK(alive.expired());
}

}  // namespace
}  // namespace tern
