// tern.h: WASI configuration and linking, instance limits, interrupts and deadlines, and the
// guest memory helpers, over host/wasi and host/runtime.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <thread>

#include "host/capi/capi.h"
#include "host/wasi/wasi.h"

#if __has_include("host/runtime/guest_memory.h")
#include "host/runtime/guest_memory.h"
#define TERN_CAPI_HAVE_GUEST_MEMORY 1
#endif

using tern::capi::set_last_error;

struct tern_wasi_config_t {
  tern::wasi::WasiConfig config;
  int stdio[3] = {-1, -1, -1};  // -1: /dev/null
};

struct tern_wasi_t {
  tern::capi::Store store;
  std::shared_ptr<tern::wasi::Wasi> wasi;
};

namespace {

// Interrupts an instance when a timeout passes, unless cancelled first.
class DeadlineTimer {
 public:
  DeadlineTimer(tern::Instance* instance, std::chrono::milliseconds after)
      : thread_([this, instance, after] {
          std::unique_lock lock(mu_);
          if (!cv_.wait_for(lock, after, [this] { return done_; })) instance->interrupt();
        }) {}
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;
  ~DeadlineTimer() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

tern::Instance* instance_of(wasm_instance_t* i, const char* what) {
  if (i && i->instance) return i->instance.get();
  set_last_error(std::string(what) + ": no instance");
  return nullptr;
}

}  // namespace

extern "C" {

// ---- WASI ----

tern_wasi_config_t* tern_wasi_config_new(void) { return new tern_wasi_config_t(); }
void tern_wasi_config_delete(tern_wasi_config_t* c) { delete c; }

void tern_wasi_config_set_args(tern_wasi_config_t* c, int argc, const char* const argv[]) {
  if (!c) return;
  c->config.args.clear();
  for (int i = 0; i < argc && argv; ++i)
    if (argv[i]) c->config.args.emplace_back(argv[i]);
}

void tern_wasi_config_add_env(tern_wasi_config_t* c, const char* name, const char* value) {
  if (!c || !name || !value) return;
  c->config.env.push_back(std::string(name) + "=" + value);
}

void tern_wasi_config_preopen_dir(tern_wasi_config_t* c, const char* host_path, const char* guest_path) {
  if (!c || !host_path || !guest_path) return;
  c->config.preopens.push_back({host_path, guest_path});
}

void tern_wasi_config_inherit_stdio(tern_wasi_config_t* c) { tern_wasi_config_set_stdio(c, 0, 1, 2); }

void tern_wasi_config_set_stdio(tern_wasi_config_t* c, int stdin_fd, int stdout_fd, int stderr_fd) {
  if (!c) return;
  c->stdio[0] = stdin_fd;
  c->stdio[1] = stdout_fd;
  c->stdio[2] = stderr_fd;
}

tern_wasi_t* tern_wasi_new(wasm_store_t* store, const tern_wasi_config_t* c) {
  if (!store || !c) {
    set_last_error("tern_wasi_new: needs a store and a configuration");
    return nullptr;
  }
  tern::wasi::WasiConfig config = c->config;
  tern::wasi::UniqueFd null_fd;
  if (c->stdio[0] < 0 || c->stdio[1] < 0 || c->stdio[2] < 0) {
    null_fd = tern::wasi::UniqueFd(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null_fd.valid()) {
      set_last_error("tern_wasi_new: cannot open /dev/null");
      return nullptr;
    }
  }
  config.stdin_fd = c->stdio[0] >= 0 ? c->stdio[0] : null_fd.get();
  config.stdout_fd = c->stdio[1] >= 0 ? c->stdio[1] : null_fd.get();
  config.stderr_fd = c->stdio[2] >= 0 ? c->stdio[2] : null_fd.get();
  auto wasi = tern::wasi::Wasi::create(config);  // dups the descriptors
  if (!wasi.ok()) {
    set_last_error("tern_wasi_new: " + wasi.error().message());
    return nullptr;
  }
  return new tern_wasi_t{store->state, std::move(*wasi)};
}

void tern_wasi_delete(tern_wasi_t* w) { delete w; }

bool tern_wasi_link(tern_wasi_t* w, const wasm_module_t* module, wasm_extern_vec_t* out) {
  if (!out) return false;
  wasm_extern_vec_new_empty(out);
  if (!w || !module) {
    set_last_error("tern_wasi_link: needs a WASI context and a module");
    return false;
  }
  const tern::ModuleInfo& m = module->module->info();
  wasm_extern_vec_new_uninitialized(out, m.imports.size());
  for (size_t i = 0; i < m.imports.size(); ++i) {
    if (m.imports[i].module != "wasi_snapshot_preview1") continue;
    auto e = tern::wasi::link_import(w->wasi, m, i);
    if (!e.ok()) {
      set_last_error(e.error().message());
      wasm_extern_vec_delete(out);
      return false;
    }
    out->data[i] = tern::capi::wrap_extern(w->store, *e);
  }
  return true;
}

bool tern_wasi_exit_code(const tern_wasi_t* w, uint32_t* status) {
  if (!w) return false;
  auto code = w->wasi->exit_code();
  if (code && status) *status = *code;
  return code.has_value();
}

// ---- limits, interrupts ----

wasm_instance_t* tern_instance_new_with_limits(wasm_store_t* store, const wasm_module_t* module,
                                               const wasm_extern_vec_t* imports, const tern_instance_limits_t* limits,
                                               wasm_trap_t** trap) {
  tern::InstanceLimits l;
  if (limits && limits->max_memory_pages) l.max_memory_pages = std::min(limits->max_memory_pages, tern::kMaxPages32);
  return tern::capi::new_instance(store, module, imports, l, trap);
}

void tern_instance_interrupt(wasm_instance_t* i) {
  if (auto* inst = instance_of(i, "tern_instance_interrupt")) inst->interrupt();
}

void tern_instance_clear_interrupt(wasm_instance_t* i) {
  if (auto* inst = instance_of(i, "tern_instance_clear_interrupt")) inst->clear_interrupt();
}

wasm_trap_t* tern_func_call_with_deadline(const wasm_func_t* f, const wasm_val_vec_t* args, wasm_val_vec_t* results,
                                          uint64_t timeout_ms) {
  tern::Instance* instance = f && f->ref && f->ref->code != tern::host_call_stub() ? f->ref->instance : nullptr;
  if (!instance) return wasm_func_call(f, args, results);
  wasm_trap_t* trap = nullptr;
  {
    DeadlineTimer timer(instance, std::chrono::milliseconds(timeout_ms));
    trap = wasm_func_call(f, args, results);
  }
  instance->clear_interrupt();
  return trap;
}

// ---- guest memory ----

#ifdef TERN_CAPI_HAVE_GUEST_MEMORY

uint32_t tern_module_malloc(wasm_instance_t* i, uint32_t size, void** native) {
  if (native) *native = nullptr;
  tern::Instance* inst = instance_of(i, "tern_module_malloc");
  if (!inst) return 0;
  auto block = tern::module_malloc(*inst, size);
  if (!block.ok()) {
    set_last_error("tern_module_malloc: " + block.error().message());
    return 0;
  }
  if (native) *native = block->native;
  return block->offset;
}

bool tern_module_free(wasm_instance_t* i, uint32_t offset) {
  tern::Instance* inst = instance_of(i, "tern_module_free");
  if (!inst) return false;
  auto st = tern::module_free(*inst, offset);
  if (!st.ok()) set_last_error("tern_module_free: " + st.error().message());
  return st.ok();
}

void* tern_app_to_native(wasm_instance_t* i, uint64_t offset, uint64_t size) {
  tern::Instance* inst = instance_of(i, "tern_app_to_native");
  return inst ? tern::app_to_native(*inst, offset, size) : nullptr;
}

bool tern_native_to_app(wasm_instance_t* i, const void* native, uint64_t* offset) {
  tern::Instance* inst = instance_of(i, "tern_native_to_app");
  if (!inst) return false;
  auto off = tern::native_to_app(*inst, native);
  if (off && offset) *offset = *off;
  return off.has_value();
}

const char* tern_validate_app_str(wasm_instance_t* i, uint64_t offset) {
  tern::Instance* inst = instance_of(i, "tern_validate_app_str");
  if (!inst) return nullptr;
  auto s = tern::validate_app_str(*inst, offset);
  if (!s.ok()) {
    set_last_error("tern_validate_app_str: " + s.error().message());
    return nullptr;
  }
  return s->data();
}

#else  // the guest memory helpers are not in this build yet

uint32_t tern_module_malloc(wasm_instance_t*, uint32_t, void** native) {
  if (native) *native = nullptr;
  set_last_error("tern_module_malloc: guest memory helpers are not built in");
  return 0;
}
bool tern_module_free(wasm_instance_t*, uint32_t) {
  set_last_error("tern_module_free: guest memory helpers are not built in");
  return false;
}
void* tern_app_to_native(wasm_instance_t*, uint64_t, uint64_t) { return nullptr; }
bool tern_native_to_app(wasm_instance_t*, const void*, uint64_t*) { return false; }
const char* tern_validate_app_str(wasm_instance_t*, uint64_t) { return nullptr; }

#endif

}  // extern "C"
