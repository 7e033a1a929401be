// Helpers for the C API tests: the engine/store pair, loading the WAT modules meson compiled
// (TERN_CAPI_WASM_DIR), and names/values in C form.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "tern.h"
#include "wasm.h"

namespace capi_test {

// An engine and a store, deleted in the right order.
struct Env {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  ~Env() {
    wasm_store_delete(store);
    wasm_engine_delete(engine);
  }
};

inline std::vector<char> read_wasm(std::string_view name) {
  const std::string path = std::string(TERN_CAPI_WASM_DIR) + "/" + std::string(name) + ".wasm";
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline wasm_module_t* load_module(wasm_store_t* store, std::string_view name) {
  std::vector<char> bytes = read_wasm(name);
  wasm_byte_vec_t binary{bytes.size(), bytes.data()};  // borrowed: wasm_module_new copies
  wasm_module_t* m = wasm_module_new(store, &binary);
  REQUIRE_MESSAGE(m != nullptr, tern_last_error());
  return m;
}

inline std::string str(const wasm_name_t* n) { return n ? std::string(n->data, n->size) : "(null)"; }

// The trap's message without its NUL; deletes the trap.
inline std::string take_message(wasm_trap_t* trap) {
  REQUIRE(trap != nullptr);
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  std::string s = m.size ? std::string(m.data, m.size - 1) : "";
  CHECK((m.size > 0 && m.data[m.size - 1] == '\0'));
  wasm_byte_vec_delete(&m);
  wasm_trap_delete(trap);
  return s;
}

// The export called `name` of an instance's export vector (in the module's export order).
inline wasm_extern_t* export_named(const wasm_module_t* module, const wasm_extern_vec_t& exports,
                                   std::string_view name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_extern_t* found = nullptr;
  for (size_t i = 0; i < types.size; ++i)
    if (str(wasm_exporttype_name(types.data[i])) == name) found = exports.data[i];
  wasm_exporttype_vec_delete(&types);
  REQUIRE_MESSAGE(found != nullptr, "no export " << name);
  return found;
}

inline wasm_val_t i32(int32_t v) {
  wasm_val_t x{};
  x.kind = WASM_I32;
  x.of.i32 = v;
  return x;
}
inline wasm_val_t i64(int64_t v) {
  wasm_val_t x{};
  x.kind = WASM_I64;
  x.of.i64 = v;
  return x;
}
inline wasm_val_t ref_val(wasm_valkind_t kind, wasm_ref_t* r) {
  wasm_val_t x{};
  x.kind = kind;
  x.of.ref = r;
  return x;
}

}  // namespace capi_test
