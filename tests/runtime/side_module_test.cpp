// Side modules through the API (host/runtime/side_module.h): data in the main module's memory,
// functions in its table, GOT entries, relocations and constructors once, symbols for
// tern.dlopen/tern.dlsym, a second side module linking against the first, another instance of
// the main module (as a wasi-threads thread gets), and load errors. The side modules are WAT
// files shaped like wasm-ld's output, with their dylink.0 section appended here.
#include <doctest/doctest.h>

#include <string>

#include "host/runtime/dylink.h"
#include "host/runtime/side_module.h"
#include "tests/runtime/wasm_util.h"

namespace tern {
namespace {

void put_leb(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

void put_name(std::vector<uint8_t>& out, std::string_view s) {
  put_leb(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

// A dylink.0 payload: the memory-info subsection and, if given, one weak import.
std::vector<uint8_t> dylink_payload(uint32_t mem_size, uint32_t mem_align, uint32_t table_size,
                                    std::string_view weak_module = {}, std::string_view weak_field = {}) {
  std::vector<uint8_t> sub, out;
  put_leb(sub, mem_size);
  put_leb(sub, mem_align);
  put_leb(sub, table_size);
  put_leb(sub, 0);
  out.push_back(1);
  put_leb(out, static_cast<uint32_t>(sub.size()));
  out.insert(out.end(), sub.begin(), sub.end());
  if (!weak_field.empty()) {
    sub.clear();
    put_leb(sub, 1);
    put_name(sub, weak_module);
    put_name(sub, weak_field);
    put_leb(sub, 1);  // WASM_SYMBOL_BINDING_WEAK
    out.push_back(4);
    put_leb(out, static_cast<uint32_t>(sub.size()));
    out.insert(out.end(), sub.begin(), sub.end());
  }
  return out;
}

// tests/runtime/wat/NAME.wat with a dylink.0 custom section appended.
std::shared_ptr<Module> side_module(std::string_view name, const std::vector<uint8_t>& payload) {
  auto bytes = test::read_wasm(name);
  std::vector<uint8_t> section;
  put_name(section, "dylink.0");
  section.insert(section.end(), payload.begin(), payload.end());
  bytes.push_back(0);
  put_leb(bytes, static_cast<uint32_t>(section.size()));
  bytes.insert(bytes.end(), section.begin(), section.end());
  auto m = Module::compile(bytes);
  if (!m.ok()) FAIL(name << ": " << m.error().message());
  return *m;
}

std::shared_ptr<Module> pic_side() { return side_module("dl_pic_side", dylink_payload(16, 3, 1, "GOT.mem", "weak_missing")); }

// An instance of dl_pic_main whose tern.* imports come from `linker`.
std::shared_ptr<Instance> main_instance(DynamicLinker& linker, const std::shared_ptr<Module>& module) {
  std::vector<Extern> imports;
  for (const Import& imp : module->info().imports) {
    auto e = linker.host_import(imp);
    REQUIRE(e.has_value());
    imports.push_back(*e);
  }
  return test::instantiate(module, imports);
}

uint32_t call_slot(Instance& main, uint32_t slot, uint32_t arg) {
  return static_cast<uint32_t>(test::call_u64(main, "call", {Value::i32(slot), Value::i32(arg)}));
}
uint32_t load32(Instance& main, uint32_t addr) {
  return static_cast<uint32_t>(test::call_u64(main, "load32", {Value::i32(addr)}));
}

TEST_CASE("read_dylink reads the memory info and weak imports, and rejects what is not one") {
  auto side = pic_side();
  auto info = read_dylink(side->info());
  REQUIRE(info.ok());
  CHECK(info->mem_size == 16);
  CHECK(info->mem_align_log2 == 3);
  CHECK(info->table_size == 1);
  CHECK(info->weak_imports.count({"GOT.mem", "weak_missing"}) == 1);

  auto plain = read_dylink(test::compile_wasm("dl_pic_main")->info());
  REQUIRE_FALSE(plain.ok());
  CHECK(plain.error().message().find("not a side module: no dylink.0 section") == 0);

  std::vector<uint8_t> truncated = {1, 4, 16, 3};  // the subsection claims 4 bytes, has 2
  auto bad = read_dylink(side_module("dl_pic_side", truncated)->info());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind() == ErrorKind::Malformed);
  CHECK(bad.error().message().find("dylink.0 section") == 0);
}

TEST_CASE("a side module loads into the main module's memory and table") {
  auto linker = DynamicLinker::create();
  auto main_module = test::compile_wasm("dl_pic_main");
  auto main = main_instance(*linker, main_module);
  Table* table = main->get_export("__indirect_function_table")->table;
  REQUIRE(table->data.size == 2);

  auto handle = linker->load(*main, "side", pic_side());
  REQUIRE_MESSAGE(handle.ok(), handle.error().message());
  CHECK(*handle == 1);
  CHECK(linker->find("side") == 1u);
  CHECK_FALSE(linker->find("other").has_value());

  // Static data: 16 bytes from the main module's malloc (its bump allocator starts at 8192).
  const uint32_t mb = 8192;
  CHECK(linker->symbol(1, "side_value") == mb);
  CHECK(load32(*main, mb) == 7);            // the data segment at __memory_base
  CHECK(load32(*main, mb + 4) == mb);       // __wasm_apply_data_relocs ran
  CHECK(load32(*main, mb + 8) == 1);        // __wasm_call_ctors ran once

  // Table: slot 2 = __table_base (the element segment), then one slot per exported function,
  // then main_sq (named by GOT.func, not in the table yet). main_inc keeps its slot 1.
  Instance& side = *linker->instance(1);
  auto got = [&](const char* name) { return static_cast<uint32_t>(test::call_u64(side, name, {Value::i32(0)})); };
  CHECK(call_slot(*main, 2, 10) == 7);  // the side module's static helper through __table_base
  CHECK(got("got_main_data") == 1024);
  CHECK(got("got_main_inc") == 1);
  CHECK(got("got_side_value") == mb);
  CHECK(got("got_weak") == 0);
  const uint32_t twice = *linker->symbol(1, "side_twice");
  CHECK(got("got_side_twice") == twice);
  CHECK(call_slot(*main, twice, 21) == 42);
  const uint32_t main_sq = got("got_main_sq");
  CHECK(main_sq == table->data.size - 1);
  CHECK(call_slot(*main, main_sq, 5) == 25);
  CHECK(call_slot(*main, got("got_main_inc"), 5) == 6);
  CHECK(call_slot(*main, *linker->symbol(1, "side_sq_plus_data"), 3) == 9 + 42);
  // The side module's frames are on the main module's shadow stack.
  CHECK(call_slot(*main, *linker->symbol(1, "side_frame"), 0) == 4096 - 16);

  // The same symbols through the guest's tern.dlopen/tern.dlsym (strings at 2000 in main).
  CHECK(test::call_u64(*main, "dlopen", {Value::i32(2000)}) == 1);       // "side"
  CHECK(test::call_u64(*main, "dlopen", {Value::i32(2027)}) == 0);       // "nope"
  CHECK(test::call_u64(*main, "dlsym", {Value::i32(1), Value::i32(2005)}) == twice);  // "side_twice"
  CHECK(test::call_u64(*main, "dlsym", {Value::i32(1), Value::i32(2016)}) == mb);     // "side_value"
  CHECK(test::call_u64(*main, "dlsym", {Value::i32(1), Value::i32(2027)}) == 0);      // "nope"
  CHECK(test::call_u64(*main, "dlsym", {Value::i32(7), Value::i32(2005)}) == 0);      // no such handle
  Error bad = test::call_error(*main, "dlsym", {Value::i32(1), Value::i32(70000)});
  CHECK(bad.message().find("tern.dlsym: validate_app_str: offset 70000 is outside memory 0") == 0);

  // A second side module links against the first: env.side_twice and GOT.mem.side_value.
  auto second = linker->load(*main, "side2", side_module("dl_pic_side2", dylink_payload(0, 0, 0)));
  REQUIRE_MESSAGE(second.ok(), second.error().message());
  CHECK(call_slot(*main, *linker->symbol(2, "quad_value"), 0) == 28);
  auto again = linker->load(*main, "side", pic_side());
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message() == "side module 'side': a side module of this name is already loaded");
}

TEST_CASE("attach loads the side modules into another instance of the main module at the same slots") {
  auto linker = DynamicLinker::create();
  auto main_module = test::compile_wasm("dl_pic_main");
  auto first = main_instance(*linker, main_module);
  REQUIRE(linker->load(*first, "side", pic_side()).ok());
  REQUIRE(linker->load(*first, "side2", side_module("dl_pic_side2", dylink_payload(0, 0, 0))).ok());

  // A second instance, as wasi-threads makes for a thread: its own table and __stack_pointer.
  auto other = main_instance(*linker, main_module);
  other->get_export("__stack_pointer")->global->cell.lo = 30000;
  REQUIRE(linker->attach(*other).ok());
  const uint32_t twice = *linker->symbol(1, "side_twice");
  CHECK(call_slot(*other, twice, 8) == 16);
  CHECK(call_slot(*other, 2, 10) == 7);
  CHECK(call_slot(*other, *linker->symbol(2, "quad_value"), 0) == 28);
  CHECK(call_slot(*other, *linker->symbol(1, "side_frame"), 0) == 30000 - 16);  // its own stack
  CHECK(call_slot(*first, *linker->symbol(1, "side_frame"), 0) == 4096 - 16);
  // Relocations and constructors ran only on the first instance (this one has its own
  // memory here, where only the data segment was applied).
  CHECK(load32(*other, 8192) == 7);
  CHECK(load32(*other, 8192 + 4) == 0);
  CHECK(load32(*other, 8192 + 8) == 0);
  CHECK(load32(*first, 8192 + 8) == 1);

  auto twice_attached = linker->attach(*other);
  REQUIRE_FALSE(twice_attached.ok());
  CHECK(twice_attached.error().message().find("side module 'side' in a new instance: the main module's table has") == 0);
}

TEST_CASE("instances with side modules are freed when released (no ownership cycle through the table)") {
  std::weak_ptr<Instance> main_alive, side_alive, other_alive;
  {
    auto linker = DynamicLinker::create();
    auto main_module = test::compile_wasm("dl_pic_main");
    auto main = main_instance(*linker, main_module);
    REQUIRE(linker->load(*main, "side", pic_side()).ok());
    main_alive = main;
    side_alive = linker->instance(1);
    {
      auto other = main_instance(*linker, main_module);  // as a thread's instance
      REQUIRE(linker->attach(*other).ok());
      other_alive = other;
    }
    CHECK(other_alive.expired());  // a finished thread's instance and its side instances go
    // A handle to the side instance keeps the main instance alive: it runs on its memory.
    std::shared_ptr<Instance> side = linker->instance(1);
    main.reset();
    linker.reset();
    CHECK_FALSE(main_alive.expired());
    CHECK(test::call_u64(*side, "side_twice", {Value::i32(4)}) == 8);
  }
  CHECK(side_alive.expired());
  CHECK(main_alive.expired());
}

TEST_CASE("without a malloc in the main module, static data comes from memory.grow") {
  auto linker = DynamicLinker::create();
  auto main = test::instantiate(test::compile_wasm("dl_pic_nomalloc"));
  auto data = side_module("dl_pic_data", dylink_payload(100, 4, 0));
  REQUIRE(linker->load(*main, "a", data).ok());
  CHECK(linker->symbol(1, "answer") == 65536u);  // the page memory.grow added
  CHECK(main->memory(0)->pages() == 2);
  CHECK(test::call_u64(*main, "load32", {Value::i32(65536)}) == 42);
  auto big = linker->load(*main, "b", side_module("dl_pic_data", dylink_payload(70000, 0, 0)));
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message() == "side module 'b': cannot grow the main module's memory by 2 pages for static data");
}

TEST_CASE("side modules that cannot link fail with the import named") {
  auto linker = DynamicLinker::create();
  auto main = main_instance(*linker, test::compile_wasm("dl_pic_main"));

  auto shared = linker->load(*main, "shared", side_module("dl_pic_shared", dylink_payload(0, 0, 0)));
  REQUIRE_FALSE(shared.ok());
  CHECK(shared.error().kind() == ErrorKind::Link);
  CHECK(shared.error().message().find("side module 'shared': import #1 env.memory: ") == 0);
  CHECK(shared.error().message().find("shared") != std::string::npos);

  auto unresolved = linker->load(*main, "lost", side_module("dl_pic_unresolved", dylink_payload(0, 0, 0)));
  REQUIRE_FALSE(unresolved.ok());
  CHECK(unresolved.error().message() ==
        "side module 'lost': import #2 env.nowhere: no function 'nowhere' exported by the main module or earlier "
        "side modules");

  // dl_pic_side without its weak marking: GOT.mem.weak_missing is an error.
  auto strong = linker->load(*main, "strong", side_module("dl_pic_side", dylink_payload(16, 3, 1)));
  REQUIRE_FALSE(strong.ok());
  CHECK(strong.error().message() ==
        "side module 'strong': import #11 GOT.mem.weak_missing: no data symbol 'weak_missing' in the main module, "
        "earlier side modules or this one");

  auto not_side = linker->load(*main, "main", test::compile_wasm("dl_pic_main"));
  REQUIRE_FALSE(not_side.ok());
  CHECK(not_side.error().message().find("side module 'main': not a side module") == 0);

  // Nothing half-loaded is visible.
  CHECK_FALSE(linker->find("shared").has_value());
  CHECK_FALSE(linker->instance(1));
}

}  // namespace
}  // namespace tern
