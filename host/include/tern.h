/* tern's additions to the standard C API (wasm.h): what the standard lacks.
 *
 * - errors: the last error message of this thread (for calls that return NULL or false);
 * - WASI preview1: a configuration (args, env, preopened directories, stdio) and a context
 *   that provides a module's `wasi_snapshot_preview1` imports;
 * - instance limits (maximum memory pages) and interrupts/deadlines for running code;
 * - guest memory helpers: allocate in the guest with its own allocator and turn guest offsets
 *   into host pointers (and back) only when the whole range lies inside memory 0.
 *
 * Everything here follows wasm.h's ownership conventions; NULL handles are refused with an
 * error, never dereferenced.
 */
#ifndef TERN_H
#define TERN_H

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define own

/* ---- errors -------------------------------------------------------------------------- */

/* The message of the last failed call on this thread ("" if none): why a wasm_* or tern_*
 * function returned NULL/false or ignored its arguments. Valid until the next failing call. */
WASM_API_EXTERN const char* tern_last_error(void);

/* ---- values -------------------------------------------------------------------------- */

/* The kind tern gives v128 in types read from modules (the standard has none). v128 values
 * cannot pass through wasm_func_call or host functions. */
#define TERN_V128 ((wasm_valkind_t)4)

/* ---- traps --------------------------------------------------------------------------- */

/* True if the trap is a WASI proc_exit rather than a fault; then *status is the exit status. */
WASM_API_EXTERN bool tern_trap_exit_status(const wasm_trap_t*, int* status);
/* The machine-code offset of the frame's pc from its function's entry (0 if unknown). */
WASM_API_EXTERN size_t tern_frame_native_offset(const wasm_frame_t*);

/* ---- WASI ---------------------------------------------------------------------------- */

typedef struct tern_wasi_config_t tern_wasi_config_t;

/* A configuration without args, env or preopens; stdin reads /dev/null and stdout/stderr
 * write to /dev/null until tern_wasi_config_inherit_stdio or _set_stdio is called. */
WASM_API_EXTERN own tern_wasi_config_t* tern_wasi_config_new(void);
WASM_API_EXTERN void tern_wasi_config_delete(own tern_wasi_config_t*);
/* argv, argv[0] included. */
WASM_API_EXTERN void tern_wasi_config_set_args(tern_wasi_config_t*, int argc, const char* const argv[]);
/* Adds one environment variable. */
WASM_API_EXTERN void tern_wasi_config_add_env(tern_wasi_config_t*, const char* name, const char* value);
/* The guest sees the host directory `host_path` as `guest_path`; it cannot leave it. The
 * directory is opened by tern_wasi_new, which fails if it cannot. */
WASM_API_EXTERN void tern_wasi_config_preopen_dir(tern_wasi_config_t*, const char* host_path, const char* guest_path);
/* The guest's descriptors 0-2 are duplicates of the host process's 0-2. */
WASM_API_EXTERN void tern_wasi_config_inherit_stdio(tern_wasi_config_t*);
/* The guest's descriptors 0-2 are duplicates of these host descriptors (-1: /dev/null). */
WASM_API_EXTERN void tern_wasi_config_set_stdio(tern_wasi_config_t*, int stdin_fd, int stdout_fd, int stderr_fd);

/* A WASI context: descriptor table, args, env, exit status. */
typedef struct tern_wasi_t tern_wasi_t;

/* NULL (and tern_last_error) if a preopened directory cannot be opened. */
WASM_API_EXTERN own tern_wasi_t* tern_wasi_new(wasm_store_t*, const tern_wasi_config_t*);
WASM_API_EXTERN void tern_wasi_delete(own tern_wasi_t*);
/* Fills `out` with one entry per import of `module`, in import order: the WASI function for
 * each `wasi_snapshot_preview1` import, NULL for every other import (for the caller to fill
 * before wasm_instance_new). False (and tern_last_error) if a WASI import is unknown to tern
 * or has the wrong type; `out` is then empty. */
WASM_API_EXTERN bool tern_wasi_link(tern_wasi_t*, const wasm_module_t*, own wasm_extern_vec_t* out);
/* True once the guest called proc_exit; *status is its status. */
WASM_API_EXTERN bool tern_wasi_exit_code(const tern_wasi_t*, uint32_t* status);

/* ---- instance limits, interrupts ----------------------------------------------------- */

typedef struct tern_instance_limits_t {
  uint32_t max_memory_pages; /* memories the instance defines never grow past this (0: 65536) */
} tern_instance_limits_t;

/* wasm_instance_new with limits. */
WASM_API_EXTERN own wasm_instance_t* tern_instance_new_with_limits(wasm_store_t*, const wasm_module_t*,
                                                                  const wasm_extern_vec_t* imports,
                                                                  const tern_instance_limits_t*,
                                                                  own wasm_trap_t** trap);
/* Asks code running in the instance to stop at its next loop header or call (trap
 * "interrupted"). Safe from any thread. The request stays until cleared. */
WASM_API_EXTERN void tern_instance_interrupt(wasm_instance_t*);
WASM_API_EXTERN void tern_instance_clear_interrupt(wasm_instance_t*);
/* wasm_func_call that interrupts the function's instance when `timeout_ms` pass (the call
 * then returns the trap "interrupted"); the request is cleared when the call returns. For a
 * host function the deadline has no effect. */
WASM_API_EXTERN own wasm_trap_t* tern_func_call_with_deadline(const wasm_func_t*, const wasm_val_vec_t* args,
                                                              wasm_val_vec_t* results, uint64_t timeout_ms);

/* ---- guest memory helpers (memory 0 of the instance) --------------------------------- */

/* Allocates `size` bytes with the guest's exported allocator ("malloc", else "cabi_realloc").
 * Returns the guest offset and stores the host address in *native (if not NULL); returns 0
 * (and tern_last_error) when the guest has no allocator or it fails. Calls into one
 * instance's allocator are serialized, so host threads may call this concurrently. */
WASM_API_EXTERN uint32_t tern_module_malloc(wasm_instance_t*, uint32_t size, void** native);
/* Frees a block from tern_module_malloc with the guest's exported "free". */
WASM_API_EXTERN bool tern_module_free(wasm_instance_t*, uint32_t offset);
/* The host address of [offset, offset + size), or NULL unless the whole range is inside. */
WASM_API_EXTERN void* tern_app_to_native(wasm_instance_t*, uint64_t offset, uint64_t size);
/* The guest offset of a host address inside memory 0; false if it is not inside. */
WASM_API_EXTERN bool tern_native_to_app(wasm_instance_t*, const void* native, uint64_t* offset);
/* The NUL-terminated guest string at `offset`, or NULL unless it and its NUL are inside. */
WASM_API_EXTERN const char* tern_validate_app_str(wasm_instance_t*, uint64_t offset);

#undef own

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TERN_H */
