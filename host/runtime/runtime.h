// The runtime core: compiled modules, instances, and the objects they import and export.
//
// DESIGN
// 1. A Module is immutable: the decoded ModuleInfo plus its CodeObject. Instances share it.
// 2. An Instance owns its VMContext and the memories, tables and globals it defines. Objects it
//    imports are owned by their providers; the Instance keeps each provider alive through the
//    Extern's `owner` reference, so nothing it points to can go away while it lives.
// 3. Calls from the host go through call(): arguments are checked against the signature,
//    the entry trampoline runs inside call_with_trap_handling, and a trap comes back as an
//    Error of kind Trap whose message is the spec's trap message and whose details() are the
//    wasm backtrace (jit/backtrace.h), innermost frame first.
// 4. Instantiation follows the spec's order: imports are checked, globals evaluated, element
//    then data segments applied in order (an out-of-bounds segment stops instantiation with a
//    trap, earlier writes stay), then the start function runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "jit/code_object.h"
#include "jit/entry.h"
#include "jit/module.h"
#include "jit/trap.h"
#include "jit/vmctx.h"
#include "host/runtime/table_storage.h"
#include "memory/linear_memory.h"
#include "tern/result.h"

namespace tern {

class Instance;
struct WasmFrame;
struct Extern;
// The embedding API's handles (host/include/tern/): declared here so the runtime's classes can
// offer them; defined in tern/engine.h, tern/func.h and tern/extern.h.
class Engine;
class Func;
class Memory;
class TableRef;
class GlobalRef;
template <class Sig>
class TypedFunc;
class CodeCache;

// A wasm value: numbers by their bits, references as pointers (null = 0), v128 in lo/hi.
struct Value {
  ValType type = ValType::I32;
  uint64_t lo = 0;
  uint64_t hi = 0;

  static Value i32(uint32_t v) { return {ValType::I32, v, 0}; }
  static Value i64(uint64_t v) { return {ValType::I64, v, 0}; }
  static Value f32_bits(uint32_t v) { return {ValType::F32, v, 0}; }
  static Value f64_bits(uint64_t v) { return {ValType::F64, v, 0}; }
};

// What a host function sees of its caller: the calling instance (nullptr when the host
// called the function directly).
struct Caller {
  Instance* instance = nullptr;
  LinearMemory* memory(uint32_t index = 0) const;
  // The calling instance's exports (a Usage error when there is none or no calling instance).
  Result<Memory> memory(std::string_view export_name) const;
  Result<Func> func(std::string_view export_name) const;
  std::optional<Extern> get_export(std::string_view export_name) const;
};

// A function implemented by the host. Arguments and results are passed as Values. Returning an
// Error traps the calling wasm code; the Error comes back unchanged from Instance::call (so a
// host can end a program with, e.g., an exit status carried in its own Error).
struct HostFunc : HostFuncHead {
  using Callback = std::function<Status(Caller& caller, std::span<const Value> args, std::span<Value> results)>;
  FuncType type;
  Callback callback;
  FuncRef ref;  // what wasm code calls: code = host_call_stub(), vmctx = this
  std::weak_ptr<HostFunc> self;  // set by make(): tables that hold `ref` keep the function alive

  static std::shared_ptr<HostFunc> make(FuncType type, Callback cb);
};

struct Table : std::enable_shared_from_this<Table> {
  TableType type;
  TableStorage elements;  // never moves: threads read it while another grows the table
  TableData data;  // what generated code reads; points into `elements`
  std::mutex grow_mu;
  // The instance that defined this table (nullptr for host tables). The owners of the other
  // functions stored here stay alive with the table (keep); the owner itself is never kept,
  // which would make the instance own itself and never be freed (and needs no keeping: others
  // reach its table only through it, Extern::owner).
  const Instance* owner = nullptr;

  // A table of type `t` with every element `init`; a Limit error when its initial size is
  // above kMaxTableElements or its storage cannot be reserved.
  static Result<std::shared_ptr<Table>> make(const TableType& t, void* init = nullptr);
  Table(const TableType& t, TableStorage storage);  // use make()
  ~Table();
  int64_t grow(uint32_t delta, void* init);
  // The current size, for host code: an acquire load, so the elements below it are there.
  uint32_t size() const { return elements.size(); }
  // For the host: a bounds-checked store that keeps the function's owner alive.
  Status set(uint32_t index, void* value);

  // Keeps the owners (instance or host function) of these funcrefs alive as long as this
  // table lives, or until collect_instance_cycles() finds them unreachable. Call it before the
  // values become visible in `elements`. Thread-safe; a load and a compare when the owner is
  // the table's own instance or the last one kept (table_refs.cpp).
  void keep(std::span<void* const> values);
  size_t kept_count() const;  // for tests

 private:
  friend class InstanceGraph;
  std::atomic<const void*> last_kept_{nullptr};
  std::unordered_map<const void*, std::shared_ptr<void>> kept_;  // by owner; guarded by the graph's mutex
};

struct GlobalInstance {
  GlobalType type;
  GlobalCell cell;
  // Funcref globals: a hidden funcref table (size 0) that keeps the owners of the functions
  // stored here alive, as a table does for its elements (table_refs.cpp). Owned by the
  // instance that defined the global (its own_tables_, so the instance graph sees it) or, for
  // a host global, by whoever owns the global (make_host_global).
  Table* keeper = nullptr;

  // Stores `funcref` (a FuncRef* or null) into a funcref global, keeping its owner first.
  void set_funcref(void* funcref);
};

// A global that no instance defines (the host's). A funcref global lives in one object with
// its keeper, and `owner` is that keeper Table: whoever holds the global holds the keeper, so
// the instance graph sees importers' references and frees cycles through it. A funcref
// initial value (`lo`) is kept like any later store.
struct HostGlobal {
  GlobalInstance* global = nullptr;
  std::shared_ptr<void> owner;  // what Extern::owner must hold
};
Result<HostGlobal> make_host_global(const GlobalType& type, uint64_t lo, uint64_t hi = 0);

// Something an instance imports or exports.
struct Extern {
  ExternKind kind = ExternKind::Func;
  FuncRef* func = nullptr;
  const FuncType* func_type = nullptr;
  Table* table = nullptr;
  LinearMemory* memory = nullptr;
  GlobalInstance* global = nullptr;
  std::shared_ptr<void> owner;  // keeps the provider alive
};

class Module {
 public:
  static Result<std::shared_ptr<Module>> compile(std::span<const uint8_t> bytes, const DecodeOptions& options = {},
                                                 WorkerPool* pool = nullptr);
  // With an Engine's features, limits and compile pool (tern/engine.h).
  static Result<std::shared_ptr<Module>> compile(const Engine& engine, std::span<const uint8_t> bytes);
  // Decodes and validates every section and function body, compiling nothing.
  static Status validate(const Engine& engine, std::span<const uint8_t> bytes);
  // The same through a code cache (jit/code_cache.h): on a hit nothing is compiled; on a miss
  // the code is compiled and stored. A null cache compiles as above.
  static Result<std::shared_ptr<Module>> compile(std::span<const uint8_t> bytes, const DecodeOptions& options,
                                                 WorkerPool* pool, CodeCache* cache);
  const ModuleInfo& info() const { return *info_; }
  const std::shared_ptr<CodeObject>& code() const { return code_; }
  const Features& features() const { return features_; }
  // canonical_sig_id of each type, by type index: computed once, shared by every instance.
  const std::vector<uint32_t>& sig_ids() const { return sig_ids_; }

 private:
  std::shared_ptr<const ModuleInfo> info_;
  std::vector<uint32_t> sig_ids_;
  std::shared_ptr<CodeObject> code_;
  Features features_;
};

// Canonical signature ids: equal function types get equal ids, in every module.
uint32_t canonical_sig_id(const FuncType& type);

// Embedder limits for one instance.
struct InstanceLimits {
  uint32_t max_memory_pages = kMaxPages32;  // memories the instance defines never grow past this
};

// Where the memories an instance defines come from when they are not created fresh (instance
// pools, host/runtime/instance_pool.h). `acquire(index)` returns defined memory `index` in the
// state LinearMemory::create leaves it, or a null memory to have it created as usual;
// `data_applied` says the memory already holds its active data segments (a copy-on-write
// image): instantiation then still checks those segments' bounds but does not copy them.
struct MemorySupply {
  struct Supplied {
    std::shared_ptr<LinearMemory> memory;
    bool data_applied = false;
  };
  std::function<Result<Supplied>(uint32_t index, const MemoryType& type, uint32_t limit_pages)> acquire;
};

class Instance : public std::enable_shared_from_this<Instance> {
 public:
  ~Instance();
  // `imports` are in the module's import order.
  static Result<std::shared_ptr<Instance>> instantiate(std::shared_ptr<Module> module, std::span<const Extern> imports,
                                                       const InstanceLimits& limits = {});
  // The same, with the defined memories taken from `memories`.
  static Result<std::shared_ptr<Instance>> instantiate(std::shared_ptr<Module> module, std::span<const Extern> imports,
                                                       const InstanceLimits& limits, const MemorySupply& memories);

  const Module& module() const { return *module_; }
  std::optional<Extern> get_export(std::string_view name);
  // Calls a function (defined or imported) with checked arguments.
  Result<std::vector<Value>> call(uint32_t func, std::span<const Value> args);
  Result<std::vector<Value>> call(std::string_view export_name, std::span<const Value> args);
  // Calls any FuncRef (e.g. a table element or another instance's export).
  static Result<std::vector<Value>> call_ref(const FuncRef& f, const FuncType& type, std::span<const Value> args);
  // The same; when the call traps, also fills `trap_frames` with the trap's frames (innermost
  // first, jit/backtrace.h), for embedders that report them one by one (the C API).
  static Result<std::vector<Value>> call_ref(const FuncRef& f, const FuncType& type, std::span<const Value> args,
                                             std::vector<WasmFrame>* trap_frames);

  // Exports as API handles (tern/func.h, tern/extern.h); a Usage error names a missing export
  // or one of another kind, and func<Sig> one whose type differs from Sig.
  Result<Func> func(std::string_view name);
  template <class Sig>
  Result<TypedFunc<Sig>> func(std::string_view name);
  Result<Memory> memory(std::string_view name);
  Result<TableRef> table(std::string_view name);
  Result<GlobalRef> global(std::string_view name);

  VMContext* vmctx() { return &vmctx_; }
  LinearMemory* memory(uint32_t index) { return index < memories_.size() ? memories_[index] : nullptr; }
  Table* table(uint32_t index) { return tables_[index]; }
  GlobalInstance* global(uint32_t index) { return globals_[index]; }
  // Requests that running code stop at the next loop header ("interrupted").
  void interrupt() { vmctx_.interrupt.store(1, std::memory_order_relaxed); }
  void clear_interrupt() { vmctx_.interrupt.store(0, std::memory_order_relaxed); }

  // Used by the runtime helpers.
  // Atomic flags (not vector<bool>'s shared words): an instance may run on several threads, and
  // one may drop a segment while another reads its flag (a wasm-level race, not a C++ one).
  std::vector<std::atomic<bool>> dropped_data;
  std::vector<std::atomic<bool>> dropped_elems;
  std::vector<std::vector<void*>> elem_values;  // evaluated element segments
  // Serializes host calls into the guest's allocator (host/runtime/guest_memory.h).
  std::mutex guest_alloc_mu;

 private:
  friend class InstanceGraph;
  Instance() = default;
  Status link(std::span<const Extern> imports);
  Status initialize();
  Result<Value> eval_const(const ConstExpr& e) const;

  std::shared_ptr<Module> module_;
  std::shared_ptr<CodeObject> code_;
  VMContext vmctx_;
  std::vector<std::shared_ptr<void>> import_owners_;
  std::vector<const void*> func_code_;
  std::vector<FuncRef*> funcs_;
  std::vector<FuncRef> own_funcs_;  // sized once: funcs_ points into it
  std::vector<GlobalCell*> global_cells_;
  std::vector<GlobalInstance*> globals_;
  std::vector<std::unique_ptr<GlobalInstance>> own_globals_;
  std::vector<TableData*> table_datas_;
  std::vector<Table*> tables_;
  std::vector<std::shared_ptr<Table>> own_tables_;
  std::vector<uint8_t*> mem_bases_;
  std::vector<LinearMemory*> memories_;
  std::vector<std::shared_ptr<LinearMemory>> own_memories_;
  std::vector<bool> data_applied_;  // by memory index: its active data segments are already in it
  std::vector<uint32_t> sig_ids_;
};

// Frees the instances and host functions that only keep each other alive, through tables
// that hold their functions (e.g. a side module whose functions sit in the main module's
// table, while it imports that table). Also runs, amortized, on instantiation and release.
// Returns the number of tables whose kept owners it released (table_refs.cpp).
size_t collect_instance_cycles();

// Fills a VMContext's helper table (runtime/helpers.cpp).
void install_helpers(VMContext& vm);

}  // namespace tern
