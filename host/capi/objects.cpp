// wasm.h globals, tables and memories: made by the host or exported by instances.
#include "host/capi/capi.h"

using tern::capi::set_last_error;

namespace {

// A funcref stored into a table or global keeps its function alive with the store (the
// runtime's cells hold plain FuncRef pointers).
void keep_func_alive(const tern::capi::Store& store, const wasm_ref_t* ref) {
  if (store && ref && ref->ref_kind == tern::capi::RefKind::Func) store->keep_alive(ref);
}

// The table element for `ref` (funcref: FuncRef*, anyref: its store identity).
tern::Result<void*> element_for(const tern::capi::Store& store, const tern::Table& table, wasm_ref_t* ref) {
  wasm_val_t v{};
  v.kind = tern::capi::to_valkind(table.type.elem);
  v.of.ref = ref;
  TERN_TRY(tern::Value value, tern::capi::to_value(store, v, table.type.elem));
  keep_func_alive(store, ref);
  return reinterpret_cast<void*>(value.lo);
}

}  // namespace

tern::Extern wasm_global_t::to_extern() const {
  tern::Extern e;
  e.kind = tern::ExternKind::Global;
  e.global = global;
  e.owner = owner;
  return e;
}

tern::Extern wasm_table_t::to_extern() const {
  tern::Extern e;
  e.kind = tern::ExternKind::Table;
  e.table = table;
  e.owner = owner;
  return e;
}

wasm_externtype_t* wasm_table_t::type() const {
  tern::TableType t = table->type;
  t.limits.min = table->size();
  return tern::capi::from_table_type(t);
}

tern::Extern wasm_memory_t::to_extern() const {
  tern::Extern e;
  e.kind = tern::ExternKind::Memory;
  e.memory = memory;
  e.owner = owner;
  return e;
}

wasm_externtype_t* wasm_memory_t::type() const {
  tern::MemoryType t;
  t.limits = {memory->pages(), memory->max_pages(), memory->shared()};
  return tern::capi::from_memory_type(t);
}

extern "C" {

// ---- globals ----

wasm_global_t* wasm_global_new(wasm_store_t* store, const wasm_globaltype_t* type, const wasm_val_t* value) {
  if (!store || !type || !value) {
    set_last_error("wasm_global_new: needs a store, a type and a value");
    return nullptr;
  }
  auto vt = tern::capi::to_val_type(type->content.kind);
  if (!vt) {
    set_last_error("wasm_global_new: unknown value kind");
    return nullptr;
  }
  auto v = tern::capi::to_value(store->state, *value, *vt);
  if (!v.ok()) {
    set_last_error("wasm_global_new: " + v.error().message());
    return nullptr;
  }
  keep_func_alive(store->state, *vt == tern::ValType::FuncRef ? value->of.ref : nullptr);
  auto made = tern::make_host_global({*vt, type->mutability == WASM_VAR}, v->lo, v->hi);
  if (!made.ok()) {
    set_last_error("wasm_global_new: " + made.error().message());
    return nullptr;
  }
  auto* h = new wasm_global_t();
  h->store = store->state;
  h->global = made->global;
  h->owner = std::move(made->owner);
  return h;
}

wasm_globaltype_t* wasm_global_type(const wasm_global_t* g) {
  return g ? tern::capi::from_global_type(g->global->type) : nullptr;
}

void wasm_global_get(const wasm_global_t* g, wasm_val_t* out) {
  if (!out) return;
  if (!g) {
    set_last_error("wasm_global_get: no global");
    *out = wasm_val_t{};
    return;
  }
  tern::Value v{g->global->type.type, g->global->cell.lo, g->global->cell.hi};
  *out = tern::capi::from_value(g->store, v);
}

void wasm_global_set(wasm_global_t* g, const wasm_val_t* value) {
  if (!g || !value) return set_last_error("wasm_global_set: needs a global and a value");
  if (!g->global->type.mut) return set_last_error("wasm_global_set: the global is immutable");
  auto v = tern::capi::to_value(g->store, *value, g->global->type.type);
  if (!v.ok()) return set_last_error("wasm_global_set: " + v.error().message());
  if (g->global->type.type == tern::ValType::FuncRef) {  // the store and the global keep its owner
    keep_func_alive(g->store, value->of.ref);
    return g->global->set_funcref(reinterpret_cast<void*>(v->lo));
  }
  g->global->cell.lo = v->lo;
  g->global->cell.hi = v->hi;
}

// ---- tables ----

wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type, wasm_ref_t* init) {
  if (!store || !type) {
    set_last_error("wasm_table_new: needs a store and a type");
    return nullptr;
  }
  tern::TableType tt;
  tt.elem = tern::capi::to_val_type(type->element.kind).value_or(tern::ValType::FuncRef);
  tt.limits = tern::capi::from_c_limits(type->limits);
  if (tt.limits.max && *tt.limits.max < tt.limits.min) {
    set_last_error("wasm_table_new: minimum " + std::to_string(tt.limits.min) + " is above the maximum");
    return nullptr;
  }
  auto made = tern::Table::make(tt);
  if (!made.ok()) {
    set_last_error("wasm_table_new: " + made.error().message());
    return nullptr;
  }
  std::shared_ptr<tern::Table> table = std::move(*made);
  auto element = element_for(store->state, *table, init);
  if (!element.ok()) {
    set_last_error("wasm_table_new: " + element.error().message());
    return nullptr;
  }
  std::fill(table->elements.begin(), table->elements.end(), *element);
  auto* h = new wasm_table_t();
  h->store = store->state;
  h->table = table.get();
  h->owner = std::move(table);
  return h;
}

wasm_tabletype_t* wasm_table_type(const wasm_table_t* t) {
  return t ? static_cast<wasm_tabletype_t*>(t->type()) : nullptr;
}

wasm_ref_t* wasm_table_get(const wasm_table_t* t, wasm_table_size_t index) {
  if (!t) return nullptr;
  void* element = nullptr;
  {
    std::lock_guard lock(t->table->grow_mu);
    if (index >= t->table->size()) {
      set_last_error("wasm_table_get: index " + std::to_string(index) + " out of bounds");
      return nullptr;
    }
    element = t->table->elements[index];
  }
  tern::Value v{t->table->type.elem, reinterpret_cast<uint64_t>(element), 0};
  return tern::capi::from_value(t->store, v).of.ref;
}

bool wasm_table_set(wasm_table_t* t, wasm_table_size_t index, wasm_ref_t* ref) {
  if (!t) return false;
  auto element = element_for(t->store, *t->table, ref);
  if (!element.ok()) {
    set_last_error("wasm_table_set: " + element.error().message());
    return false;
  }
  std::lock_guard lock(t->table->grow_mu);
  if (index >= t->table->size()) {
    set_last_error("wasm_table_set: index " + std::to_string(index) + " out of bounds");
    return false;
  }
  t->table->elements[index] = *element;
  return true;
}

wasm_table_size_t wasm_table_size(const wasm_table_t* t) { return t ? t->table->size() : 0; }

bool wasm_table_grow(wasm_table_t* t, wasm_table_size_t delta, wasm_ref_t* init) {
  if (!t) return false;
  auto element = element_for(t->store, *t->table, init);
  if (!element.ok()) {
    set_last_error("wasm_table_grow: " + element.error().message());
    return false;
  }
  if (t->table->grow(delta, *element) < 0) {
    set_last_error("wasm_table_grow: cannot grow by " + std::to_string(delta) + " past the maximum");
    return false;
  }
  return true;
}

// ---- memories ----

wasm_memory_t* wasm_memory_new(wasm_store_t* store, const wasm_memorytype_t* type) {
  if (!store || !type) {
    set_last_error("wasm_memory_new: needs a store and a type");
    return nullptr;
  }
  tern::MemoryType mt;
  mt.limits = tern::capi::from_c_limits(type->limits);
  auto memory = tern::LinearMemory::create(mt);
  if (!memory.ok()) {
    set_last_error("wasm_memory_new: " + memory.error().message());
    return nullptr;
  }
  std::shared_ptr<tern::LinearMemory> shared(std::move(*memory));
  auto* h = new wasm_memory_t();
  h->store = store->state;
  h->memory = shared.get();
  h->owner = std::move(shared);
  return h;
}

wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* m) {
  return m ? static_cast<wasm_memorytype_t*>(m->type()) : nullptr;
}
byte_t* wasm_memory_data(wasm_memory_t* m) { return m ? reinterpret_cast<byte_t*>(m->memory->base()) : nullptr; }
size_t wasm_memory_data_size(const wasm_memory_t* m) { return m ? m->memory->size_bytes() : 0; }
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* m) { return m ? m->memory->pages() : 0; }

bool wasm_memory_grow(wasm_memory_t* m, wasm_memory_pages_t delta) {
  if (!m) return false;
  if (m->memory->grow(delta) < 0) {
    set_last_error("wasm_memory_grow: cannot grow by " + std::to_string(delta) + " pages past the maximum");
    return false;
  }
  return true;
}

}  // extern "C"
