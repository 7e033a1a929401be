/* embed-c: embedding tern from C through the standard wasm.h API plus tern.h.
 *
 *   embed-c GUEST.wasm
 *
 * Loads the guest (samples/embed-c/guest.c, a WASI reactor), gives it three host functions
 * (one plain, one with an environment, one that answers with a trap), links WASI, calls its
 * exports, passes buffers through the guest's own allocator with tern_module_malloc, and
 * reports traps with their message and frames. Exits 0 when every result is the expected one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"
#include "wasm.h"

static wasm_store_t* store;
static int failures;

static void expect(int ok, const char* what) {
  if (!ok) {
    printf("FAILED: %s\n", what);
    ++failures;
  }
}

/* ---- host functions ---- */

/* env.add: (i32, i32) -> i32, a plain callback. */
static wasm_trap_t* host_add(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

/* env.log: (i32 ptr, i32 len) -> (), with an environment: the guest's memory and a count. */
struct log_env {
  wasm_memory_t* memory; /* set once the instance exists */
  int messages;
};

static wasm_trap_t* host_log(void* env_ptr, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  struct log_env* env = env_ptr;
  uint32_t offset = (uint32_t)args->data[0].of.i32;
  uint32_t len = (uint32_t)args->data[1].of.i32;
  size_t size = env->memory ? wasm_memory_data_size(env->memory) : 0;
  if (len > size || offset > size - len) { /* a guest pointer is checked before use */
    wasm_message_t m;
    wasm_name_new_from_string_nt(&m, "log: text out of bounds");
    wasm_trap_t* trap = wasm_trap_new(store, &m);
    wasm_byte_vec_delete(&m);
    return trap;
  }
  printf("host log: %.*s\n", (int)len, wasm_memory_data(env->memory) + offset);
  env->messages++;
  return NULL;
}

static void log_env_finalize(void* env_ptr) {
  struct log_env* env = env_ptr;
  printf("log environment finalized after %d messages\n", env->messages);
  free(env);
}

/* env.check: (i32) -> i32; a negative value is refused with a trap. */
static wasm_trap_t* host_check(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  if (args->data[0].of.i32 < 0) {
    wasm_message_t m;
    wasm_name_new_from_string_nt(&m, "negative value rejected by the host");
    wasm_trap_t* trap = wasm_trap_new(store, &m);
    wasm_byte_vec_delete(&m);
    return trap;
  }
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 * 10;
  return NULL;
}

/* ---- helpers ---- */

static int read_file(const char* path, wasm_byte_vec_t* out) {
  FILE* f = fopen(path, "rb");
  if (!f) return 0;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  int ok = fread(out->data, 1, (size_t)size, f) == (size_t)size;
  fclose(f);
  return ok;
}

static int name_is(const wasm_name_t* name, const char* s) {
  return name->size == strlen(s) && memcmp(name->data, s, name->size) == 0;
}

static wasm_extern_t* find_export(const wasm_module_t* module, const wasm_extern_vec_t* exports, const char* name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_extern_t* found = NULL;
  for (size_t i = 0; i < types.size && !found; ++i)
    if (name_is(wasm_exporttype_name(types.data[i]), name)) found = exports->data[i];
  wasm_exporttype_vec_delete(&types);
  return found;
}

static void print_trap(const char* what, wasm_trap_t* trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("%s: trap: %s\n", what, message.data); /* the message is NUL-terminated */
  wasm_byte_vec_delete(&message);

  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  printf("%s: %zu wasm frames\n", what, trace.size);
  for (size_t i = 0; i < trace.size; ++i) {
    const wasm_frame_t* f = trace.data[i];
    printf("  #%zu function %" PRIu32 " (body at module offset 0x%zx)%s\n", i, wasm_frame_func_index(f),
           wasm_frame_module_offset(f), wasm_frame_instance(f) ? " in the guest instance" : "");
  }
  wasm_frame_t* origin = wasm_trap_origin(trap);
  if (origin) {
    expect(trace.size > 0 && wasm_frame_func_index(origin) == wasm_frame_func_index(trace.data[0]),
           "the origin is the innermost frame");
    wasm_frame_delete(origin);
  }
  wasm_frame_vec_delete(&trace);
}

/* Calls `func` with i32 arguments; returns the i32 result or prints the trap. */
static int call_i32(const char* what, wasm_func_t* func, int32_t a, int32_t b, size_t nargs, int32_t* result) {
  wasm_val_t argv[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t resv[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {nargs, argv};
  wasm_val_vec_t results = {wasm_func_result_arity(func), resv};
  wasm_trap_t* trap = wasm_func_call(func, &args, &results);
  if (trap) {
    print_trap(what, trap);
    wasm_trap_delete(trap);
    return 0;
  }
  if (result) *result = resv[0].of.i32;
  return 1;
}

static uint32_t fnv1a(const uint8_t* data, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; ++i) h = (h ^ data[i]) * 16777619u;
  return h;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* the guest writes to the same descriptor */
  if (argc != 2) {
    fprintf(stderr, "usage: embed-c GUEST.wasm\n");
    return 2;
  }
  wasm_byte_vec_t binary;
  if (!read_file(argv[1], &binary)) {
    fprintf(stderr, "embed-c: cannot read %s\n", argv[1]);
    return 1;
  }

  wasm_engine_t* engine = wasm_engine_new();
  store = wasm_store_new(engine);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) {
    fprintf(stderr, "embed-c: %s\n", tern_last_error());
    return 1;
  }

  /* Host functions. */
  wasm_functype_t* add_type = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_functype_t* log_type = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_functype_t* check_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  struct log_env* log_env = calloc(1, sizeof *log_env);
  wasm_func_t* add_func = wasm_func_new(store, add_type, host_add);
  wasm_func_t* log_func = wasm_func_new_with_env(store, log_type, host_log, log_env, log_env_finalize);
  wasm_func_t* check_func = wasm_func_new(store, check_type, host_check);
  wasm_functype_delete(add_type);
  wasm_functype_delete(log_type);
  wasm_functype_delete(check_type);

  /* WASI provides the wasi_snapshot_preview1 imports; the NULL slots are ours to fill. */
  tern_wasi_config_t* wasi_config = tern_wasi_config_new();
  const char* guest_argv[] = {"guest"};
  tern_wasi_config_set_args(wasi_config, 1, guest_argv);
  tern_wasi_config_inherit_stdio(wasi_config);
  tern_wasi_t* wasi = tern_wasi_new(store, wasi_config);
  tern_wasi_config_delete(wasi_config);
  wasm_extern_vec_t imports;
  if (!wasi || !tern_wasi_link(wasi, module, &imports)) {
    fprintf(stderr, "embed-c: %s\n", tern_last_error());
    return 1;
  }
  wasm_importtype_vec_t import_types;
  wasm_module_imports(module, &import_types);
  for (size_t i = 0; i < import_types.size; ++i) {
    if (imports.data[i]) continue;
    const wasm_name_t* name = wasm_importtype_name(import_types.data[i]);
    wasm_func_t* f = name_is(name, "add") ? add_func : name_is(name, "log") ? log_func
                   : name_is(name, "check") ? check_func : NULL;
    if (!f) {
      fprintf(stderr, "embed-c: unexpected import %.*s\n", (int)name->size, name->data);
      return 1;
    }
    imports.data[i] = wasm_extern_copy(wasm_func_as_extern(f)); /* the vector owns its entries */
    printf("import env.%.*s: host function\n", (int)name->size, name->data);
  }
  wasm_importtype_vec_delete(&import_types);

  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  wasm_extern_vec_delete(&imports);
  if (!instance) {
    print_trap("instantiate", trap);
    return 1;
  }
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  log_env->memory = wasm_extern_as_memory(find_export(module, &exports, "memory"));
  printf("memory: %" PRIu32 " pages\n", log_env->memory ? wasm_memory_size(log_env->memory) : 0);

  wasm_func_t* initialize = wasm_extern_as_func(find_export(module, &exports, "_initialize"));
  if (initialize) call_i32("_initialize", initialize, 0, 0, 0, NULL);

  /* A call that goes through a host function. */
  int32_t r = 0;
  wasm_func_t* mul_add = wasm_extern_as_func(find_export(module, &exports, "mul_add"));
  if (call_i32("mul_add", mul_add, 6, 7, 2, &r)) printf("mul_add(6, 7) = %" PRId32 "\n", r);
  expect(r == 6 * 7 + 13, "mul_add(6, 7) == 55");

  /* A buffer in guest memory, allocated by the guest's malloc. */
  void* native = NULL;
  uint32_t buffer = tern_module_malloc(instance, 1000, &native);
  expect(buffer != 0 && native != NULL, tern_last_error());
  if (buffer) {
    uint8_t* bytes = native;
    for (int i = 0; i < 1000; ++i) bytes[i] = (uint8_t)(i * 7 + 3);
    expect(tern_app_to_native(instance, buffer, 1000) == native, "tern_app_to_native(buffer) == native");
    uint64_t back = 0;
    expect(tern_native_to_app(instance, bytes + 10, &back) && back == buffer + 10u, "tern_native_to_app");
    int32_t sum = 0;
    if (call_i32("checksum", wasm_extern_as_func(find_export(module, &exports, "checksum")), (int32_t)buffer, 1000, 2, &sum))
      printf("checksum: guest 0x%08" PRIx32 ", host 0x%08" PRIx32 "\n", (uint32_t)sum, fnv1a(native, 1000));
    expect((uint32_t)sum == fnv1a(native, 1000), "guest and host checksums agree");
    expect(tern_module_free(instance, buffer), "tern_module_free");
  }

  /* A string the guest changes in place, read back with tern_validate_app_str. */
  const char* text = "hello from the host";
  uint32_t str = tern_module_malloc(instance, (uint32_t)strlen(text) + 1, &native);
  if (str) {
    memcpy(native, text, strlen(text) + 1);
    int32_t len = 0;
    call_i32("shout", wasm_extern_as_func(find_export(module, &exports, "shout")), (int32_t)str, 0, 1, &len);
    const char* shouted = tern_validate_app_str(instance, str);
    printf("shout: %" PRId32 " characters: %s\n", len, shouted ? shouted : "(invalid)");
    expect(shouted && strcmp(shouted, "HELLO FROM THE HOST") == 0, "shout upper-cased the string");
    tern_module_free(instance, str);
  }
  expect(tern_app_to_native(instance, 0xfffffff0u, 32) == NULL, "a range past the end is refused");

  /* WASI output from the guest. */
  call_i32("greet", wasm_extern_as_func(find_export(module, &exports, "greet")), 2, 0, 1, NULL);

  /* Traps: one in wasm code, one raised by a host function. */
  expect(!call_i32("crash", wasm_extern_as_func(find_export(module, &exports, "crash")), 5, 0, 1, NULL),
         "crash traps");
  wasm_func_t* validated = wasm_extern_as_func(find_export(module, &exports, "validated"));
  if (call_i32("validated", validated, 4, 0, 1, &r)) printf("validated(4) = %" PRId32 "\n", r);
  expect(r == 41, "validated(4) == 41");
  expect(!call_i32("validated", validated, -1, 0, 1, NULL), "validated(-1) traps");

  /* Wrong use is an error, not a crash. */
  expect(!call_i32("mul_add with one argument", mul_add, 1, 0, 1, NULL), "wrong arity traps");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(add_func);
  wasm_func_delete(log_func);
  wasm_func_delete(check_func);
  tern_wasi_delete(wasi);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("%s\n", failures ? "FAILED" : "all checks passed");
  return failures ? 1 : 0;
}
