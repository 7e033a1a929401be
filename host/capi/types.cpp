// wasm.h type descriptions: valtype, functype, globaltype, tabletype, memorytype, externtype,
// importtype and exporttype, and their conversions from and to the runtime's types.
#include <cstdlib>
#include <cstring>

#include "host/capi/capi.h"

using tern::capi::set_last_error;

namespace tern::capi {

std::optional<ValType> to_val_type(wasm_valkind_t kind) {
  switch (kind) {
    case WASM_I32: return ValType::I32;
    case WASM_I64: return ValType::I64;
    case WASM_F32: return ValType::F32;
    case WASM_F64: return ValType::F64;
    case WASM_ANYREF: return ValType::ExternRef;
    case WASM_FUNCREF: return ValType::FuncRef;
    default: return std::nullopt;
  }
}

wasm_valkind_t to_valkind(ValType type) {
  switch (type) {
    case ValType::I32: return WASM_I32;
    case ValType::I64: return WASM_I64;
    case ValType::F32: return WASM_F32;
    case ValType::F64: return WASM_F64;
    case ValType::ExternRef: return WASM_ANYREF;
    case ValType::FuncRef: return WASM_FUNCREF;
    default: return TERN_V128;  // no kind in the standard
  }
}

namespace {
void fill_valtypes(wasm_valtype_vec_t* out, const std::vector<ValType>& types) {
  wasm_valtype_vec_new_uninitialized(out, types.size());
  for (size_t i = 0; i < out->size; ++i) out->data[i] = new wasm_valtype_t{to_valkind(types[i])};
}
std::vector<ValType> from_valtypes(const wasm_valtype_vec_t& v) {
  std::vector<ValType> out;
  for (size_t i = 0; i < v.size; ++i) out.push_back(v.data[i] ? to_val_type(v.data[i]->kind).value_or(ValType::V128) : ValType::I32);
  return out;
}
}  // namespace

FuncType to_func_type(const wasm_functype_t& t) { return FuncType{from_valtypes(t.params), from_valtypes(t.results)}; }

wasm_functype_t* from_func_type(const FuncType& t) {
  auto* f = new wasm_functype_t();
  fill_valtypes(&f->params, t.params);
  fill_valtypes(&f->results, t.results);
  return f;
}

wasm_limits_t to_c_limits(const Limits& l) {
  return {static_cast<uint32_t>(l.min), l.max ? static_cast<uint32_t>(*l.max) : wasm_limits_max_default};
}

Limits from_c_limits(const wasm_limits_t& l) {
  Limits out;
  out.min = l.min;
  if (l.max != wasm_limits_max_default) out.max = l.max;
  return out;
}

wasm_globaltype_t* from_global_type(const GlobalType& t) {
  auto* g = new wasm_globaltype_t();
  g->content.kind = to_valkind(t.type);
  g->mutability = t.mut ? WASM_VAR : WASM_CONST;
  return g;
}

wasm_tabletype_t* from_table_type(const TableType& t) {
  auto* tt = new wasm_tabletype_t();
  tt->element.kind = to_valkind(t.elem);
  tt->limits = to_c_limits(t.limits);
  return tt;
}

wasm_memorytype_t* from_memory_type(const MemoryType& t) {
  auto* m = new wasm_memorytype_t();
  m->limits = to_c_limits(t.limits);
  return m;
}

}  // namespace tern::capi

wasm_functype_t::~wasm_functype_t() {
  wasm_valtype_vec_delete(&params);
  wasm_valtype_vec_delete(&results);
}

wasm_externtype_t* wasm_functype_t::clone() const {
  auto* f = new wasm_functype_t();
  wasm_valtype_vec_copy(&f->params, &params);
  wasm_valtype_vec_copy(&f->results, &results);
  return f;
}

wasm_importtype_t::~wasm_importtype_t() {
  wasm_byte_vec_delete(&module);
  wasm_byte_vec_delete(&name);
  delete type;
}

wasm_exporttype_t::~wasm_exporttype_t() {
  wasm_byte_vec_delete(&name);
  delete type;
}

extern "C" {

// ---- valtype ----

wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind) {
  if (!tern::capi::to_val_type(kind)) {
    set_last_error("wasm_valtype_new: unknown value kind " + std::to_string(kind));
    return nullptr;
  }
  return new wasm_valtype_t{kind};
}
void wasm_valtype_delete(wasm_valtype_t* t) { delete t; }
wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* t) { return t ? new wasm_valtype_t{*t} : nullptr; }
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* t) { return t ? t->kind : wasm_valkind_t{WASM_I32}; }

// ---- functype ----

wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) {
  auto* f = new wasm_functype_t();
  // Takes the vectors' storage (and elements); the callers' vectors are left empty.
  if (params) {
    f->params = *params;
    *params = {0, nullptr};
  }
  if (results) {
    f->results = *results;
    *results = {0, nullptr};
  }
  return f;
}
void wasm_functype_delete(wasm_functype_t* t) { delete t; }
wasm_functype_t* wasm_functype_copy(const wasm_functype_t* t) {
  return t ? static_cast<wasm_functype_t*>(t->clone()) : nullptr;
}
const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* t) { return t ? &t->params : nullptr; }
const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* t) { return t ? &t->results : nullptr; }

// ---- globaltype ----

wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t mutability) {
  if (!content) {
    set_last_error("wasm_globaltype_new: no value type");
    return nullptr;
  }
  auto* g = new wasm_globaltype_t();
  g->content = *content;
  g->mutability = mutability;
  delete content;
  return g;
}
void wasm_globaltype_delete(wasm_globaltype_t* t) { delete t; }
wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* t) { return t ? new wasm_globaltype_t(*t) : nullptr; }
const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* t) { return t ? &t->content : nullptr; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* t) { return t ? t->mutability : wasm_mutability_t{WASM_CONST}; }

// ---- tabletype ----

wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element, const wasm_limits_t* limits) {
  if (!element || !limits || !wasm_valkind_is_ref(element->kind)) {
    set_last_error("wasm_tabletype_new: needs a reference element type and limits");
    delete element;
    return nullptr;
  }
  auto* t = new wasm_tabletype_t();
  t->element = *element;
  t->limits = *limits;
  delete element;
  return t;
}
void wasm_tabletype_delete(wasm_tabletype_t* t) { delete t; }
wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* t) { return t ? new wasm_tabletype_t(*t) : nullptr; }
const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* t) { return t ? &t->element : nullptr; }
const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* t) { return t ? &t->limits : nullptr; }

// ---- memorytype ----

wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) {
  if (!limits) {
    set_last_error("wasm_memorytype_new: no limits");
    return nullptr;
  }
  auto* m = new wasm_memorytype_t();
  m->limits = *limits;
  return m;
}
void wasm_memorytype_delete(wasm_memorytype_t* t) { delete t; }
wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* t) { return t ? new wasm_memorytype_t(*t) : nullptr; }
const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* t) { return t ? &t->limits : nullptr; }

// ---- externtype ----

void wasm_externtype_delete(wasm_externtype_t* t) { delete t; }
wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* t) { return t ? t->clone() : nullptr; }
wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* t) { return t ? t->kind : wasm_externkind_t{WASM_EXTERN_FUNC}; }

#define TERN_CAPI_EXTERNTYPE_VIEWS(NAME, KIND)                                                        \
  wasm_externtype_t* wasm_##NAME##_as_externtype(wasm_##NAME##_t* t) { return t; }                    \
  const wasm_externtype_t* wasm_##NAME##_as_externtype_const(const wasm_##NAME##_t* t) { return t; }  \
  wasm_##NAME##_t* wasm_externtype_as_##NAME(wasm_externtype_t* t) {                                  \
    return t && t->kind == KIND ? static_cast<wasm_##NAME##_t*>(t) : nullptr;                         \
  }                                                                                                   \
  const wasm_##NAME##_t* wasm_externtype_as_##NAME##_const(const wasm_externtype_t* t) {              \
    return t && t->kind == KIND ? static_cast<const wasm_##NAME##_t*>(t) : nullptr;                   \
  }
TERN_CAPI_EXTERNTYPE_VIEWS(functype, WASM_EXTERN_FUNC)
TERN_CAPI_EXTERNTYPE_VIEWS(globaltype, WASM_EXTERN_GLOBAL)
TERN_CAPI_EXTERNTYPE_VIEWS(tabletype, WASM_EXTERN_TABLE)
TERN_CAPI_EXTERNTYPE_VIEWS(memorytype, WASM_EXTERN_MEMORY)
#undef TERN_CAPI_EXTERNTYPE_VIEWS

// ---- importtype, exporttype ----

wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new wasm_importtype_t();
  if (module) {
    t->module = *module;
    *module = {0, nullptr};
  }
  if (name) {
    t->name = *name;
    *name = {0, nullptr};
  }
  t->type = type;
  return t;
}
void wasm_importtype_delete(wasm_importtype_t* t) { delete t; }
wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* t) {
  if (!t) return nullptr;
  auto* c = new wasm_importtype_t();
  wasm_byte_vec_copy(&c->module, &t->module);
  wasm_byte_vec_copy(&c->name, &t->name);
  c->type = t->type ? t->type->clone() : nullptr;
  return c;
}
const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* t) { return t ? &t->module : nullptr; }
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* t) { return t ? &t->name : nullptr; }
const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* t) { return t ? t->type : nullptr; }

wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new wasm_exporttype_t();
  if (name) {
    t->name = *name;
    *name = {0, nullptr};
  }
  t->type = type;
  return t;
}
void wasm_exporttype_delete(wasm_exporttype_t* t) { delete t; }
wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* t) {
  if (!t) return nullptr;
  auto* c = new wasm_exporttype_t();
  wasm_byte_vec_copy(&c->name, &t->name);
  c->type = t->type ? t->type->clone() : nullptr;
  return c;
}
const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* t) { return t ? &t->name : nullptr; }
const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* t) { return t ? t->type : nullptr; }

}  // extern "C"
