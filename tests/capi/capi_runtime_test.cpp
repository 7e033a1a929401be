// C API: host functions, calls, traps with frames, globals, tables, memories, references, and
// wrong use that must answer with an error or a trap, never a crash.
#include <thread>

#include "tests/capi/capi_util.h"

using namespace capi_test;

namespace {

wasm_trap_t* twice_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0] = i32(args->data[0].of.i32 * 2);
  return nullptr;
}

// The basic module instantiated with host.twice and host.offset = 1000.
struct Basic {
  Env env;
  wasm_module_t* module = load_module(env.store, "basic");
  wasm_func_t* twice = nullptr;
  wasm_global_t* offset = nullptr;
  wasm_instance_t* instance = nullptr;
  wasm_extern_vec_t exports{0, nullptr};

  Basic() {
    wasm_functype_t* t = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    twice = wasm_func_new(env.store, t, twice_callback);
    wasm_functype_delete(t);
    wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
    wasm_val_t v = i32(1000);
    offset = wasm_global_new(env.store, gt, &v);
    wasm_globaltype_delete(gt);
    wasm_extern_t* list[2] = {wasm_func_as_extern(twice), wasm_global_as_extern(offset)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(list);
    wasm_trap_t* trap = nullptr;
    instance = wasm_instance_new(env.store, module, &imports, &trap);
    REQUIRE_MESSAGE(instance != nullptr, tern_last_error());
    CHECK(trap == nullptr);
    wasm_instance_exports(instance, &exports);
  }
  ~Basic() {
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_global_delete(offset);
    wasm_func_delete(twice);
    wasm_module_delete(module);
  }
  wasm_func_t* func(std::string_view name) { return wasm_extern_as_func(export_named(module, exports, name)); }
  wasm_extern_t* ext(std::string_view name) { return export_named(module, exports, name); }

  // Calls with i32 arguments and one i32 result; returns the trap message or "" on success.
  std::string call(std::string_view name, std::vector<int32_t> args, int32_t* result = nullptr) {
    std::vector<wasm_val_t> a;
    for (int32_t x : args) a.push_back(i32(x));
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t av{a.size(), a.data()};
    wasm_val_vec_t rv{wasm_func_result_arity(func(name)), r};
    wasm_trap_t* trap = wasm_func_call(func(name), &av, &rv);
    if (trap) return take_message(trap);
    if (result) *result = r[0].of.i32;
    return "";
  }
};

}  // namespace

TEST_CASE("calls: wasm functions, host functions through wasm, arity") {
  Basic b;
  int32_t r = 0;
  CHECK(b.call("add", {40, 2}, &r) == "");
  CHECK(r == 42);
  CHECK(b.call("call_host", {21}, &r) == "");
  CHECK(r == 21 * 2 + 1000);
  CHECK(wasm_func_param_arity(b.func("add")) == 2);
  CHECK(wasm_func_result_arity(b.func("add")) == 1);
  CHECK(wasm_func_result_arity(b.func("spin")) == 0);
  wasm_functype_t* t = wasm_func_type(b.func("mix"));
  CHECK(wasm_functype_params(t)->size == 3);
  CHECK(wasm_valtype_kind(wasm_functype_params(t)->data[1]) == WASM_F32);
  wasm_functype_delete(t);

  // i64, f32 and f64 cross the boundary with their bits intact.
  wasm_val_t args[3] = {i64(-3), WASM_F32_VAL(0.5f), WASM_F64_VAL(0.25)};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(res);
  REQUIRE(wasm_func_call(b.func("mix"), &av, &rv) == nullptr);
  CHECK(res[0].kind == WASM_F64);
  CHECK(res[0].of.f64 == -2.25);

  // A host function called directly from C.
  wasm_val_t x[1] = {i32(8)};
  wasm_val_vec_t xv = WASM_ARRAY_VEC(x);
  REQUIRE(wasm_func_call(b.twice, &xv, &rv) == nullptr);
  CHECK(res[0].of.i32 == 16);
}

TEST_CASE("calls: wrong use answers with a trap, not a crash") {
  Basic b;
  CHECK(b.call("add", {1}) == "wasm_func_call: expected 2 arguments, got 1");
  CHECK(b.call("add", {1, 2, 3}) == "wasm_func_call: expected 2 arguments, got 3");
  wasm_val_t args[2] = {i32(1), i64(2)};
  wasm_val_t res[1];
  wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(res);
  CHECK(take_message(wasm_func_call(b.func("add"), &av, &rv)).find("argument 1: expected a value of type i32") !=
        std::string::npos);
  args[1] = i32(2);
  wasm_val_vec_t no_room{0, nullptr};
  CHECK(take_message(wasm_func_call(b.func("add"), &av, &no_room)) ==
        "wasm_func_call: expected room for 1 results, got 0");
  CHECK(take_message(wasm_func_call(nullptr, &av, &rv)) == "wasm_func_call: no function");
  CHECK(take_message(wasm_func_call(b.func("add"), nullptr, &rv)) == "wasm_func_call: expected 2 arguments, got 0");
  wasm_val_vec_t lying{2, nullptr};
  CHECK(take_message(wasm_func_call(b.func("add"), &lying, &rv)) == "wasm_func_call: expected 2 arguments, got 2");

  // Views of the wrong kind are NULL.
  CHECK(wasm_extern_as_func(b.ext("memory")) == nullptr);
  CHECK(wasm_extern_as_memory(b.ext("add")) == nullptr);
  CHECK(wasm_ref_as_func(wasm_memory_as_ref(wasm_extern_as_memory(b.ext("memory")))) == nullptr);
  CHECK(wasm_extern_kind(b.ext("table")) == WASM_EXTERN_TABLE);

  // NULL handles everywhere.
  CHECK(wasm_func_new(nullptr, nullptr, nullptr) == nullptr);
  CHECK(wasm_global_new(b.env.store, nullptr, nullptr) == nullptr);
  CHECK(wasm_memory_data(nullptr) == nullptr);
  CHECK(wasm_memory_data_size(nullptr) == 0);
  CHECK_FALSE(wasm_memory_grow(nullptr, 1));
  CHECK(wasm_table_size(nullptr) == 0);
  CHECK(wasm_table_get(nullptr, 0) == nullptr);
  CHECK(wasm_func_type(nullptr) == nullptr);
  wasm_extern_vec_t none;
  wasm_instance_exports(nullptr, &none);
  CHECK(none.size == 0);
}

TEST_CASE("instantiation failures come back as a trap that names the import") {
  Env env;
  wasm_module_t* module = load_module(env.store, "basic");
  wasm_trap_t* trap = nullptr;

  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_instance_new(env.store, module, &none, &trap) == nullptr);
  CHECK(take_message(trap) == "module needs 2 imports, 0 were provided");

  wasm_extern_t* nulls[2] = {nullptr, nullptr};
  wasm_extern_vec_t null_imports = WASM_ARRAY_VEC(nulls);
  CHECK(wasm_instance_new(env.store, module, &null_imports, &trap) == nullptr);
  CHECK(take_message(trap) == "import #0 host.twice: no extern provided (NULL)");

  // A function of the wrong type, and a global where a function is wanted.
  wasm_functype_t* t = wasm_functype_new_0_0();
  wasm_func_t* wrong = wasm_func_new(env.store, t, [](const wasm_val_vec_t*, wasm_val_vec_t*) -> wasm_trap_t* { return nullptr; });
  wasm_functype_delete(t);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t v = i32(1);
  wasm_global_t* g = wasm_global_new(env.store, gt, &v);
  wasm_globaltype_delete(gt);
  wasm_extern_t* list[2] = {wasm_func_as_extern(wrong), wasm_global_as_extern(g)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(list);
  CHECK(wasm_instance_new(env.store, module, &imports, &trap) == nullptr);
  CHECK(take_message(trap) == "import #0 host.twice: declared type=(i32) -> (i32), provided type=() -> ()");
  list[0] = wasm_global_as_extern(g);
  CHECK(wasm_instance_new(env.store, module, &imports, nullptr) == nullptr);  // no trap wanted
  CHECK(std::string(tern_last_error()) ==
        "import #0 host.twice: declared kind=func, provided kind=global");
  CHECK(wasm_instance_new(nullptr, module, &imports, &trap) == nullptr);
  CHECK(take_message(trap) == "wasm_instance_new: needs a store and a module");

  wasm_global_delete(g);
  wasm_func_delete(wrong);
  wasm_module_delete(module);
}

TEST_CASE("traps: message, frames innermost first, origin, instance") {
  Basic b;
  CHECK(b.call("div", {1, 0}) == "integer divide by zero");
  CHECK(b.call("div", {INT32_MIN, -1}) == "integer overflow");

  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(b.func("deep"), &none, &none);
  REQUIRE(trap != nullptr);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  REQUIRE(trace.size == 3);
  // basic.wat: 1 imported function; level3 is function 12, level2 13, deep 14.
  CHECK(wasm_frame_func_index(trace.data[0]) == 12);
  CHECK(wasm_frame_func_index(trace.data[1]) == 13);
  CHECK(wasm_frame_func_index(trace.data[2]) == 14);
  CHECK(wasm_frame_module_offset(trace.data[0]) > 0);
  CHECK(wasm_frame_module_offset(trace.data[0]) < wasm_frame_module_offset(trace.data[1]));
  CHECK(wasm_frame_func_offset(trace.data[0]) == 0);
  REQUIRE(wasm_frame_instance(trace.data[0]) != nullptr);
  CHECK(wasm_instance_same(wasm_frame_instance(trace.data[0]), b.instance));
  wasm_frame_t* origin = wasm_trap_origin(trap);
  REQUIRE(origin != nullptr);
  CHECK(wasm_frame_func_index(origin) == 12);
  wasm_frame_t* copy = wasm_frame_copy(origin);
  CHECK(wasm_frame_func_index(copy) == 12);
  CHECK(wasm_instance_same(wasm_frame_instance(copy), b.instance));
  wasm_frame_delete(copy);
  wasm_frame_delete(origin);
  wasm_frame_vec_delete(&trace);
  CHECK(take_message(trap) == "unreachable");

  // A trap made by the host has its message and no frames.
  wasm_message_t m;
  wasm_name_new_from_string_nt(&m, "made by hand");
  wasm_trap_t* hand = wasm_trap_new(b.env.store, &m);
  wasm_byte_vec_delete(&m);
  CHECK(wasm_trap_origin(hand) == nullptr);
  wasm_trap_t* hand_copy = wasm_trap_copy(hand);
  CHECK(wasm_trap_same(hand, hand_copy));
  wasm_trap_delete(hand_copy);
  CHECK(take_message(hand) == "made by hand");
}

namespace {
struct Counter {
  int calls = 0;
  int finalized = 0;
};

wasm_trap_t* counting_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  auto* c = static_cast<Counter*>(env);
  ++c->calls;
  if (args->data[0].of.i32 < 0) {
    wasm_message_t m;
    wasm_name_new_from_string_nt(&m, "negative input");
    wasm_trap_t* t = wasm_trap_new(nullptr, &m);
    wasm_byte_vec_delete(&m);
    return t;
  }
  results->data[0] = i32(args->data[0].of.i32 + c->calls);
  return nullptr;
}

// A callback that breaks the contract: a result of the wrong kind.
wasm_trap_t* wrong_result_callback(const wasm_val_vec_t*, wasm_val_vec_t* results) {
  results->data[0] = i64(1);
  return nullptr;
}
}  // namespace

TEST_CASE("host functions with an environment: traps propagate, the finalizer runs once") {
  Counter counter;
  {
    Env env;
    wasm_module_t* module = load_module(env.store, "basic");
    wasm_functype_t* t = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t* f = wasm_func_new_with_env(env.store, t, counting_callback, &counter,
                                            [](void* c) { static_cast<Counter*>(c)->finalized++; });
    wasm_func_t* bad = wasm_func_new(env.store, t, wrong_result_callback);
    wasm_functype_delete(t);
    wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
    wasm_val_t zero = i32(0);
    wasm_global_t* g = wasm_global_new(env.store, gt, &zero);
    wasm_globaltype_delete(gt);

    for (wasm_func_t* host : {f, bad}) {
      wasm_extern_t* list[2] = {wasm_func_as_extern(host), wasm_global_as_extern(g)};
      wasm_extern_vec_t imports = WASM_ARRAY_VEC(list);
      wasm_instance_t* instance = wasm_instance_new(env.store, module, &imports, nullptr);
      REQUIRE(instance != nullptr);
      wasm_extern_vec_t exports;
      wasm_instance_exports(instance, &exports);
      wasm_func_t* call_host = wasm_extern_as_func(export_named(module, exports, "call_host"));
      wasm_val_t args[1] = {i32(10)};
      wasm_val_t res[1];
      wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(res);
      if (host == f) {
        REQUIRE(wasm_func_call(call_host, &av, &rv) == nullptr);
        CHECK(res[0].of.i32 == 11);
        REQUIRE(wasm_func_call(call_host, &av, &rv) == nullptr);
        CHECK(res[0].of.i32 == 12);
        args[0] = i32(-1);
        wasm_trap_t* trap = wasm_func_call(call_host, &av, &rv);
        REQUIRE(trap != nullptr);
        wasm_frame_vec_t trace;
        wasm_trap_trace(trap, &trace);
        CHECK(trace.size == 1);  // call_host, the wasm caller of the host function
        if (trace.size == 1) CHECK(wasm_frame_func_index(trace.data[0]) == 5);
        wasm_frame_vec_delete(&trace);
        CHECK(take_message(trap) == "negative input");
        CHECK(counter.calls == 3);
      } else {
        CHECK(take_message(wasm_func_call(call_host, &av, &rv)) ==
              "host function result 0: expected a value of type i32, got kind 1");
      }
      wasm_extern_vec_delete(&exports);
      wasm_instance_delete(instance);
    }
    wasm_func_delete(f);
    CHECK(counter.finalized == 0);  // the store still has it
    wasm_func_delete(bad);
    wasm_global_delete(g);
    wasm_module_delete(module);
  }
  CHECK(counter.finalized == 1);
}

TEST_CASE("globals: host globals, exported globals, mutability") {
  Basic b;
  wasm_global_t* answer = wasm_extern_as_global(b.ext("answer"));
  wasm_global_t* counter = wasm_extern_as_global(b.ext("counter"));
  REQUIRE(answer != nullptr);
  REQUIRE(counter != nullptr);
  wasm_val_t v;
  wasm_global_get(answer, &v);
  CHECK(v.kind == WASM_I32);
  CHECK(v.of.i32 == 42);
  wasm_val_t nine = i32(9);
  wasm_global_set(answer, &nine);
  CHECK(std::string(tern_last_error()) == "wasm_global_set: the global is immutable");
  wasm_global_get(answer, &v);
  CHECK(v.of.i32 == 42);

  wasm_global_get(counter, &v);
  CHECK(v.kind == WASM_I64);
  CHECK(v.of.i64 == 7);
  wasm_val_t big = i64(int64_t{1} << 40);
  wasm_global_set(counter, &big);
  wasm_global_get(counter, &v);
  CHECK(v.of.i64 == int64_t{1} << 40);
  wasm_global_set(counter, &nine);  // wrong kind: refused
  CHECK(std::string(tern_last_error()).find("expected a value of type i64") != std::string::npos);
  wasm_global_get(counter, &v);
  CHECK(v.of.i64 == int64_t{1} << 40);
  wasm_globaltype_t* t = wasm_global_type(counter);
  CHECK(wasm_globaltype_mutability(t) == WASM_VAR);
  wasm_globaltype_delete(t);

  // The imported host global is what the module reads.
  int32_t r = 0;
  CHECK(b.call("call_host", {0}, &r) == "");
  CHECK(r == 1000);

  // A mutable f64 host global.
  wasm_globaltype_t* ft = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_VAR);
  wasm_val_t pi = WASM_F64_VAL(3.25);
  wasm_global_t* fg = wasm_global_new(b.env.store, ft, &pi);
  CHECK(wasm_global_new(b.env.store, ft, &nine) == nullptr);  // value of another kind
  wasm_globaltype_delete(ft);
  wasm_global_get(fg, &v);
  CHECK(v.of.f64 == 3.25);
  wasm_global_delete(fg);
}

TEST_CASE("tables: exported table, host table, get/set/grow, bounds") {
  Basic b;
  wasm_table_t* table = wasm_extern_as_table(b.ext("table"));
  REQUIRE(table != nullptr);
  CHECK(wasm_table_size(table) == 2);
  int32_t r = 0;
  CHECK(b.call("call_table", {0, 5}, &r) == "");  // inc
  CHECK(r == 6);
  CHECK(b.call("call_table", {1, 5}, &r) == "");  // the host's twice
  CHECK(r == 10);

  // Element 0 is `inc`, callable from C; element 1 the host function itself.
  wasm_ref_t* e0 = wasm_table_get(table, 0);
  REQUIRE(e0 != nullptr);
  wasm_func_t* inc = wasm_ref_as_func(e0);
  REQUIRE(inc != nullptr);
  CHECK(wasm_func_same(inc, b.func("inc")));
  wasm_ref_t* e1 = wasm_table_get(table, 1);
  CHECK(wasm_func_same(wasm_ref_as_func(e1), b.twice));
  wasm_ref_delete(e1);

  // Swap: element 1 becomes inc.
  CHECK(wasm_table_set(table, 1, e0));
  CHECK(b.call("call_table", {1, 5}, &r) == "");
  CHECK(r == 6);
  CHECK_FALSE(wasm_table_set(table, 2, e0));
  CHECK(std::string(tern_last_error()) == "wasm_table_set: index 2 out of bounds");
  CHECK(wasm_table_get(table, 7) == nullptr);

  // Grow to the maximum (4), not past it; new elements are null and trap when called.
  CHECK(wasm_table_grow(table, 2, nullptr));
  CHECK(wasm_table_size(table) == 4);
  CHECK_FALSE(wasm_table_grow(table, 1, nullptr));
  CHECK(wasm_table_get(table, 3) == nullptr);
  CHECK(b.call("call_table", {3, 5}) == "uninitialized element");
  CHECK(b.call("call_table", {4, 5}) == "undefined element");
  wasm_tabletype_t* tt = wasm_table_type(table);
  CHECK(wasm_tabletype_limits(tt)->min == 4);
  CHECK(wasm_tabletype_limits(tt)->max == 4);
  wasm_tabletype_delete(tt);

  // A host table filled with one function.
  wasm_limits_t limits{3, wasm_limits_max_default};
  wasm_tabletype_t* ht = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* host_table = wasm_table_new(b.env.store, ht, e0);
  REQUIRE(host_table != nullptr);
  CHECK(wasm_table_size(host_table) == 3);
  wasm_ref_t* got = wasm_table_get(host_table, 2);
  CHECK(wasm_ref_same(got, e0));
  wasm_ref_delete(got);
  CHECK(wasm_table_grow(host_table, 10, nullptr));
  CHECK(wasm_table_size(host_table) == 13);
  // A foreign object is not a funcref.
  wasm_foreign_t* foreign = wasm_foreign_new(b.env.store);
  CHECK_FALSE(wasm_table_set(host_table, 0, wasm_foreign_as_ref(foreign)));
  wasm_foreign_delete(foreign);
  wasm_table_delete(host_table);
  wasm_tabletype_delete(ht);
  wasm_ref_delete(e0);
}

TEST_CASE("memories: exported memory, host memory, data, grow to the maximum") {
  Basic b;
  wasm_memory_t* memory = wasm_extern_as_memory(b.ext("memory"));
  REQUIRE(memory != nullptr);
  CHECK(wasm_memory_size(memory) == 1);
  CHECK(wasm_memory_data_size(memory) == MEMORY_PAGE_SIZE);
  wasm_memory_data(memory)[100] = 77;
  int32_t r = 0;
  CHECK(b.call("load", {100}, &r) == "");
  CHECK(r == 77);
  CHECK(b.call("load", {65536}) == "out of bounds memory access");

  CHECK(wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_size(memory) == 2);
  CHECK(b.call("grow", {1}, &r) == "");  // wasm sees the same memory
  CHECK(r == 2);
  CHECK(wasm_memory_size(memory) == 3);
  CHECK_FALSE(wasm_memory_grow(memory, 1));  // max 3
  CHECK(b.call("grow", {1}, &r) == "");
  CHECK(r == -1);
  wasm_memory_data(memory)[3 * MEMORY_PAGE_SIZE - 1] = 5;
  CHECK(b.call("load", {3 * 65536 - 1}, &r) == "");
  CHECK(r == 5);
  wasm_memorytype_t* mt = wasm_memory_type(memory);
  CHECK(wasm_memorytype_limits(mt)->min == 3);
  CHECK(wasm_memorytype_limits(mt)->max == 3);
  wasm_memorytype_delete(mt);

  wasm_limits_t limits{0, 2};
  wasm_memorytype_t* ht = wasm_memorytype_new(&limits);
  wasm_memory_t* host_memory = wasm_memory_new(b.env.store, ht);
  wasm_memorytype_delete(ht);
  REQUIRE(host_memory != nullptr);
  CHECK(wasm_memory_data_size(host_memory) == 0);
  CHECK(wasm_memory_grow(host_memory, 2));
  CHECK(wasm_memory_data_size(host_memory) == 2 * MEMORY_PAGE_SIZE);
  CHECK_FALSE(wasm_memory_grow(host_memory, 1));
  wasm_memory_data(host_memory)[2 * MEMORY_PAGE_SIZE - 1] = 1;
  wasm_memory_delete(host_memory);

  wasm_limits_t bad{5, 2};
  wasm_memorytype_t* bt = wasm_memorytype_new(&bad);
  CHECK(wasm_memory_new(b.env.store, bt) == nullptr);
  wasm_memorytype_delete(bt);
}

TEST_CASE("references: funcref and anyref values round-trip through wasm") {
  Basic b;
  wasm_val_t args[1] = {ref_val(WASM_FUNCREF, wasm_func_as_ref(b.func("add")))};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(res);
  REQUIRE(wasm_func_call(b.func("id_func"), &av, &rv) == nullptr);
  CHECK(res[0].kind == WASM_FUNCREF);
  REQUIRE(res[0].of.ref != nullptr);
  CHECK(wasm_func_same(wasm_ref_as_func(res[0].of.ref), b.func("add")));
  // The returned handle is a callable function.
  wasm_val_t two[2] = {i32(2), i32(3)};
  wasm_val_t sum[1];
  wasm_val_vec_t twov = WASM_ARRAY_VEC(two), sumv = WASM_ARRAY_VEC(sum);
  REQUIRE(wasm_func_call(wasm_ref_as_func(res[0].of.ref), &twov, &sumv) == nullptr);
  CHECK(sum[0].of.i32 == 5);
  wasm_val_delete(&res[0]);

  // Null passes as null.
  args[0] = ref_val(WASM_FUNCREF, nullptr);
  REQUIRE(wasm_func_call(b.func("id_func"), &av, &rv) == nullptr);
  CHECK(res[0].of.ref == nullptr);

  // A foreign object as anyref comes back as the same object, host info intact.
  wasm_foreign_t* foreign = wasm_foreign_new(b.env.store);
  int marker = 0;
  wasm_foreign_set_host_info(foreign, &marker);
  args[0] = ref_val(WASM_ANYREF, wasm_foreign_as_ref(foreign));
  REQUIRE(wasm_func_call(b.func("id_extern"), &av, &rv) == nullptr);
  CHECK(res[0].kind == WASM_ANYREF);
  REQUIRE(res[0].of.ref != nullptr);
  CHECK(wasm_ref_same(res[0].of.ref, wasm_foreign_as_ref(foreign)));
  CHECK(wasm_ref_get_host_info(res[0].of.ref) == &marker);
  wasm_foreign_t* back = wasm_ref_as_foreign(res[0].of.ref);
  CHECK(back != nullptr);
  CHECK(wasm_ref_as_func(res[0].of.ref) == nullptr);
  wasm_val_delete(&res[0]);
  wasm_foreign_delete(foreign);

  // A foreign object is not a funcref.
  wasm_foreign_t* other = wasm_foreign_new(b.env.store);
  args[0] = ref_val(WASM_FUNCREF, wasm_foreign_as_ref(other));
  CHECK(take_message(wasm_func_call(b.func("id_func"), &av, &rv)).find("a funcref value must be a function") !=
        std::string::npos);
  wasm_foreign_delete(other);
}

TEST_CASE("references: a host funcref global holds a function set into it") {
  Basic b;
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_funcref(), WASM_VAR);
  wasm_val_t null_ref = ref_val(WASM_FUNCREF, nullptr);
  wasm_global_t* g = wasm_global_new(b.env.store, gt, &null_ref);
  wasm_globaltype_delete(gt);
  REQUIRE(g != nullptr);
  wasm_val_t add = ref_val(WASM_FUNCREF, wasm_func_as_ref(b.func("add")));
  wasm_global_set(g, &add);  // kept by the global's keeper (host/runtime/table_refs.cpp)
  wasm_val_t got = WASM_INIT_VAL;
  wasm_global_get(g, &got);
  REQUIRE(got.kind == WASM_FUNCREF);
  REQUIRE(got.of.ref != nullptr);
  wasm_val_t two[2] = {i32(2), i32(3)};
  wasm_val_t sum[1];
  wasm_val_vec_t twov = WASM_ARRAY_VEC(two), sumv = WASM_ARRAY_VEC(sum);
  REQUIRE(wasm_func_call(wasm_ref_as_func(got.of.ref), &twov, &sumv) == nullptr);
  CHECK(sum[0].of.i32 == 5);
  wasm_val_delete(&got);
  wasm_global_set(g, &null_ref);
  wasm_global_get(g, &got);
  CHECK(got.of.ref == nullptr);
  wasm_global_delete(g);
}

TEST_CASE("host info: shared by copies, finalizer runs when the last handle goes") {
  Env env;
  static int finalized = 0;
  finalized = 0;
  wasm_foreign_t* f = wasm_foreign_new(env.store);
  int data = 0;
  wasm_foreign_set_host_info_with_finalizer(f, &data, [](void*) { ++finalized; });
  wasm_foreign_t* copy = wasm_foreign_copy(f);
  CHECK(wasm_foreign_get_host_info(copy) == &data);
  CHECK(wasm_foreign_same(f, copy));
  wasm_foreign_delete(f);
  CHECK(finalized == 0);
  wasm_foreign_delete(copy);
  CHECK(finalized == 1);
}

TEST_CASE("threads: one module shared into a store per thread, calls and traps at once") {
  // The standard's model: stores (and their instances) are single-threaded; modules are
  // shared between threads with wasm_module_share / wasm_module_obtain.
  Env env;
  wasm_module_t* module = load_module(env.store, "basic");
  wasm_shared_module_t* shared = wasm_module_share(module);
  constexpr int kThreads = 4;
  constexpr int kCalls = 2000;
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Env mine;
      wasm_module_t* m = wasm_module_obtain(mine.store, shared);
      wasm_functype_t* ft = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
      wasm_func_t* twice = wasm_func_new(mine.store, ft, twice_callback);
      wasm_functype_delete(ft);
      wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
      wasm_val_t offset_value = i32(1000 * t);
      wasm_global_t* offset = wasm_global_new(mine.store, gt, &offset_value);
      wasm_globaltype_delete(gt);
      wasm_extern_t* list[2] = {wasm_func_as_extern(twice), wasm_global_as_extern(offset)};
      wasm_extern_vec_t imports = WASM_ARRAY_VEC(list);
      wasm_instance_t* instance = wasm_instance_new(mine.store, m, &imports, nullptr);
      if (!instance) {
        wrong[t] = -1;
        return;
      }
      wasm_extern_vec_t exports;
      wasm_instance_exports(instance, &exports);
      wasm_func_t* call_host = wasm_extern_as_func(exports.data[8]);
      wasm_func_t* div = wasm_extern_as_func(exports.data[7]);
      for (int i = 0; i < kCalls; ++i) {
        wasm_val_t args[2] = {i32(i), i32(0)};
        wasm_val_t res[1];
        wasm_val_vec_t one{1, args}, two = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(res);
        wasm_trap_t* trap = wasm_func_call(call_host, &one, &rv);
        if (trap || res[0].of.i32 != 2 * i + 1000 * t) ++wrong[t];
        if (trap) wasm_trap_delete(trap);
        trap = wasm_func_call(div, &two, &rv);  // traps on every thread at once
        if (!trap) ++wrong[t];
        else wasm_trap_delete(trap);
      }
      wasm_extern_vec_delete(&exports);
      wasm_instance_delete(instance);
      wasm_global_delete(offset);
      wasm_func_delete(twice);
      wasm_module_delete(m);
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) CHECK(wrong[t] == 0);
  wasm_shared_module_delete(shared);
  wasm_module_delete(module);
}
