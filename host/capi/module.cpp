// wasm.h modules: compile, validate, imports and exports, sharing between stores.
#include "host/capi/capi.h"

using tern::capi::set_last_error;

namespace {

std::span<const uint8_t> bytes_of(const wasm_byte_vec_t* v) {
  return {reinterpret_cast<const uint8_t*>(v->data), v->size};
}

void set_name(wasm_name_t* out, const std::string& s) { wasm_byte_vec_new(out, s.size(), s.data()); }

wasm_externtype_t* extern_type(const tern::ModuleInfo& m, tern::ExternKind kind, uint32_t index) {
  switch (kind) {
    case tern::ExternKind::Func: return tern::capi::from_func_type(m.func_type(index));
    case tern::ExternKind::Table: return tern::capi::from_table_type(m.tables[index]);
    case tern::ExternKind::Memory: return tern::capi::from_memory_type(m.memories[index]);
    case tern::ExternKind::Global: return tern::capi::from_global_type(m.globals[index].type);
  }
  return nullptr;
}

tern::DecodeOptions options_for(const wasm_store_t* store) {
  tern::DecodeOptions o;
  if (store) o.features = store->state->features;
  return o;
}

}  // namespace

extern "C" {

wasm_module_t* wasm_module_new(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  if (!store || !binary || (!binary->data && binary->size)) {
    set_last_error("wasm_module_new: needs a store and the module's bytes");
    return nullptr;
  }
  auto module = tern::Module::compile(bytes_of(binary), options_for(store));
  if (!module.ok()) {
    set_last_error(module.error().message());
    return nullptr;
  }
  auto* m = new wasm_module_t();
  m->module = std::move(*module);
  return m;
}

bool wasm_module_validate(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  if (!binary || (!binary->data && binary->size)) {
    set_last_error("wasm_module_validate: no bytes");
    return false;
  }
  auto info = tern::decode_module(bytes_of(binary), options_for(store));
  if (!info.ok()) set_last_error(info.error().message());
  return info.ok();
}

void wasm_module_imports(const wasm_module_t* module, wasm_importtype_vec_t* out) {
  if (!out) return;
  if (!module) {
    wasm_importtype_vec_new_empty(out);
    return;
  }
  const tern::ModuleInfo& m = module->module->info();
  wasm_importtype_vec_new_uninitialized(out, m.imports.size());
  for (size_t i = 0; i < out->size; ++i) {
    const tern::Import& imp = m.imports[i];
    auto* t = new wasm_importtype_t();
    set_name(&t->module, imp.module);
    set_name(&t->name, imp.field);
    t->type = extern_type(m, imp.kind, imp.index);
    out->data[i] = t;
  }
}

void wasm_module_exports(const wasm_module_t* module, wasm_exporttype_vec_t* out) {
  if (!out) return;
  if (!module) {
    wasm_exporttype_vec_new_empty(out);
    return;
  }
  const tern::ModuleInfo& m = module->module->info();
  wasm_exporttype_vec_new_uninitialized(out, m.exports.size());
  for (size_t i = 0; i < out->size; ++i) {
    const tern::Export& e = m.exports[i];
    auto* t = new wasm_exporttype_t();
    set_name(&t->name, e.name);
    t->type = extern_type(m, e.kind, e.index);
    out->data[i] = t;
  }
}

// tern has no serialized form for the C API (yet): an empty vector, and NULL back.
void wasm_module_serialize(const wasm_module_t*, wasm_byte_vec_t* out) {
  if (out) wasm_byte_vec_new_empty(out);
}

wasm_module_t* wasm_module_deserialize(wasm_store_t*, const wasm_byte_vec_t*) {
  set_last_error("wasm_module_deserialize: tern has no serialized module format; use wasm_module_new");
  return nullptr;
}

void wasm_shared_module_delete(wasm_shared_module_t* s) { delete s; }

wasm_shared_module_t* wasm_module_share(const wasm_module_t* module) {
  if (!module) return nullptr;
  return new wasm_shared_module_t{module->module};
}

wasm_module_t* wasm_module_obtain(wasm_store_t* store, const wasm_shared_module_t* shared) {
  if (!store || !shared) {
    set_last_error("wasm_module_obtain: needs a store and a shared module");
    return nullptr;
  }
  auto* m = new wasm_module_t();
  m->module = shared->module;
  return m;
}

}  // extern "C"
