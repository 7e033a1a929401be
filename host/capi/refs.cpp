// wasm.h references: the functions every reference type shares (delete, copy, same, host
// info, views as wasm_ref_t), values, frames, traps, foreign objects and extern views.
#include <cstdio>
#include <cstring>

#include "host/capi/capi.h"

using tern::capi::RefKind;

namespace tern::capi {

wasm_trap_t* make_trap(std::string message) {
  auto* t = new wasm_trap_t();
  t->shared->message = std::move(message);
  return t;
}

wasm_trap_t* make_trap(const Error& e, std::vector<FrameInfo> frames) {
  wasm_trap_t* t = make_trap(e.message());
  t->shared->frames = std::move(frames);
  unsigned status = 0;
  if (e.kind() == ErrorKind::Exit && std::sscanf(e.message().c_str(), "proc_exit(%u)", &status) == 1)
    t->shared->exit_status = static_cast<int>(status);
  return t;
}

}  // namespace tern::capi

namespace {

bool is_kind(const wasm_ref_t* r, RefKind k) { return r->ref_kind == k; }
bool is_extern(const wasm_ref_t* r) {
  return r->ref_kind == RefKind::Func || r->ref_kind == RefKind::Global || r->ref_kind == RefKind::Table ||
         r->ref_kind == RefKind::Memory;
}

}  // namespace

wasm_frame_t::~wasm_frame_t() { delete instance; }

extern "C" {

#define TERN_CAPI_REF_BASE(NAME)                                                                \
  void wasm_##NAME##_delete(wasm_##NAME##_t* r) { delete r; }                                   \
  wasm_##NAME##_t* wasm_##NAME##_copy(const wasm_##NAME##_t* r) {                               \
    return r ? static_cast<wasm_##NAME##_t*>(r->clone()) : nullptr;                             \
  }                                                                                             \
  bool wasm_##NAME##_same(const wasm_##NAME##_t* a, const wasm_##NAME##_t* b) {                 \
    return a && b && a->identity() == b->identity();                                            \
  }                                                                                             \
  void* wasm_##NAME##_get_host_info(const wasm_##NAME##_t* r) { return r ? r->host_info->data : nullptr; } \
  void wasm_##NAME##_set_host_info(wasm_##NAME##_t* r, void* info) {                            \
    if (!r) return;                                                                             \
    r->host_info->data = info;                                                                  \
    r->host_info->finalizer = nullptr;                                                          \
  }                                                                                             \
  void wasm_##NAME##_set_host_info_with_finalizer(wasm_##NAME##_t* r, void* info, void (*fin)(void*)) { \
    if (!r) return;                                                                             \
    r->host_info->data = info;                                                                  \
    r->host_info->finalizer = fin;                                                              \
  }

#define TERN_CAPI_REF(NAME, IS_NAME)                                                             \
  TERN_CAPI_REF_BASE(NAME)                                                                       \
  wasm_ref_t* wasm_##NAME##_as_ref(wasm_##NAME##_t* r) { return r; }                             \
  const wasm_ref_t* wasm_##NAME##_as_ref_const(const wasm_##NAME##_t* r) { return r; }           \
  wasm_##NAME##_t* wasm_ref_as_##NAME(wasm_ref_t* r) {                                           \
    return r && IS_NAME ? static_cast<wasm_##NAME##_t*>(r) : nullptr;                            \
  }                                                                                              \
  const wasm_##NAME##_t* wasm_ref_as_##NAME##_const(const wasm_ref_t* r) {                       \
    return r && IS_NAME ? static_cast<const wasm_##NAME##_t*>(r) : nullptr;                      \
  }

TERN_CAPI_REF_BASE(ref)
TERN_CAPI_REF(trap, is_kind(r, RefKind::Trap))
TERN_CAPI_REF(foreign, is_kind(r, RefKind::Foreign))
TERN_CAPI_REF(module, is_kind(r, RefKind::Module))
TERN_CAPI_REF(instance, is_kind(r, RefKind::Instance))
TERN_CAPI_REF(func, is_kind(r, RefKind::Func))
TERN_CAPI_REF(global, is_kind(r, RefKind::Global))
TERN_CAPI_REF(table, is_kind(r, RefKind::Table))
TERN_CAPI_REF(memory, is_kind(r, RefKind::Memory))
TERN_CAPI_REF(extern, is_extern(r))
#undef TERN_CAPI_REF
#undef TERN_CAPI_REF_BASE

// ---- values ----

void wasm_val_delete(wasm_val_t* v) {
  if (!v || !wasm_valkind_is_ref(v->kind)) return;
  wasm_ref_delete(v->of.ref);
  v->of.ref = nullptr;
}

void wasm_val_copy(wasm_val_t* out, const wasm_val_t* v) {
  if (!out) return;
  if (!v) {
    *out = wasm_val_t{};
    return;
  }
  *out = *v;
  if (wasm_valkind_is_ref(v->kind)) out->of.ref = wasm_ref_copy(v->of.ref);
}

// ---- frames ----

void wasm_frame_delete(wasm_frame_t* f) { delete f; }

wasm_frame_t* wasm_frame_copy(const wasm_frame_t* f) {
  if (!f) return nullptr;
  auto* c = new wasm_frame_t();
  c->info = f->info;
  c->instance = f->instance ? wasm_instance_copy(f->instance) : nullptr;
  return c;
}
wasm_instance_t* wasm_frame_instance(const wasm_frame_t* f) { return f ? f->instance : nullptr; }
uint32_t wasm_frame_func_index(const wasm_frame_t* f) { return f ? f->info.func_index : 0; }
size_t wasm_frame_func_offset(const wasm_frame_t*) { return 0; }
size_t wasm_frame_module_offset(const wasm_frame_t* f) { return f ? f->info.module_offset : 0; }
size_t tern_frame_native_offset(const wasm_frame_t* f) { return f ? f->info.native_offset : 0; }

// ---- traps ----

wasm_trap_t* wasm_trap_new(wasm_store_t*, const wasm_message_t* message) {
  std::string text;
  if (message && message->data) text.assign(message->data, message->size);
  while (!text.empty() && text.back() == '\0') text.pop_back();
  return tern::capi::make_trap(std::move(text));
}

void wasm_trap_message(const wasm_trap_t* t, wasm_message_t* out) {
  if (!out) return;
  if (!t) {
    wasm_byte_vec_new_empty(out);
    return;
  }
  const std::string& m = t->shared->message;
  wasm_byte_vec_new(out, m.size() + 1, m.c_str());  // with its NUL, as the standard says
}

namespace {
wasm_frame_t* make_frame(const tern::capi::FrameInfo& info) {
  auto* f = new wasm_frame_t();
  f->info = info;
  if (info.instance) {
    f->instance = tern::capi::wrap_instance(info.store, info.instance);
  }
  return f;
}
}  // namespace

wasm_frame_t* wasm_trap_origin(const wasm_trap_t* t) {
  if (!t || t->shared->frames.empty()) return nullptr;
  return make_frame(t->shared->frames.front());
}

void wasm_trap_trace(const wasm_trap_t* t, wasm_frame_vec_t* out) {
  if (!out) return;
  size_t n = t ? t->shared->frames.size() : 0;
  wasm_frame_vec_new_uninitialized(out, n);
  for (size_t i = 0; i < out->size; ++i) out->data[i] = make_frame(t->shared->frames[i]);
}

bool tern_trap_exit_status(const wasm_trap_t* t, int* status) {
  if (!t || !t->shared->exit_status) return false;
  if (status) *status = *t->shared->exit_status;
  return true;
}

// ---- foreign ----

wasm_foreign_t* wasm_foreign_new(wasm_store_t*) { return new wasm_foreign_t(); }

// ---- externs ----

wasm_externkind_t wasm_extern_kind(const wasm_extern_t* e) { return e ? e->kind : wasm_externkind_t{WASM_EXTERN_FUNC}; }
wasm_externtype_t* wasm_extern_type(const wasm_extern_t* e) { return e ? e->type() : nullptr; }

#define TERN_CAPI_EXTERN_VIEWS(NAME, KIND)                                                  \
  wasm_extern_t* wasm_##NAME##_as_extern(wasm_##NAME##_t* x) { return x; }                  \
  const wasm_extern_t* wasm_##NAME##_as_extern_const(const wasm_##NAME##_t* x) { return x; } \
  wasm_##NAME##_t* wasm_extern_as_##NAME(wasm_extern_t* e) {                                \
    return e && e->kind == KIND ? static_cast<wasm_##NAME##_t*>(e) : nullptr;               \
  }                                                                                         \
  const wasm_##NAME##_t* wasm_extern_as_##NAME##_const(const wasm_extern_t* e) {            \
    return e && e->kind == KIND ? static_cast<const wasm_##NAME##_t*>(e) : nullptr;         \
  }
TERN_CAPI_EXTERN_VIEWS(func, WASM_EXTERN_FUNC)
TERN_CAPI_EXTERN_VIEWS(global, WASM_EXTERN_GLOBAL)
TERN_CAPI_EXTERN_VIEWS(table, WASM_EXTERN_TABLE)
TERN_CAPI_EXTERN_VIEWS(memory, WASM_EXTERN_MEMORY)
#undef TERN_CAPI_EXTERN_VIEWS

}  // extern "C"
