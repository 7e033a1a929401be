// tern.h: WASI configuration and linking, instance limits, interrupts and deadlines, guest
// memory helpers.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "tests/capi/capi_util.h"

using namespace capi_test;

namespace {

wasm_trap_t* seven(const wasm_val_vec_t*, wasm_val_vec_t* results) {
  results->data[0] = i32(7);
  return nullptr;
}

// Calls a nullary function with at most one i32 result; "" or the trap message.
std::string call0(wasm_func_t* f, int32_t* result = nullptr) {
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_vec_t rv{wasm_func_result_arity(f), r};
  wasm_trap_t* trap = wasm_func_call(f, &none, &rv);
  if (trap) return take_message(trap);
  if (result) *result = r[0].of.i32;
  return "";
}

}  // namespace

TEST_CASE("WASI: configuration, linking, stdout, args, env, proc_exit") {
  Env env;
  wasm_module_t* module = load_module(env.store, "wasi");
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);

  tern_wasi_config_t* config = tern_wasi_config_new();
  const char* argv[] = {"prog", "one", "two"};
  tern_wasi_config_set_args(config, 3, argv);
  tern_wasi_config_add_env(config, "A", "1");
  tern_wasi_config_add_env(config, "B", "2");
  tern_wasi_config_set_stdio(config, -1, pipe_fds[1], -1);
  tern_wasi_t* wasi = tern_wasi_new(env.store, config);
  tern_wasi_config_delete(config);
  REQUIRE_MESSAGE(wasi != nullptr, tern_last_error());
  close(pipe_fds[1]);  // the context holds its own duplicate

  wasm_extern_vec_t imports;
  REQUIRE(tern_wasi_link(wasi, module, &imports));
  REQUIRE(imports.size == 5);
  for (size_t i = 0; i < 4; ++i) CHECK(imports.data[i] != nullptr);
  CHECK(imports.data[4] == nullptr);  // host.extra is ours to provide
  wasm_functype_t* t = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* extra = wasm_func_new(env.store, t, seven);
  wasm_functype_delete(t);
  imports.data[4] = wasm_func_as_extern(extra);  // the vector now owns it
  wasm_instance_t* instance = wasm_instance_new(env.store, module, &imports, nullptr);
  REQUIRE_MESSAGE(instance != nullptr, tern_last_error());
  wasm_extern_vec_delete(&imports);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  auto fn = [&](const char* name) { return wasm_extern_as_func(export_named(module, exports, name)); };
  int32_t r = -1;
  CHECK(call0(fn("say"), &r) == "");
  CHECK(r == 0);  // errno success
  char buf[16] = {};
  CHECK(read(pipe_fds[0], buf, sizeof buf) == 3);
  CHECK(std::string(buf) == "hi\n");
  CHECK(call0(fn("argc"), &r) == "");
  CHECK(r == 3);
  CHECK(call0(fn("envc"), &r) == "");
  CHECK(r == 2);
  CHECK(call0(fn("extra"), &r) == "");
  CHECK(r == 7);

  uint32_t status = 99;
  CHECK_FALSE(tern_wasi_exit_code(wasi, &status));
  wasm_val_t code[1] = {i32(3)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(code);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(fn("quit"), &args, &none);
  REQUIRE(trap != nullptr);
  int exit_status = -1;
  CHECK(tern_trap_exit_status(trap, &exit_status));
  CHECK(exit_status == 3);
  CHECK(take_message(trap) == "proc_exit(3)");
  CHECK(tern_wasi_exit_code(wasi, &status));
  CHECK(status == 3);

  // A fault is not an exit.
  wasm_message_t m;
  wasm_name_new_from_string_nt(&m, "x");
  wasm_trap_t* plain = wasm_trap_new(env.store, &m);
  wasm_byte_vec_delete(&m);
  CHECK_FALSE(tern_trap_exit_status(plain, &exit_status));
  wasm_trap_delete(plain);

  close(pipe_fds[0]);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  tern_wasi_delete(wasi);
  wasm_module_delete(module);
}

TEST_CASE("WASI: unknown functions and missing directories are errors") {
  Env env;
  tern_wasi_config_t* config = tern_wasi_config_new();
  tern_wasi_t* wasi = tern_wasi_new(env.store, config);
  REQUIRE(wasi != nullptr);
  wasm_module_t* bad = load_module(env.store, "wasi_bad");
  wasm_extern_vec_t imports;
  CHECK_FALSE(tern_wasi_link(wasi, bad, &imports));
  CHECK(imports.size == 0);
  CHECK(std::string(tern_last_error()).find("import #0 wasi_snapshot_preview1.no_such_function") != std::string::npos);
  CHECK_FALSE(tern_wasi_link(nullptr, bad, &imports));
  CHECK_FALSE(tern_wasi_link(wasi, bad, nullptr));
  wasm_module_delete(bad);
  tern_wasi_delete(wasi);

  tern_wasi_config_preopen_dir(config, "/no/such/directory/for/tern", "/data");
  CHECK(tern_wasi_new(env.store, config) == nullptr);
  CHECK(std::string(tern_last_error()).find("/no/such/directory/for/tern") != std::string::npos);
  CHECK(tern_wasi_new(nullptr, config) == nullptr);
  tern_wasi_config_delete(config);
}

namespace {
struct Alloc {
  Env env;
  wasm_module_t* module = load_module(env.store, "alloc");
  wasm_instance_t* instance = nullptr;
  wasm_extern_vec_t exports{0, nullptr};
  explicit Alloc(const tern_instance_limits_t* limits = nullptr) {
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    instance = tern_instance_new_with_limits(env.store, module, &none, limits, nullptr);
    REQUIRE_MESSAGE(instance != nullptr, tern_last_error());
    wasm_instance_exports(instance, &exports);
  }
  ~Alloc() {
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
  }
  wasm_extern_t* ext(const char* name) { return export_named(module, exports, name); }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(wasm_memory_data(wasm_extern_as_memory(ext("memory")))); }
};
}  // namespace

TEST_CASE("instance limits: memories never grow past max_memory_pages") {
  {
    Alloc unlimited;
    CHECK(wasm_memory_grow(wasm_extern_as_memory(unlimited.ext("memory")), 1));
  }
  tern_instance_limits_t limits{1};
  Alloc limited(&limits);
  wasm_memory_t* memory = wasm_extern_as_memory(limited.ext("memory"));
  CHECK_FALSE(wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_size(memory) == 1);
}

TEST_CASE("interrupts: a deadline stops a loop, an interrupt request stays until cleared") {
  Alloc a;
  wasm_func_t* spin = wasm_extern_as_func(a.ext("spin"));
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  auto start = std::chrono::steady_clock::now();
  wasm_trap_t* trap = tern_func_call_with_deadline(spin, &none, &none, 50);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(take_message(trap) == "interrupted");
  CHECK(seconds >= 0.04);
  CHECK(seconds < 5);
  // Cleared after the call: the allocator runs normally.
  CHECK(tern_module_malloc(a.instance, 8, nullptr) != 0);

  tern_instance_interrupt(a.instance);
  CHECK(take_message(wasm_func_call(spin, &none, &none)) == "interrupted");
  CHECK(take_message(wasm_func_call(spin, &none, &none)) == "interrupted");
  tern_instance_clear_interrupt(a.instance);
  CHECK(take_message(tern_func_call_with_deadline(wasm_extern_as_func(a.ext("malloc")), nullptr, nullptr, 1000)) ==
        "wasm_func_call: expected 1 arguments, got 0");
  tern_instance_interrupt(nullptr);  // refused, no crash
  CHECK(std::string(tern_last_error()) == "tern_instance_interrupt: no instance");
}

TEST_CASE("guest memory helpers: malloc through the guest, checked ranges and strings") {
  Alloc a;
  void* native = nullptr;
  uint32_t block = tern_module_malloc(a.instance, 100, &native);
  CHECK(block == 1024);  // alloc.wat's bump allocator starts there
  CHECK(native == a.data() + 1024);
  CHECK(tern_app_to_native(a.instance, block, 100) == native);
  std::memset(native, 0xab, 100);
  CHECK(tern_module_malloc(a.instance, 8, nullptr) == 1128);  // 1024 + 100, rounded up to 8

  // Range checks: last byte in, first byte past out, wrap-around refused.
  CHECK(tern_app_to_native(a.instance, 65535, 1) == a.data() + 65535);
  CHECK(tern_app_to_native(a.instance, 65536, 1) == nullptr);
  CHECK(tern_app_to_native(a.instance, 65535, 2) == nullptr);
  CHECK(tern_app_to_native(a.instance, UINT64_MAX, 2) == nullptr);
  CHECK(tern_app_to_native(a.instance, 1, UINT64_MAX) == nullptr);
  uint64_t offset = 0;
  CHECK(tern_native_to_app(a.instance, a.data() + 5, &offset));
  CHECK(offset == 5);
  CHECK_FALSE(tern_native_to_app(a.instance, a.data() + 65536, &offset));
  int on_host_stack = 0;
  CHECK_FALSE(tern_native_to_app(a.instance, &on_host_stack, &offset));

  std::memcpy(a.data() + 2000, "guest text", 11);
  const char* s = tern_validate_app_str(a.instance, 2000);
  REQUIRE(s != nullptr);
  CHECK(std::string(s) == "guest text");
  CHECK(s == reinterpret_cast<const char*>(a.data() + 2000));
  std::memset(a.data() + 65530, 'x', 6);  // no NUL before the end of memory
  CHECK(tern_validate_app_str(a.instance, 65530) == nullptr);
  CHECK(tern_validate_app_str(a.instance, 70000) == nullptr);

  wasm_val_t frees;
  wasm_global_get(wasm_extern_as_global(a.ext("frees")), &frees);
  CHECK(frees.of.i32 == 0);
  CHECK(tern_module_free(a.instance, block));
  wasm_global_get(wasm_extern_as_global(a.ext("frees")), &frees);
  CHECK(frees.of.i32 == 1);

  // The guest allocator refuses (returns 0): an error, no pointer.
  native = &on_host_stack;
  CHECK(tern_module_malloc(a.instance, 70000, &native) == 0);
  CHECK(native == nullptr);
  CHECK(std::string(tern_last_error()).rfind("tern_module_malloc: ", 0) == 0);

  // NULL instance.
  CHECK(tern_module_malloc(nullptr, 8, nullptr) == 0);
  CHECK_FALSE(tern_module_free(nullptr, 8));
  CHECK(tern_app_to_native(nullptr, 0, 1) == nullptr);
  CHECK(tern_validate_app_str(nullptr, 0) == nullptr);
}

TEST_CASE("guest memory helpers: a guest without an allocator") {
  Env env;
  wasm_module_t* module = load_module(env.store, "noalloc");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(env.store, module, &none, nullptr);
  REQUIRE(instance != nullptr);
  CHECK(tern_module_malloc(instance, 16, nullptr) == 0);
  CHECK(std::string(tern_last_error()).size() > std::strlen("tern_module_malloc: "));
  CHECK(tern_app_to_native(instance, 0, 16) != nullptr);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
}
