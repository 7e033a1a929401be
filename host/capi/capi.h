// The C API's objects (wasm.h, tern.h) over the runtime core (host/runtime/runtime.h).
//
// DESIGN
// 1. Every wasm.h handle is a C++ object allocated by `new` and released by its _delete. Handles
//    of runtime objects (func, global, table, memory, instance, module) hold shared_ptrs to
//    what they show, so deleting a handle never frees something an instance still uses.
// 2. The reference hierarchy is C++ inheritance: wasm_ref_t <- wasm_extern_t <- wasm_func_t
//    (and global, table, memory); wasm_trap_t, wasm_module_t, wasm_instance_t, wasm_foreign_t
//    derive from wasm_ref_t. So `wasm_func_as_extern` is a checked cast, never an allocation,
//    as the standard requires, and `wasm_ref_as_func` checks the kind.
// 3. A store (StoreState, shared by the store handle and every object made in it) keeps alive
//    the host functions it made, and the anyref values it handed to wasm, so a FuncRef or
//    externref read back from a table, global or result becomes a handle again.
// 4. No C++ exception and no wasm trap crosses the C boundary: runtime calls return
//    tern::Result, which becomes NULL/false (with tern_last_error) or a wasm_trap_t. Host
//    callbacks return through HostFunc's Status, never by unwinding.
// 5. Type descriptions (valtype, functype, ...) are plain values in C form; conversions to
//    the runtime's types happen at the boundary (to_func_type, ...).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "host/runtime/runtime.h"
#include "tern.h"
#include "wasm.h"

namespace tern::capi {

// Records why the current call failed, for tern_last_error().
void set_last_error(std::string message);

// What a store shares with every object made in it.
struct StoreState : std::enable_shared_from_this<StoreState> {
  Features features;
  std::mutex mu;
  std::unordered_map<const void*, std::shared_ptr<HostFunc>> host_funcs;  // by HostFunc*
  // identity -> a copy kept as prototype (without store): anyref values handed to wasm, and
  // functions stored into tables and globals.
  std::unordered_map<const void*, wasm_ref_t*> anyrefs;
  ~StoreState();

  // The identity under which an anyref `ref` travels through wasm; keeps a copy alive.
  uint64_t anchor_anyref(const wasm_ref_t* ref);
  // A new handle for an anyref identity from wasm, or nullptr when unknown.
  wasm_ref_t* anyref_from(uint64_t identity);
  // Keeps a store-less copy of `ref` (a function stored into a table or global) alive.
  void keep_alive(const wasm_ref_t* ref);
  // The store's shared_ptr to a HostFunc it made, or nullptr.
  std::shared_ptr<HostFunc> host_func(const void* host_func);
};
using Store = std::shared_ptr<StoreState>;

struct HostInfo {
  void* data = nullptr;
  void (*finalizer)(void*) = nullptr;
  ~HostInfo() {
    if (finalizer) finalizer(data);
  }
};

enum class RefKind : uint8_t { Foreign, Trap, Module, Instance, Func, Global, Table, Memory };

struct FrameInfo {
  std::shared_ptr<Instance> instance;  // when known
  std::shared_ptr<StoreState> store;   // the store of the call, for the instance's handle
  uint32_t func_index = 0;
  size_t module_offset = 0;
  size_t native_offset = 0;
};

// Value conversions at the boundary (values.cpp).
std::optional<ValType> to_val_type(wasm_valkind_t kind);
wasm_valkind_t to_valkind(ValType type);
// A C value as a runtime value of type `want`; an Error names the mismatch.
Result<Value> to_value(const Store& store, const wasm_val_t& v, ValType want);
// A runtime value as a C value (a reference becomes a new handle the caller owns).
wasm_val_t from_value(const Store& store, const Value& v);
// A handle for a FuncRef read from a table, global or result (nullptr for null).
wasm_func_t* func_from_ref(const Store& store, const FuncRef* ref);
// The FuncRef a funcref handle stands for, or nullptr (null ref or not a function).
FuncRef* ref_to_funcref(const wasm_ref_t* ref);

// Type conversions (types.cpp).
FuncType to_func_type(const wasm_functype_t& t);
wasm_functype_t* from_func_type(const FuncType& t);
wasm_globaltype_t* from_global_type(const GlobalType& t);
wasm_tabletype_t* from_table_type(const TableType& t);
wasm_memorytype_t* from_memory_type(const MemoryType& t);
wasm_limits_t to_c_limits(const Limits& l);
Limits from_c_limits(const wasm_limits_t& l);

// A trap for an Error (the message, frames when given, proc_exit status).
wasm_trap_t* make_trap(const Error& e, std::vector<FrameInfo> frames = {});
wasm_trap_t* make_trap(std::string message);
// Runs a call and turns a trap into wasm_trap_t frames (func.cpp).
Result<std::vector<Value>> call_with_frames(const FuncRef& f, const FuncType& type, std::span<const Value> args,
                                            std::vector<FrameInfo>& frames);
// Creates the wasm_instance_t for `instance` in `store`.
wasm_instance_t* wrap_instance(const Store& store, std::shared_ptr<Instance> instance);
// Shared by wasm_instance_new and tern_instance_new_with_limits.
wasm_instance_t* new_instance(wasm_store_t* store, const wasm_module_t* module, const wasm_extern_vec_t* imports,
                              const InstanceLimits& limits, wasm_trap_t** trap_out);
// Handles for an Extern exported by an instance or made by WASI (nullptr if malformed).
wasm_extern_t* wrap_extern(const Store& store, const Extern& e);

}  // namespace tern::capi

// ---- handles (global namespace: wasm.h declares them there) ------------------------------

struct wasm_config_t {
  tern::Features features;
};

struct wasm_engine_t {
  tern::Features features;
};

struct wasm_store_t {
  tern::capi::Store state;
};

struct wasm_valtype_t {
  wasm_valkind_t kind;
};

struct wasm_externtype_t {
  explicit wasm_externtype_t(wasm_externkind_t k) : kind(k) {}
  virtual ~wasm_externtype_t() = default;
  virtual wasm_externtype_t* clone() const = 0;
  wasm_externkind_t kind;
};

struct wasm_functype_t : wasm_externtype_t {
  wasm_functype_t() : wasm_externtype_t(WASM_EXTERN_FUNC) {}
  ~wasm_functype_t() override;
  wasm_externtype_t* clone() const override;
  wasm_valtype_vec_t params{0, nullptr};
  wasm_valtype_vec_t results{0, nullptr};
};

struct wasm_globaltype_t : wasm_externtype_t {
  wasm_globaltype_t() : wasm_externtype_t(WASM_EXTERN_GLOBAL) {}
  wasm_externtype_t* clone() const override { return new wasm_globaltype_t(*this); }
  wasm_valtype_t content{WASM_I32};
  wasm_mutability_t mutability = WASM_CONST;
};

struct wasm_tabletype_t : wasm_externtype_t {
  wasm_tabletype_t() : wasm_externtype_t(WASM_EXTERN_TABLE) {}
  wasm_externtype_t* clone() const override { return new wasm_tabletype_t(*this); }
  wasm_valtype_t element{WASM_FUNCREF};
  wasm_limits_t limits{0, 0xffffffff};
};

struct wasm_memorytype_t : wasm_externtype_t {
  wasm_memorytype_t() : wasm_externtype_t(WASM_EXTERN_MEMORY) {}
  wasm_externtype_t* clone() const override { return new wasm_memorytype_t(*this); }
  wasm_limits_t limits{0, 0xffffffff};
};

struct wasm_importtype_t {
  ~wasm_importtype_t();
  wasm_name_t module{0, nullptr};
  wasm_name_t name{0, nullptr};
  wasm_externtype_t* type = nullptr;
};

struct wasm_exporttype_t {
  ~wasm_exporttype_t();
  wasm_name_t name{0, nullptr};
  wasm_externtype_t* type = nullptr;
};

struct wasm_ref_t {
  explicit wasm_ref_t(tern::capi::RefKind k) : ref_kind(k) {}
  wasm_ref_t(const wasm_ref_t&) = default;
  virtual ~wasm_ref_t() = default;
  // Equal for handles of the same object.
  virtual const void* identity() const = 0;
  virtual wasm_ref_t* clone() const = 0;
  // The store a handle uses for the values it converts; the copies a store keeps have none
  // (a store holding a handle that holds the store would never be freed).
  virtual void set_store(tern::capi::Store) {}

  tern::capi::RefKind ref_kind;
  std::shared_ptr<tern::capi::HostInfo> host_info = std::make_shared<tern::capi::HostInfo>();
};

struct wasm_frame_t {
  tern::capi::FrameInfo info;
  wasm_instance_t* instance = nullptr;  // owned; a handle for info.instance
  ~wasm_frame_t();
};

struct wasm_trap_t : wasm_ref_t {
  wasm_trap_t() : wasm_ref_t(tern::capi::RefKind::Trap) {}
  const void* identity() const override { return shared.get(); }
  wasm_ref_t* clone() const override { return new wasm_trap_t(*this); }
  struct Data {
    std::string message;
    std::vector<tern::capi::FrameInfo> frames;
    std::optional<int> exit_status;  // WASI proc_exit
  };
  std::shared_ptr<Data> shared = std::make_shared<Data>();
};

struct wasm_foreign_t : wasm_ref_t {
  wasm_foreign_t() : wasm_ref_t(tern::capi::RefKind::Foreign) {}
  const void* identity() const override { return token.get(); }
  wasm_ref_t* clone() const override { return new wasm_foreign_t(*this); }
  std::shared_ptr<char> token = std::make_shared<char>(0);
};

struct wasm_module_t : wasm_ref_t {
  wasm_module_t() : wasm_ref_t(tern::capi::RefKind::Module) {}
  const void* identity() const override { return module.get(); }
  wasm_ref_t* clone() const override { return new wasm_module_t(*this); }
  std::shared_ptr<tern::Module> module;
};

struct wasm_shared_module_t {
  std::shared_ptr<tern::Module> module;
};

struct wasm_instance_t : wasm_ref_t {
  wasm_instance_t() : wasm_ref_t(tern::capi::RefKind::Instance) {}
  const void* identity() const override { return instance.get(); }
  wasm_ref_t* clone() const override { return new wasm_instance_t(*this); }
  void set_store(tern::capi::Store s) override { store = std::move(s); }
  tern::capi::Store store;
  std::shared_ptr<tern::Instance> instance;
};

struct wasm_extern_t : wasm_ref_t {
  wasm_extern_t(tern::capi::RefKind k, wasm_externkind_t ek) : wasm_ref_t(k), kind(ek) {}
  // The runtime's view, for Instance::instantiate.
  virtual tern::Extern to_extern() const = 0;
  virtual wasm_externtype_t* type() const = 0;
  void set_store(tern::capi::Store s) override { store = std::move(s); }

  wasm_externkind_t kind;
  tern::capi::Store store;
  std::shared_ptr<void> owner;  // keeps the object alive
};

struct wasm_func_t : wasm_extern_t {
  wasm_func_t() : wasm_extern_t(tern::capi::RefKind::Func, WASM_EXTERN_FUNC) {}
  const void* identity() const override { return ref; }
  wasm_ref_t* clone() const override { return new wasm_func_t(*this); }
  tern::Extern to_extern() const override;
  wasm_externtype_t* type() const override { return tern::capi::from_func_type(func_type); }

  tern::FuncRef* ref = nullptr;
  tern::FuncType func_type;
};

struct wasm_global_t : wasm_extern_t {
  wasm_global_t() : wasm_extern_t(tern::capi::RefKind::Global, WASM_EXTERN_GLOBAL) {}
  const void* identity() const override { return global; }
  wasm_ref_t* clone() const override { return new wasm_global_t(*this); }
  tern::Extern to_extern() const override;
  wasm_externtype_t* type() const override { return tern::capi::from_global_type(global->type); }

  tern::GlobalInstance* global = nullptr;
};

struct wasm_table_t : wasm_extern_t {
  wasm_table_t() : wasm_extern_t(tern::capi::RefKind::Table, WASM_EXTERN_TABLE) {}
  const void* identity() const override { return table; }
  wasm_ref_t* clone() const override { return new wasm_table_t(*this); }
  tern::Extern to_extern() const override;
  wasm_externtype_t* type() const override;

  tern::Table* table = nullptr;
};

struct wasm_memory_t : wasm_extern_t {
  wasm_memory_t() : wasm_extern_t(tern::capi::RefKind::Memory, WASM_EXTERN_MEMORY) {}
  const void* identity() const override { return memory; }
  wasm_ref_t* clone() const override { return new wasm_memory_t(*this); }
  tern::Extern to_extern() const override;
  wasm_externtype_t* type() const override;

  tern::LinearMemory* memory = nullptr;
};
