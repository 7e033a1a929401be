// wasm.h runtime environment (config, engine, store), the store's registries, and
// tern_last_error.
#include "host/capi/capi.h"

namespace tern::capi {

namespace {
thread_local std::string last_error;
}

void set_last_error(std::string message) { last_error = std::move(message); }

StoreState::~StoreState() {
  for (auto& [identity, ref] : anyrefs) delete ref;
}

void StoreState::keep_alive(const wasm_ref_t* ref) {
  std::lock_guard lock(mu);
  wasm_ref_t*& kept = anyrefs[ref->identity()];
  if (kept) return;
  kept = ref->clone();
  kept->set_store(nullptr);
}

uint64_t StoreState::anchor_anyref(const wasm_ref_t* ref) {
  keep_alive(ref);
  return reinterpret_cast<uint64_t>(ref->identity());
}

wasm_ref_t* StoreState::anyref_from(uint64_t identity) {
  wasm_ref_t* out = nullptr;
  {
    std::lock_guard lock(mu);
    auto it = anyrefs.find(reinterpret_cast<const void*>(identity));
    if (it == anyrefs.end()) return nullptr;
    out = it->second->clone();
  }
  out->set_store(shared_from_this());
  return out;
}

std::shared_ptr<HostFunc> StoreState::host_func(const void* host_func) {
  std::lock_guard lock(mu);
  auto it = host_funcs.find(host_func);
  return it == host_funcs.end() ? nullptr : it->second;
}

}  // namespace tern::capi

extern "C" {

const char* tern_last_error(void) { return tern::capi::last_error.c_str(); }

wasm_config_t* wasm_config_new(void) { return new wasm_config_t(); }
void wasm_config_delete(wasm_config_t* c) { delete c; }

wasm_engine_t* wasm_engine_new(void) { return new wasm_engine_t(); }
wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* config) {
  auto* e = new wasm_engine_t();
  if (config) e->features = config->features;
  delete config;
  return e;
}
void wasm_engine_delete(wasm_engine_t* e) { delete e; }

wasm_store_t* wasm_store_new(wasm_engine_t* engine) {
  if (!engine) {
    tern::capi::set_last_error("wasm_store_new: no engine");
    return nullptr;
  }
  auto* s = new wasm_store_t();
  s->state = std::make_shared<tern::capi::StoreState>();
  s->state->features = engine->features;
  return s;
}
void wasm_store_delete(wasm_store_t* s) { delete s; }

}  // extern "C"
