// wasm.h vectors: new_empty, new_uninitialized, new, copy and delete for every element type.
// An owned vector owns its elements: copy copies each element, delete deletes each one.
// Storage comes from calloc, so an uninitialized vector of handles holds NULLs, which delete
// skips.
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "host/capi/capi.h"

namespace {

template <class Vec>
void vec_alloc(Vec* out, size_t n) {
  using Elem = std::remove_pointer_t<decltype(out->data)>;
  out->size = 0;
  out->data = nullptr;
  if (n == 0) return;
  out->data = static_cast<Elem*>(std::calloc(n, sizeof(Elem)));
  if (out->data) out->size = n;
  else tern::capi::set_last_error("out of memory for a vector of " + std::to_string(n) + " elements");
}

wasm_byte_t copy_elem(wasm_byte_t b) { return b; }
void delete_elem(wasm_byte_t) {}

wasm_val_t copy_elem(const wasm_val_t& v) {
  wasm_val_t out;
  wasm_val_copy(&out, &v);
  return out;
}
void delete_elem(wasm_val_t& v) { wasm_val_delete(&v); }

#define TERN_CAPI_HANDLE_ELEM(NAME)                                                         \
  wasm_##NAME##_t* copy_elem(const wasm_##NAME##_t* x) { return x ? wasm_##NAME##_copy(x) : nullptr; } \
  void delete_elem(wasm_##NAME##_t* x) {                                                    \
    if (x) wasm_##NAME##_delete(x);                                                         \
  }
TERN_CAPI_HANDLE_ELEM(valtype)
TERN_CAPI_HANDLE_ELEM(functype)
TERN_CAPI_HANDLE_ELEM(globaltype)
TERN_CAPI_HANDLE_ELEM(tabletype)
TERN_CAPI_HANDLE_ELEM(memorytype)
TERN_CAPI_HANDLE_ELEM(externtype)
TERN_CAPI_HANDLE_ELEM(importtype)
TERN_CAPI_HANDLE_ELEM(exporttype)
TERN_CAPI_HANDLE_ELEM(frame)
TERN_CAPI_HANDLE_ELEM(extern)
#undef TERN_CAPI_HANDLE_ELEM

}  // namespace

#define TERN_CAPI_VECTOR(NAME, ELEM)                                                               \
  extern "C" void wasm_##NAME##_vec_new_empty(wasm_##NAME##_vec_t* out) {                          \
    if (!out) return;                                                                              \
    out->size = 0;                                                                                 \
    out->data = nullptr;                                                                           \
  }                                                                                                \
  extern "C" void wasm_##NAME##_vec_new_uninitialized(wasm_##NAME##_vec_t* out, size_t size) {    \
    if (out) vec_alloc(out, size);                                                                 \
  }                                                                                                \
  extern "C" void wasm_##NAME##_vec_new(wasm_##NAME##_vec_t* out, size_t size, ELEM const data[]) { \
    if (!out) return;                                                                              \
    vec_alloc(out, size);                                                                          \
    if (out->size && data) std::memcpy(static_cast<void*>(out->data), data, size * sizeof(ELEM));  \
  }                                                                                                \
  extern "C" void wasm_##NAME##_vec_copy(wasm_##NAME##_vec_t* out, const wasm_##NAME##_vec_t* src) { \
    if (!out) return;                                                                              \
    vec_alloc(out, src ? src->size : 0);                                                           \
    for (size_t i = 0; i < out->size; ++i) out->data[i] = copy_elem(src->data[i]);                 \
  }                                                                                                \
  extern "C" void wasm_##NAME##_vec_delete(wasm_##NAME##_vec_t* v) {                               \
    if (!v) return;                                                                                \
    for (size_t i = 0; i < v->size && v->data; ++i) delete_elem(v->data[i]);                       \
    std::free(v->data);                                                                            \
    v->size = 0;                                                                                   \
    v->data = nullptr;                                                                             \
  }

TERN_CAPI_VECTOR(byte, wasm_byte_t)
TERN_CAPI_VECTOR(val, wasm_val_t)
TERN_CAPI_VECTOR(valtype, wasm_valtype_t*)
TERN_CAPI_VECTOR(functype, wasm_functype_t*)
TERN_CAPI_VECTOR(globaltype, wasm_globaltype_t*)
TERN_CAPI_VECTOR(tabletype, wasm_tabletype_t*)
TERN_CAPI_VECTOR(memorytype, wasm_memorytype_t*)
TERN_CAPI_VECTOR(externtype, wasm_externtype_t*)
TERN_CAPI_VECTOR(importtype, wasm_importtype_t*)
TERN_CAPI_VECTOR(exporttype, wasm_exporttype_t*)
TERN_CAPI_VECTOR(frame, wasm_frame_t*)
TERN_CAPI_VECTOR(extern, wasm_extern_t*)
