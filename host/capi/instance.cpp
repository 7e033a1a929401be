// wasm.h instances: instantiation from a vector of externs, and the exports.
#include "host/capi/capi.h"

using tern::capi::set_last_error;

namespace tern::capi {

wasm_instance_t* wrap_instance(const Store& store, std::shared_ptr<Instance> instance) {
  auto* i = new wasm_instance_t();
  i->store = store;
  i->instance = std::move(instance);
  return i;
}

wasm_extern_t* wrap_extern(const Store& store, const Extern& e) {
  wasm_extern_t* out = nullptr;
  switch (e.kind) {
    case ExternKind::Func: {
      if (!e.func || !e.func_type) return nullptr;
      auto* f = new wasm_func_t();
      f->ref = e.func;
      f->func_type = *e.func_type;
      out = f;
      break;
    }
    case ExternKind::Global: {
      if (!e.global) return nullptr;
      auto* g = new wasm_global_t();
      g->global = e.global;
      out = g;
      break;
    }
    case ExternKind::Table: {
      if (!e.table) return nullptr;
      auto* t = new wasm_table_t();
      t->table = e.table;
      out = t;
      break;
    }
    case ExternKind::Memory: {
      if (!e.memory) return nullptr;
      auto* m = new wasm_memory_t();
      m->memory = e.memory;
      out = m;
      break;
    }
  }
  out->store = store;
  out->owner = e.owner;
  return out;
}

wasm_instance_t* new_instance(wasm_store_t* store, const wasm_module_t* module, const wasm_extern_vec_t* imports,
                              const InstanceLimits& limits, wasm_trap_t** trap_out) {
  if (trap_out) *trap_out = nullptr;
  auto fail = [&](const Error& e) -> wasm_instance_t* {
    set_last_error(e.message());
    if (trap_out) *trap_out = make_trap(e);
    return nullptr;
  };
  if (!store || !module) return fail(Error(ErrorKind::Usage, "wasm_instance_new: needs a store and a module"));
  const ModuleInfo& m = module->module->info();
  std::vector<Extern> externs;
  size_t n = imports ? imports->size : 0;
  for (size_t i = 0; i < n; ++i) {
    const wasm_extern_t* x = imports->data ? imports->data[i] : nullptr;
    if (!x) {
      std::string what = i < m.imports.size() ? " " + m.imports[i].module + "." + m.imports[i].field : "";
      return fail(Error(ErrorKind::Link, "import #" + std::to_string(i) + what + ": no extern provided (NULL)"));
    }
    externs.push_back(x->to_extern());
  }
  auto instance = Instance::instantiate(module->module, externs, limits);
  if (!instance.ok()) return fail(instance.error());
  return wrap_instance(store->state, std::move(*instance));
}

}  // namespace tern::capi

extern "C" {

wasm_instance_t* wasm_instance_new(wasm_store_t* store, const wasm_module_t* module, const wasm_extern_vec_t* imports,
                                   wasm_trap_t** trap) {
  return tern::capi::new_instance(store, module, imports, tern::InstanceLimits{}, trap);
}

void wasm_instance_exports(const wasm_instance_t* instance, wasm_extern_vec_t* out) {
  if (!out) return;
  if (!instance || !instance->instance) {
    wasm_extern_vec_new_empty(out);
    return;
  }
  const tern::ModuleInfo& m = instance->instance->module().info();
  wasm_extern_vec_new_uninitialized(out, m.exports.size());
  for (size_t i = 0; i < out->size; ++i) {
    auto e = instance->instance->get_export(m.exports[i].name);
    out->data[i] = e ? tern::capi::wrap_extern(instance->store, *e) : nullptr;
  }
}

}  // extern "C"
