// Values across the C boundary: wasm_val_t <-> tern::Value, funcref handles <-> FuncRef.
#include <cstring>

#include "host/capi/capi.h"

namespace tern::capi {

FuncRef* ref_to_funcref(const wasm_ref_t* ref) {
  if (!ref || ref->ref_kind != RefKind::Func) return nullptr;
  return static_cast<const wasm_func_t*>(ref)->ref;
}

wasm_func_t* func_from_ref(const Store& store, const FuncRef* ref) {
  if (!ref) return nullptr;
  auto* f = new wasm_func_t();
  f->store = store;
  f->ref = const_cast<FuncRef*>(ref);
  if (ref->code == host_call_stub()) {
    auto* host = static_cast<HostFunc*>(ref->vmctx);
    f->func_type = host->type;
    // Host functions made by this store stay alive with it; others (e.g. WASI imports) are
    // kept alive by whatever table or instance the reference was read from.
    if (store) f->owner = store->host_func(host);
  } else if (ref->instance) {
    f->func_type = ref->instance->module().info().func_type(ref->func_index);
    f->owner = ref->instance->shared_from_this();
  }
  return f;
}

Result<Value> to_value(const Store& store, const wasm_val_t& v, ValType want) {
  auto kind = to_val_type(v.kind);
  if (!kind || *kind != want)
    return Error(ErrorKind::Usage) << "expected a value of type " << to_string(want) << ", got kind "
                                   << static_cast<int>(v.kind);
  Value out;
  out.type = want;
  switch (want) {
    case ValType::I32: out.lo = static_cast<uint32_t>(v.of.i32); break;
    case ValType::I64: out.lo = static_cast<uint64_t>(v.of.i64); break;
    case ValType::F32: {
      uint32_t bits;
      std::memcpy(&bits, &v.of.f32, 4);
      out.lo = bits;
      break;
    }
    case ValType::F64: std::memcpy(&out.lo, &v.of.f64, 8); break;
    case ValType::FuncRef:
      if (v.of.ref && v.of.ref->ref_kind != RefKind::Func)
        return Error(ErrorKind::Usage, "a funcref value must be a function or null");
      out.lo = reinterpret_cast<uint64_t>(ref_to_funcref(v.of.ref));
      break;
    case ValType::ExternRef:
      if (v.of.ref && !store) return Error(ErrorKind::Usage, "an anyref value needs a store");
      out.lo = v.of.ref ? store->anchor_anyref(v.of.ref) : 0;
      break;
    default: return Error(ErrorKind::Usage) << "values of type " << to_string(want) << " cannot cross the C API";
  }
  return out;
}

wasm_val_t from_value(const Store& store, const Value& v) {
  wasm_val_t out{};
  out.kind = to_valkind(v.type);
  switch (v.type) {
    case ValType::I32: out.of.i32 = static_cast<int32_t>(static_cast<uint32_t>(v.lo)); break;
    case ValType::I64: out.of.i64 = static_cast<int64_t>(v.lo); break;
    case ValType::F32: {
      auto bits = static_cast<uint32_t>(v.lo);
      std::memcpy(&out.of.f32, &bits, 4);
      break;
    }
    case ValType::F64: std::memcpy(&out.of.f64, &v.lo, 8); break;
    case ValType::FuncRef: out.of.ref = func_from_ref(store, reinterpret_cast<const FuncRef*>(v.lo)); break;
    case ValType::ExternRef: out.of.ref = v.lo && store ? store->anyref_from(v.lo) : nullptr; break;
    default: out.of.i64 = 0; break;
  }
  return out;
}

}  // namespace tern::capi
