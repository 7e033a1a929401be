/* The standard WebAssembly C API (the wasm-c-api project's `wasm.h`), as tern implements it.
 *
 * Source-compatible with the standard header: the same type names, function names and
 * signatures, so a program written against another engine's `wasm.h` builds against tern.
 * tern's own additions (WASI, limits, interrupts, guest memory helpers) are in `tern.h`.
 *
 * Ownership, as in the standard:
 * - `own T*` owns the object: release it with the matching `wasm_T_delete`.
 * - an `own` parameter passes ownership to the callee; an `own` result passes it back.
 * - `own wasm_T_vec_t* out` parameters are filled by the callee and owned by the caller.
 * - an owned vector owns its elements; `wasm_T_vec_delete` deletes them too.
 * - deleting a reference (func, memory, instance, ...) drops that handle only; the object
 *   lives on while other handles, instances or tables still use it.
 *
 * tern specifics:
 * - Wrong use (a NULL handle, wrong arity, a value of the wrong kind) never crashes: functions
 *   that can report it return NULL, false or a trap, and `tern_last_error()` (tern.h) says why.
 * - `wasm_module_serialize` yields an empty vector and `wasm_module_deserialize` NULL.
 * - A frame's `func_offset` is 0 and its `module_offset` the function body's offset in the
 *   module: tern keeps no map from machine code back to single instructions.
 */
#ifndef TERN_WASM_H
#define TERN_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef WASM_API_EXTERN
#define WASM_API_EXTERN __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

#define own

/* ---- declaration helpers ------------------------------------------------------------- */

/* An object released by wasm_NAME_delete. */
#define TERN_WASM_OWNED(NAME)                     \
  typedef struct wasm_##NAME##_t wasm_##NAME##_t; \
  WASM_API_EXTERN void wasm_##NAME##_delete(own wasm_##NAME##_t*);

/* A vector of ELEM (`wasm_NAME_t` or `wasm_NAME_t*`). */
#define TERN_WASM_VECTOR(NAME, ELEM)                                                          \
  typedef struct wasm_##NAME##_vec_t {                                                        \
    size_t size;                                                                              \
    ELEM* data;                                                                               \
  } wasm_##NAME##_vec_t;                                                                      \
  WASM_API_EXTERN void wasm_##NAME##_vec_new_empty(own wasm_##NAME##_vec_t* out);             \
  WASM_API_EXTERN void wasm_##NAME##_vec_new_uninitialized(own wasm_##NAME##_vec_t* out,      \
                                                           size_t size);                      \
  WASM_API_EXTERN void wasm_##NAME##_vec_new(own wasm_##NAME##_vec_t* out, size_t size,       \
                                             own ELEM const data[]);                          \
  WASM_API_EXTERN void wasm_##NAME##_vec_copy(own wasm_##NAME##_vec_t* out,                   \
                                              const wasm_##NAME##_vec_t* src);                \
  WASM_API_EXTERN void wasm_##NAME##_vec_delete(own wasm_##NAME##_vec_t*);

/* A type description: owned, copyable, with a vector of pointers. */
#define TERN_WASM_TYPE(NAME)                            \
  TERN_WASM_OWNED(NAME)                                 \
  TERN_WASM_VECTOR(NAME, wasm_##NAME##_t*)              \
  WASM_API_EXTERN own wasm_##NAME##_t* wasm_##NAME##_copy(const wasm_##NAME##_t*);

/* A reference to a runtime object: copies share the object; host info is attached to it. */
#define TERN_WASM_REF_BASE(NAME)                                                                \
  TERN_WASM_OWNED(NAME)                                                                         \
  WASM_API_EXTERN own wasm_##NAME##_t* wasm_##NAME##_copy(const wasm_##NAME##_t*);              \
  WASM_API_EXTERN bool wasm_##NAME##_same(const wasm_##NAME##_t*, const wasm_##NAME##_t*);      \
  WASM_API_EXTERN void* wasm_##NAME##_get_host_info(const wasm_##NAME##_t*);                    \
  WASM_API_EXTERN void wasm_##NAME##_set_host_info(wasm_##NAME##_t*, void*);                    \
  WASM_API_EXTERN void wasm_##NAME##_set_host_info_with_finalizer(wasm_##NAME##_t*, void*,      \
                                                                  void (*)(void*));

#define TERN_WASM_REF(NAME)                                                                  \
  TERN_WASM_REF_BASE(NAME)                                                                   \
  WASM_API_EXTERN wasm_ref_t* wasm_##NAME##_as_ref(wasm_##NAME##_t*);                        \
  WASM_API_EXTERN wasm_##NAME##_t* wasm_ref_as_##NAME(wasm_ref_t*);                          \
  WASM_API_EXTERN const wasm_ref_t* wasm_##NAME##_as_ref_const(const wasm_##NAME##_t*);      \
  WASM_API_EXTERN const wasm_##NAME##_t* wasm_ref_as_##NAME##_const(const wasm_ref_t*);

#define TERN_WASM_SHARABLE_REF(NAME)                                                           \
  TERN_WASM_REF(NAME)                                                                          \
  TERN_WASM_OWNED(shared_##NAME)                                                               \
  WASM_API_EXTERN own wasm_shared_##NAME##_t* wasm_##NAME##_share(const wasm_##NAME##_t*);     \
  WASM_API_EXTERN own wasm_##NAME##_t* wasm_##NAME##_obtain(wasm_store_t*,                     \
                                                            const wasm_shared_##NAME##_t*);

/* ---- bytes and names ----------------------------------------------------------------- */

typedef byte_t wasm_byte_t;
TERN_WASM_VECTOR(byte, wasm_byte_t)

typedef wasm_byte_vec_t wasm_name_t;
#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

static inline void wasm_name_new_from_string(own wasm_name_t* out, const char* s) {
  wasm_byte_vec_new(out, strlen(s), s);
}
/* The same with the terminating NUL included (messages are NUL-terminated). */
static inline void wasm_name_new_from_string_nt(own wasm_name_t* out, const char* s) {
  wasm_byte_vec_new(out, strlen(s) + 1, s);
}

/* ---- runtime environment ------------------------------------------------------------- */

TERN_WASM_OWNED(config)
WASM_API_EXTERN own wasm_config_t* wasm_config_new(void);

TERN_WASM_OWNED(engine)
WASM_API_EXTERN own wasm_engine_t* wasm_engine_new(void);
WASM_API_EXTERN own wasm_engine_t* wasm_engine_new_with_config(own wasm_config_t*);

TERN_WASM_OWNED(store)
WASM_API_EXTERN own wasm_store_t* wasm_store_new(wasm_engine_t*);

/* ---- types --------------------------------------------------------------------------- */

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum { WASM_CONST, WASM_VAR };

typedef struct wasm_limits_t {
  uint32_t min;
  uint32_t max;
} wasm_limits_t;

/* `max` of a limit without maximum. */
static const uint32_t wasm_limits_max_default = 0xffffffff;

TERN_WASM_TYPE(valtype)

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32,
  WASM_I64,
  WASM_F32,
  WASM_F64,
  WASM_ANYREF = 128,
  WASM_FUNCREF,
};

WASM_API_EXTERN own wasm_valtype_t* wasm_valtype_new(wasm_valkind_t);
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t*);

static inline bool wasm_valkind_is_num(wasm_valkind_t k) { return k < WASM_ANYREF; }
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) { return k >= WASM_ANYREF; }
static inline bool wasm_valtype_is_num(const wasm_valtype_t* t) { return wasm_valkind_is_num(wasm_valtype_kind(t)); }
static inline bool wasm_valtype_is_ref(const wasm_valtype_t* t) { return wasm_valkind_is_ref(wasm_valtype_kind(t)); }

TERN_WASM_TYPE(functype)
WASM_API_EXTERN own wasm_functype_t* wasm_functype_new(own wasm_valtype_vec_t* params,
                                                       own wasm_valtype_vec_t* results);
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t*);
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t*);

TERN_WASM_TYPE(globaltype)
WASM_API_EXTERN own wasm_globaltype_t* wasm_globaltype_new(own wasm_valtype_t*, wasm_mutability_t);
WASM_API_EXTERN const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t*);
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t*);

TERN_WASM_TYPE(tabletype)
WASM_API_EXTERN own wasm_tabletype_t* wasm_tabletype_new(own wasm_valtype_t*, const wasm_limits_t*);
WASM_API_EXTERN const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t*);
WASM_API_EXTERN const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t*);

TERN_WASM_TYPE(memorytype)
WASM_API_EXTERN own wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t*);
WASM_API_EXTERN const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t*);

TERN_WASM_TYPE(externtype)

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC,
  WASM_EXTERN_GLOBAL,
  WASM_EXTERN_TABLE,
  WASM_EXTERN_MEMORY,
};

WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t*);

/* Views of one type object: no allocation; an `as` of the wrong kind returns NULL. */
WASM_API_EXTERN wasm_externtype_t* wasm_functype_as_externtype(wasm_functype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_globaltype_as_externtype(wasm_globaltype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_tabletype_as_externtype(wasm_tabletype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_memorytype_as_externtype(wasm_memorytype_t*);
WASM_API_EXTERN wasm_functype_t* wasm_externtype_as_functype(wasm_externtype_t*);
WASM_API_EXTERN wasm_globaltype_t* wasm_externtype_as_globaltype(wasm_externtype_t*);
WASM_API_EXTERN wasm_tabletype_t* wasm_externtype_as_tabletype(wasm_externtype_t*);
WASM_API_EXTERN wasm_memorytype_t* wasm_externtype_as_memorytype(wasm_externtype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_functype_as_externtype_const(const wasm_functype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_globaltype_as_externtype_const(const wasm_globaltype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_tabletype_as_externtype_const(const wasm_tabletype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_memorytype_as_externtype_const(const wasm_memorytype_t*);
WASM_API_EXTERN const wasm_functype_t* wasm_externtype_as_functype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_globaltype_t* wasm_externtype_as_globaltype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_tabletype_t* wasm_externtype_as_tabletype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_memorytype_t* wasm_externtype_as_memorytype_const(const wasm_externtype_t*);

TERN_WASM_TYPE(importtype)
WASM_API_EXTERN own wasm_importtype_t* wasm_importtype_new(own wasm_name_t* module, own wasm_name_t* name,
                                                           own wasm_externtype_t*);
WASM_API_EXTERN const wasm_name_t* wasm_importtype_module(const wasm_importtype_t*);
WASM_API_EXTERN const wasm_name_t* wasm_importtype_name(const wasm_importtype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t*);

TERN_WASM_TYPE(exporttype)
WASM_API_EXTERN own wasm_exporttype_t* wasm_exporttype_new(own wasm_name_t*, own wasm_externtype_t*);
WASM_API_EXTERN const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t*);

/* ---- values -------------------------------------------------------------------------- */

struct wasm_ref_t;

typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    struct wasm_ref_t* ref; /* NULL is the null reference */
  } of;
} wasm_val_t;

WASM_API_EXTERN void wasm_val_delete(own wasm_val_t* v);
WASM_API_EXTERN void wasm_val_copy(own wasm_val_t* out, const wasm_val_t*);

TERN_WASM_VECTOR(val, wasm_val_t)

/* ---- references ---------------------------------------------------------------------- */

TERN_WASM_REF_BASE(ref)

/* ---- frames and traps ---------------------------------------------------------------- */

TERN_WASM_OWNED(frame)
TERN_WASM_VECTOR(frame, wasm_frame_t*)
WASM_API_EXTERN own wasm_frame_t* wasm_frame_copy(const wasm_frame_t*);
/* The frame's instance when tern knows it (the instance of the called function), else NULL;
 * valid while the frame lives. */
WASM_API_EXTERN struct wasm_instance_t* wasm_frame_instance(const wasm_frame_t*);
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t*);
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t*);
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t*);

typedef wasm_name_t wasm_message_t; /* NUL-terminated */

TERN_WASM_REF(trap)
WASM_API_EXTERN own wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t*);
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t*, own wasm_message_t* out);
/* The innermost wasm frame, or NULL when the trap has none (e.g. made by wasm_trap_new). */
WASM_API_EXTERN own wasm_frame_t* wasm_trap_origin(const wasm_trap_t*);
/* Every frame, innermost first. */
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t*, own wasm_frame_vec_t* out);

/* ---- foreign objects ----------------------------------------------------------------- */

TERN_WASM_REF(foreign)
WASM_API_EXTERN own wasm_foreign_t* wasm_foreign_new(wasm_store_t*);

/* ---- modules ------------------------------------------------------------------------- */

TERN_WASM_SHARABLE_REF(module)
WASM_API_EXTERN own wasm_module_t* wasm_module_new(wasm_store_t*, const wasm_byte_vec_t* binary);
WASM_API_EXTERN bool wasm_module_validate(wasm_store_t*, const wasm_byte_vec_t* binary);
WASM_API_EXTERN void wasm_module_imports(const wasm_module_t*, own wasm_importtype_vec_t* out);
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t*, own wasm_exporttype_vec_t* out);
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t*, own wasm_byte_vec_t* out);
WASM_API_EXTERN own wasm_module_t* wasm_module_deserialize(wasm_store_t*, const wasm_byte_vec_t*);

/* ---- functions ----------------------------------------------------------------------- */

TERN_WASM_REF(func)

/* A host function fills `results` (already sized to the result arity) and returns NULL, or
 * returns a trap, which the calling wasm code raises (ownership passes to tern). */
typedef own wasm_trap_t* (*wasm_func_callback_t)(const wasm_val_vec_t* args, own wasm_val_vec_t* results);
typedef own wasm_trap_t* (*wasm_func_callback_with_env_t)(void* env, const wasm_val_vec_t* args,
                                                          wasm_val_vec_t* results);

WASM_API_EXTERN own wasm_func_t* wasm_func_new(wasm_store_t*, const wasm_functype_t*, wasm_func_callback_t);
/* `finalizer(env)` runs once, when the function is gone: its store is deleted and no handle,
 * instance or table uses it any more (the store keeps every host function it made alive). */
WASM_API_EXTERN own wasm_func_t* wasm_func_new_with_env(wasm_store_t*, const wasm_functype_t* type,
                                                        wasm_func_callback_with_env_t, void* env,
                                                        void (*finalizer)(void*));
WASM_API_EXTERN own wasm_functype_t* wasm_func_type(const wasm_func_t*);
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t*);
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t*);
/* `results` must be sized to the result arity; returns NULL or the trap. */
WASM_API_EXTERN own wasm_trap_t* wasm_func_call(const wasm_func_t*, const wasm_val_vec_t* args,
                                                wasm_val_vec_t* results);

/* ---- globals ------------------------------------------------------------------------- */

TERN_WASM_REF(global)
WASM_API_EXTERN own wasm_global_t* wasm_global_new(wasm_store_t*, const wasm_globaltype_t*, const wasm_val_t*);
WASM_API_EXTERN own wasm_globaltype_t* wasm_global_type(const wasm_global_t*);
WASM_API_EXTERN void wasm_global_get(const wasm_global_t*, own wasm_val_t* out);
/* Ignored (with tern_last_error set) for a constant global or a value of another kind. */
WASM_API_EXTERN void wasm_global_set(wasm_global_t*, const wasm_val_t*);

/* ---- tables -------------------------------------------------------------------------- */

TERN_WASM_REF(table)
typedef uint32_t wasm_table_size_t;
WASM_API_EXTERN own wasm_table_t* wasm_table_new(wasm_store_t*, const wasm_tabletype_t*, wasm_ref_t* init);
WASM_API_EXTERN own wasm_tabletype_t* wasm_table_type(const wasm_table_t*);
/* NULL for a null element or an index out of bounds. */
WASM_API_EXTERN own wasm_ref_t* wasm_table_get(const wasm_table_t*, wasm_table_size_t index);
WASM_API_EXTERN bool wasm_table_set(wasm_table_t*, wasm_table_size_t index, wasm_ref_t*);
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t*);
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t*, wasm_table_size_t delta, wasm_ref_t* init);

/* ---- memories ------------------------------------------------------------------------ */

TERN_WASM_REF(memory)
typedef uint32_t wasm_memory_pages_t;
static const size_t MEMORY_PAGE_SIZE = 0x10000;
WASM_API_EXTERN own wasm_memory_t* wasm_memory_new(wasm_store_t*, const wasm_memorytype_t*);
WASM_API_EXTERN own wasm_memorytype_t* wasm_memory_type(const wasm_memory_t*);
WASM_API_EXTERN byte_t* wasm_memory_data(wasm_memory_t*);
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t*);
WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t*);
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t*, wasm_memory_pages_t delta);

/* ---- externals ----------------------------------------------------------------------- */

TERN_WASM_REF(extern)
TERN_WASM_VECTOR(extern, wasm_extern_t*)

WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t*);
WASM_API_EXTERN own wasm_externtype_t* wasm_extern_type(const wasm_extern_t*);

/* Views of one object: no allocation; an `as` of the wrong kind returns NULL. */
WASM_API_EXTERN wasm_extern_t* wasm_func_as_extern(wasm_func_t*);
WASM_API_EXTERN wasm_extern_t* wasm_global_as_extern(wasm_global_t*);
WASM_API_EXTERN wasm_extern_t* wasm_table_as_extern(wasm_table_t*);
WASM_API_EXTERN wasm_extern_t* wasm_memory_as_extern(wasm_memory_t*);
WASM_API_EXTERN wasm_func_t* wasm_extern_as_func(wasm_extern_t*);
WASM_API_EXTERN wasm_global_t* wasm_extern_as_global(wasm_extern_t*);
WASM_API_EXTERN wasm_table_t* wasm_extern_as_table(wasm_extern_t*);
WASM_API_EXTERN wasm_memory_t* wasm_extern_as_memory(wasm_extern_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_func_as_extern_const(const wasm_func_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_global_as_extern_const(const wasm_global_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_table_as_extern_const(const wasm_table_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_memory_as_extern_const(const wasm_memory_t*);
WASM_API_EXTERN const wasm_func_t* wasm_extern_as_func_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_global_t* wasm_extern_as_global_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_table_t* wasm_extern_as_table_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_memory_t* wasm_extern_as_memory_const(const wasm_extern_t*);

/* ---- instances ----------------------------------------------------------------------- */

TERN_WASM_REF(instance)
/* `imports` in the module's import order. On failure returns NULL and, if `trap` is not NULL,
 * stores a trap whose message says why (a link error, a start function's trap, ...). */
WASM_API_EXTERN own wasm_instance_t* wasm_instance_new(wasm_store_t*, const wasm_module_t*,
                                                       const wasm_extern_vec_t* imports, own wasm_trap_t** trap);
/* The exports in the module's export order. */
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t*, own wasm_extern_vec_t* out);

/* ---- convenience --------------------------------------------------------------------- */

#define WASM_EMPTY_VEC {0, NULL}
#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}

static inline own wasm_valtype_t* wasm_valtype_new_i32(void) { return wasm_valtype_new(WASM_I32); }
static inline own wasm_valtype_t* wasm_valtype_new_i64(void) { return wasm_valtype_new(WASM_I64); }
static inline own wasm_valtype_t* wasm_valtype_new_f32(void) { return wasm_valtype_new(WASM_F32); }
static inline own wasm_valtype_t* wasm_valtype_new_f64(void) { return wasm_valtype_new(WASM_F64); }
static inline own wasm_valtype_t* wasm_valtype_new_anyref(void) { return wasm_valtype_new(WASM_ANYREF); }
static inline own wasm_valtype_t* wasm_valtype_new_funcref(void) { return wasm_valtype_new(WASM_FUNCREF); }

/* Function types from up to three parameters and two results (NULL-terminated lists). */
static inline own wasm_functype_t* tern_functype_from_lists_(own wasm_valtype_t* const* params, size_t np,
                                                            own wasm_valtype_t* const* results, size_t nr) {
  wasm_valtype_vec_t p, r;
  wasm_valtype_vec_new(&p, np, params);
  wasm_valtype_vec_new(&r, nr, results);
  return wasm_functype_new(&p, &r);
}
static inline own wasm_functype_t* wasm_functype_new_0_0(void) {
  return tern_functype_from_lists_(NULL, 0, NULL, 0);
}
static inline own wasm_functype_t* wasm_functype_new_1_0(own wasm_valtype_t* p) {
  wasm_valtype_t* ps[1] = {p};
  return tern_functype_from_lists_(ps, 1, NULL, 0);
}
static inline own wasm_functype_t* wasm_functype_new_2_0(own wasm_valtype_t* p1, own wasm_valtype_t* p2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  return tern_functype_from_lists_(ps, 2, NULL, 0);
}
static inline own wasm_functype_t* wasm_functype_new_3_0(own wasm_valtype_t* p1, own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  return tern_functype_from_lists_(ps, 3, NULL, 0);
}
static inline own wasm_functype_t* wasm_functype_new_0_1(own wasm_valtype_t* r) {
  wasm_valtype_t* rs[1] = {r};
  return tern_functype_from_lists_(NULL, 0, rs, 1);
}
static inline own wasm_functype_t* wasm_functype_new_1_1(own wasm_valtype_t* p, own wasm_valtype_t* r) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[1] = {r};
  return tern_functype_from_lists_(ps, 1, rs, 1);
}
static inline own wasm_functype_t* wasm_functype_new_2_1(own wasm_valtype_t* p1, own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* r) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[1] = {r};
  return tern_functype_from_lists_(ps, 2, rs, 1);
}
static inline own wasm_functype_t* wasm_functype_new_3_1(own wasm_valtype_t* p1, own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3, own wasm_valtype_t* r) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[1] = {r};
  return tern_functype_from_lists_(ps, 3, rs, 1);
}
static inline own wasm_functype_t* wasm_functype_new_0_2(own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* rs[2] = {r1, r2};
  return tern_functype_from_lists_(NULL, 0, rs, 2);
}
static inline own wasm_functype_t* wasm_functype_new_1_2(own wasm_valtype_t* p, own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[2] = {r1, r2};
  return tern_functype_from_lists_(ps, 1, rs, 2);
}
static inline own wasm_functype_t* wasm_functype_new_2_2(own wasm_valtype_t* p1, own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[2] = {r1, r2};
  return tern_functype_from_lists_(ps, 2, rs, 2);
}
static inline own wasm_functype_t* wasm_functype_new_3_2(own wasm_valtype_t* p1, own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3, own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[2] = {r1, r2};
  return tern_functype_from_lists_(ps, 3, rs, 2);
}

/* A host pointer as an i32 or i64 value, by the host's pointer width. */
static inline void wasm_val_init_ptr(own wasm_val_t* out, void* p) {
  if (sizeof(void*) == 4) {
    out->kind = WASM_I32;
    out->of.i32 = (int32_t)(intptr_t)p;
  } else {
    out->kind = WASM_I64;
    out->of.i64 = (int64_t)(intptr_t)p;
  }
}
static inline void* wasm_val_ptr(const wasm_val_t* val) {
  return sizeof(void*) == 4 ? (void*)(intptr_t)val->of.i32 : (void*)(intptr_t)val->of.i64;
}

#define WASM_I32_VAL(x) {.kind = WASM_I32, .of = {.i32 = (x)}}
#define WASM_I64_VAL(x) {.kind = WASM_I64, .of = {.i64 = (x)}}
#define WASM_F32_VAL(x) {.kind = WASM_F32, .of = {.f32 = (x)}}
#define WASM_F64_VAL(x) {.kind = WASM_F64, .of = {.f64 = (x)}}
#define WASM_REF_VAL(r) {.kind = WASM_ANYREF, .of = {.ref = (r)}}
#define WASM_INIT_VAL {.kind = WASM_ANYREF, .of = {.ref = NULL}}

#undef own

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TERN_WASM_H */
