// C API: vectors, type descriptions, modules (validation, imports, exports, sharing).
#include "tests/capi/capi_util.h"

using namespace capi_test;

TEST_CASE("byte vectors: new, copy, delete own their storage") {
  wasm_byte_vec_t v;
  wasm_byte_vec_new(&v, 5, "hello");
  REQUIRE(v.size == 5);
  wasm_byte_vec_t c;
  wasm_byte_vec_copy(&c, &v);
  REQUIRE(c.size == 5);
  CHECK(c.data != v.data);
  CHECK(std::string(c.data, c.size) == "hello");
  v.data[0] = 'j';
  CHECK(c.data[0] == 'h');
  wasm_byte_vec_delete(&v);
  CHECK(v.size == 0);
  CHECK(v.data == nullptr);
  wasm_byte_vec_delete(&c);

  wasm_byte_vec_t empty;
  wasm_byte_vec_new_empty(&empty);
  CHECK(empty.size == 0);
  CHECK(empty.data == nullptr);
  wasm_byte_vec_delete(&empty);

  wasm_byte_vec_t u;
  wasm_byte_vec_new_uninitialized(&u, 64);
  CHECK(u.size == 64);
  CHECK(u.data != nullptr);
  wasm_byte_vec_delete(&u);

  wasm_name_t name;
  wasm_name_new_from_string(&name, "memory");
  CHECK(str(&name) == "memory");
  wasm_name_delete(&name);
  wasm_name_new_from_string_nt(&name, "trap");
  CHECK(name.size == 5);
  wasm_name_delete(&name);
}

TEST_CASE("vectors of handles copy their elements deeply and tolerate NULL entries") {
  wasm_valtype_t* types[3] = {wasm_valtype_new_i32(), wasm_valtype_new_f64(), wasm_valtype_new_funcref()};
  wasm_valtype_vec_t v;
  wasm_valtype_vec_new(&v, 3, types);  // takes the elements
  wasm_valtype_vec_t c;
  wasm_valtype_vec_copy(&c, &v);
  REQUIRE(c.size == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(c.data[i] != v.data[i]);
    CHECK(wasm_valtype_kind(c.data[i]) == wasm_valtype_kind(v.data[i]));
  }
  CHECK(wasm_valtype_kind(c.data[2]) == WASM_FUNCREF);
  CHECK(wasm_valtype_is_ref(c.data[2]));
  CHECK(wasm_valtype_is_num(c.data[1]));
  wasm_valtype_vec_delete(&v);
  wasm_valtype_vec_delete(&c);

  wasm_extern_vec_t externs;
  wasm_extern_vec_new_uninitialized(&externs, 4);
  for (size_t i = 0; i < 4; ++i) CHECK(externs.data[i] == nullptr);
  wasm_extern_vec_t copy;
  wasm_extern_vec_copy(&copy, &externs);
  CHECK(copy.size == 4);
  wasm_extern_vec_delete(&copy);
  wasm_extern_vec_delete(&externs);

  // Deleting twice or deleting NULL is harmless.
  wasm_extern_vec_delete(&externs);
  wasm_extern_vec_delete(nullptr);
  wasm_byte_vec_new(nullptr, 3, "abc");
}

TEST_CASE("value vectors copy references as new handles of the same object") {
  Env env;
  wasm_foreign_t* foreign = wasm_foreign_new(env.store);
  wasm_val_t vals[2] = {i32(5), ref_val(WASM_ANYREF, wasm_foreign_as_ref(foreign))};
  wasm_val_vec_t v;
  wasm_val_vec_new(&v, 2, vals);
  wasm_val_vec_t c;
  wasm_val_vec_copy(&c, &v);
  REQUIRE(c.size == 2);
  CHECK(c.data[0].of.i32 == 5);
  CHECK(c.data[1].of.ref != v.data[1].of.ref);
  CHECK(wasm_ref_same(c.data[1].of.ref, v.data[1].of.ref));
  wasm_val_vec_delete(&c);
  wasm_val_vec_delete(&v);  // deletes `foreign` (it owned it)
}

TEST_CASE("function, global, table and memory types") {
  wasm_functype_t* f = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32());
  REQUIRE(f != nullptr);
  CHECK(wasm_functype_params(f)->size == 2);
  CHECK(wasm_valtype_kind(wasm_functype_params(f)->data[1]) == WASM_I64);
  CHECK(wasm_functype_results(f)->size == 1);
  CHECK(wasm_valtype_kind(wasm_functype_results(f)->data[0]) == WASM_F32);
  wasm_functype_t* fc = wasm_functype_copy(f);
  CHECK(wasm_functype_params(fc)->data[0] != wasm_functype_params(f)->data[0]);
  wasm_externtype_t* fe = wasm_functype_as_externtype(f);
  CHECK(wasm_externtype_kind(fe) == WASM_EXTERN_FUNC);
  CHECK(wasm_externtype_as_functype(fe) == f);
  CHECK(wasm_externtype_as_globaltype(fe) == nullptr);
  CHECK(wasm_externtype_as_memorytype_const(fe) == nullptr);
  wasm_functype_delete(fc);
  wasm_functype_delete(f);

  wasm_globaltype_t* g = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_VAR);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(g)) == WASM_F64);
  CHECK(wasm_globaltype_mutability(g) == WASM_VAR);
  wasm_externtype_t* ge = wasm_externtype_copy(wasm_globaltype_as_externtype(g));
  CHECK(wasm_externtype_kind(ge) == WASM_EXTERN_GLOBAL);
  CHECK(wasm_globaltype_mutability(wasm_externtype_as_globaltype(ge)) == WASM_VAR);
  wasm_externtype_delete(ge);
  wasm_globaltype_delete(g);

  wasm_limits_t limits{2, 10};
  wasm_tabletype_t* t = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  REQUIRE(t != nullptr);
  CHECK(wasm_valtype_kind(wasm_tabletype_element(t)) == WASM_FUNCREF);
  CHECK(wasm_tabletype_limits(t)->min == 2);
  CHECK(wasm_tabletype_limits(t)->max == 10);
  wasm_tabletype_delete(t);
  // A table of numbers does not exist.
  CHECK(wasm_tabletype_new(wasm_valtype_new_i32(), &limits) == nullptr);
  CHECK(std::string(tern_last_error()).find("reference element type") != std::string::npos);

  wasm_limits_t open{1, wasm_limits_max_default};
  wasm_memorytype_t* m = wasm_memorytype_new(&open);
  CHECK(wasm_memorytype_limits(m)->max == wasm_limits_max_default);
  wasm_memorytype_t* mc = wasm_memorytype_copy(m);
  CHECK(wasm_memorytype_limits(mc)->min == 1);
  wasm_memorytype_delete(mc);
  wasm_memorytype_delete(m);

  CHECK(wasm_valtype_new(17) == nullptr);  // not a value kind
}

TEST_CASE("import and export types") {
  wasm_name_t module, name;
  wasm_name_new_from_string(&module, "env");
  wasm_name_new_from_string(&name, "memory");
  wasm_limits_t limits{1, 2};
  wasm_importtype_t* it = wasm_importtype_new(&module, &name, wasm_memorytype_as_externtype(wasm_memorytype_new(&limits)));
  CHECK(module.data == nullptr);  // taken
  CHECK(str(wasm_importtype_module(it)) == "env");
  CHECK(str(wasm_importtype_name(it)) == "memory");
  CHECK(wasm_externtype_kind(wasm_importtype_type(it)) == WASM_EXTERN_MEMORY);
  wasm_importtype_t* ic = wasm_importtype_copy(it);
  CHECK(str(wasm_importtype_name(ic)) == "memory");
  wasm_importtype_delete(it);
  CHECK(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(wasm_importtype_type(ic)))->max == 2);
  wasm_importtype_delete(ic);

  wasm_name_new_from_string(&name, "run");
  wasm_exporttype_t* et = wasm_exporttype_new(&name, wasm_functype_as_externtype(wasm_functype_new_0_0()));
  CHECK(str(wasm_exporttype_name(et)) == "run");
  CHECK(wasm_externtype_kind(wasm_exporttype_type(et)) == WASM_EXTERN_FUNC);
  wasm_exporttype_delete(et);
}

TEST_CASE("modules: validate, compile, imports and exports in order") {
  Env env;
  std::vector<char> bytes = read_wasm("basic");
  wasm_byte_vec_t binary{bytes.size(), bytes.data()};
  CHECK(wasm_module_validate(env.store, &binary));
  wasm_module_t* module = wasm_module_new(env.store, &binary);
  REQUIRE(module != nullptr);

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  REQUIRE(imports.size == 2);
  CHECK(str(wasm_importtype_module(imports.data[0])) == "host");
  CHECK(str(wasm_importtype_name(imports.data[0])) == "twice");
  const wasm_functype_t* twice = wasm_externtype_as_functype_const(wasm_importtype_type(imports.data[0]));
  REQUIRE(twice != nullptr);
  CHECK(wasm_functype_params(twice)->size == 1);
  CHECK(wasm_externtype_kind(wasm_importtype_type(imports.data[1])) == WASM_EXTERN_GLOBAL);
  wasm_importtype_vec_delete(&imports);

  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  REQUIRE(exports.size == 16);
  CHECK(str(wasm_exporttype_name(exports.data[0])) == "memory");
  const wasm_memorytype_t* mem = wasm_externtype_as_memorytype_const(wasm_exporttype_type(exports.data[0]));
  REQUIRE(mem != nullptr);
  CHECK(wasm_memorytype_limits(mem)->min == 1);
  CHECK(wasm_memorytype_limits(mem)->max == 3);
  const wasm_tabletype_t* table = wasm_externtype_as_tabletype_const(wasm_exporttype_type(exports.data[1]));
  REQUIRE(table != nullptr);
  CHECK(wasm_tabletype_limits(table)->min == 2);
  CHECK(wasm_tabletype_limits(table)->max == 4);
  const wasm_globaltype_t* counter = wasm_externtype_as_globaltype_const(wasm_exporttype_type(exports.data[3]));
  REQUIRE(counter != nullptr);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(counter)) == WASM_I64);
  CHECK(wasm_globaltype_mutability(counter) == WASM_VAR);
  CHECK(str(wasm_exporttype_name(exports.data[15])) == "deep");
  wasm_exporttype_vec_delete(&exports);

  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  CHECK(serialized.size == 0);
  CHECK(wasm_module_deserialize(env.store, &serialized) == nullptr);

  // A module shared into another store is usable there.
  wasm_shared_module_t* shared = wasm_module_share(module);
  Env other;
  wasm_module_t* obtained = wasm_module_obtain(other.store, shared);
  REQUIRE(obtained != nullptr);
  CHECK(wasm_module_same(obtained, module));
  wasm_module_delete(obtained);
  wasm_shared_module_delete(shared);
  wasm_module_delete(module);
}

TEST_CASE("modules: bad bytes are refused with a message") {
  Env env;
  char garbage[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
  wasm_byte_vec_t binary{sizeof garbage, garbage};
  CHECK_FALSE(wasm_module_validate(env.store, &binary));
  CHECK(wasm_module_new(env.store, &binary) == nullptr);
  CHECK(std::string(tern_last_error()).size() > 0);
  CHECK(wasm_module_new(nullptr, &binary) == nullptr);
  CHECK(wasm_module_new(env.store, nullptr) == nullptr);
  wasm_byte_vec_t lying{100, nullptr};  // a size without data
  CHECK(wasm_module_new(env.store, &lying) == nullptr);
  CHECK_FALSE(wasm_module_validate(env.store, &lying));
}
