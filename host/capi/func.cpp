// wasm.h functions: host functions from C callbacks, calls into wasm with checked arity, and
// traps with frames.
#include "host/capi/capi.h"
#include "jit/backtrace.h"

using tern::capi::set_last_error;

namespace tern::capi {

namespace {

// A C callback and its environment; the finalizer runs when the HostFunc (and so this) goes.
struct Callback {
  wasm_func_callback_t plain = nullptr;
  wasm_func_callback_with_env_t with_env = nullptr;
  void* env = nullptr;
  void (*finalizer)(void*) = nullptr;
  Callback() = default;
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() {
    if (finalizer) finalizer(env);
  }
};

// Runs the C callback for a call from wasm (or from the host): arguments become C values
// (references as new handles, deleted after the call), results are checked against the type.
Status invoke(const Callback& cb, const std::weak_ptr<StoreState>& weak_store, const FuncType& type,
              std::span<const Value> args, std::span<Value> results) {
  Store store = weak_store.lock();
  std::vector<wasm_val_t> c_args(args.size());
  for (size_t i = 0; i < args.size(); ++i) c_args[i] = from_value(store, args[i]);
  std::vector<wasm_val_t> c_results(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    c_results[i] = wasm_val_t{};
    c_results[i].kind = to_valkind(type.results[i]);
  }
  wasm_val_vec_t arg_vec{c_args.size(), c_args.data()};
  wasm_val_vec_t result_vec{c_results.size(), c_results.data()};
  wasm_trap_t* trap = cb.with_env ? cb.with_env(cb.env, &arg_vec, &result_vec) : cb.plain(&arg_vec, &result_vec);
  for (wasm_val_t& v : c_args) wasm_val_delete(&v);
  Status status;
  if (trap) {
    const auto& data = *trap->shared;
    status = Error(data.exit_status ? ErrorKind::Exit : ErrorKind::Trap, data.message);
    wasm_trap_delete(trap);
  }
  for (size_t i = 0; i < results.size(); ++i) {
    if (status.ok()) {
      auto v = to_value(store, c_results[i], type.results[i]);
      if (v.ok()) results[i] = *v;
      else status = std::move(v).error().context("host function result " + std::to_string(i));
    }
    wasm_val_delete(&c_results[i]);
  }
  return status;
}

wasm_func_t* new_host_func(wasm_store_t* store, const wasm_functype_t* type, std::unique_ptr<Callback> cb) {
  FuncType ft = to_func_type(*type);
  for (ValType t : ft.params)
    if (t == ValType::V128) return set_last_error("wasm_func_new: v128 parameters cannot cross the C API"), nullptr;
  for (ValType t : ft.results)
    if (t == ValType::V128) return set_last_error("wasm_func_new: v128 results cannot cross the C API"), nullptr;
  std::shared_ptr<const Callback> shared_cb(std::move(cb));
  std::weak_ptr<StoreState> weak_store = store->state;
  auto host = HostFunc::make(ft, [shared_cb, weak_store, ft](Caller&, std::span<const Value> args, std::span<Value> results) {
    return invoke(*shared_cb, weak_store, ft, args, results);
  });
  {
    std::lock_guard lock(store->state->mu);
    store->state->host_funcs.emplace(host.get(), host);
  }
  auto* f = new wasm_func_t();
  f->store = store->state;
  f->ref = &host->ref;
  f->func_type = std::move(ft);
  f->owner = host;
  return f;
}

}  // namespace

Result<std::vector<Value>> call_with_frames(const FuncRef& f, const FuncType& type, std::span<const Value> args,
                                            std::vector<FrameInfo>& frames) {
  std::vector<WasmFrame> wasm_frames;
  auto r = Instance::call_ref(f, type, args, &wasm_frames);
  if (r.ok()) return r;
  // Only the called function's instance is known to be alive here, so only frames in its code
  // are described beyond their function index.
  const Instance* callee = f.code == host_call_stub() ? nullptr : f.instance;
  const CodeObject* callee_code = callee ? callee->module().code().get() : nullptr;
  for (const WasmFrame& w : wasm_frames) {
    if (w.func < 0) continue;  // the host call stub
    FrameInfo info;
    info.func_index = static_cast<uint32_t>(w.func);
    info.native_offset = w.offset;
    if (callee_code && w.code == callee_code) {
      info.instance = const_cast<Instance*>(callee)->shared_from_this();
      info.module_offset = callee->module().info().functions[info.func_index].body.offset;
    }
    frames.push_back(std::move(info));
  }
  return r;
}

}  // namespace tern::capi

tern::Extern wasm_func_t::to_extern() const {
  tern::Extern e;
  e.kind = tern::ExternKind::Func;
  e.func = ref;
  e.func_type = &func_type;
  e.owner = owner;
  return e;
}

extern "C" {

wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type, wasm_func_callback_t callback) {
  if (!store || !type || !callback) {
    set_last_error("wasm_func_new: needs a store, a type and a callback");
    return nullptr;
  }
  auto cb = std::make_unique<tern::capi::Callback>();
  cb->plain = callback;
  return tern::capi::new_host_func(store, type, std::move(cb));
}

wasm_func_t* wasm_func_new_with_env(wasm_store_t* store, const wasm_functype_t* type,
                                    wasm_func_callback_with_env_t callback, void* env, void (*finalizer)(void*)) {
  if (!store || !type || !callback) {
    set_last_error("wasm_func_new_with_env: needs a store, a type and a callback");
    if (finalizer) finalizer(env);
    return nullptr;
  }
  auto cb = std::make_unique<tern::capi::Callback>();
  cb->with_env = callback;
  cb->env = env;
  cb->finalizer = finalizer;
  return tern::capi::new_host_func(store, type, std::move(cb));
}

wasm_functype_t* wasm_func_type(const wasm_func_t* f) { return f ? tern::capi::from_func_type(f->func_type) : nullptr; }
size_t wasm_func_param_arity(const wasm_func_t* f) { return f ? f->func_type.params.size() : 0; }
size_t wasm_func_result_arity(const wasm_func_t* f) { return f ? f->func_type.results.size() : 0; }

wasm_trap_t* wasm_func_call(const wasm_func_t* f, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  using tern::capi::make_trap;
  if (!f || !f->ref) return make_trap("wasm_func_call: no function");
  const tern::FuncType& type = f->func_type;
  size_t nargs = args ? args->size : 0;
  size_t nresults = results ? results->size : 0;
  if (nargs != type.params.size() || (nargs && !args->data))
    return make_trap("wasm_func_call: expected " + std::to_string(type.params.size()) + " arguments, got " +
                     std::to_string(nargs));
  if (nresults != type.results.size() || (nresults && !results->data))
    return make_trap("wasm_func_call: expected room for " + std::to_string(type.results.size()) +
                     " results, got " + std::to_string(nresults));
  std::vector<tern::Value> values(nargs);
  for (size_t i = 0; i < nargs; ++i) {
    auto v = tern::capi::to_value(f->store, args->data[i], type.params[i]);
    if (!v.ok()) return make_trap("wasm_func_call: argument " + std::to_string(i) + ": " + v.error().message());
    values[i] = *v;
  }
  std::vector<tern::capi::FrameInfo> frames;
  auto r = tern::capi::call_with_frames(*f->ref, type, values, frames);
  if (!r.ok()) {
    for (auto& frame : frames) frame.store = f->store;
    return make_trap(r.error(), std::move(frames));
  }
  for (size_t i = 0; i < nresults; ++i) results->data[i] = tern::capi::from_value(f->store, (*r)[i]);
  return nullptr;
}

}  // extern "C"
