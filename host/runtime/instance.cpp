// Module compilation, instantiation (linking, segments, start) and calls from the host.

#include <cstring>
#include <map>

#include "host/runtime/runtime.h"
#include "host/runtime/link_check.h"
#include "jit/backtrace.h"
#include "threads/stack_bounds.h"
#include "threads/worker_pool.h"

namespace tern {

// ---- canonical signatures ---------------------------------------------------------------

uint32_t canonical_sig_id(const FuncType& type) {
  static std::mutex mu;
  static std::map<std::pair<std::vector<ValType>, std::vector<ValType>>, uint32_t> ids;
  std::lock_guard lock(mu);
  auto [it, inserted] = ids.emplace(std::make_pair(type.params, type.results), static_cast<uint32_t>(ids.size() + 1));
  return it->second;
}

// ---- host functions, tables -------------------------------------------------------------

LinearMemory* Caller::memory(uint32_t index) const { return instance ? instance->memory(index) : nullptr; }

namespace {
// The Error a host function returned, on its way from invoke_host to Instance::call_ref.
thread_local std::optional<Error> pending_host_error;

uint32_t invoke_host(HostFunc* self, uint64_t* area, VMContext* caller_vm) {
  // No destructors may be live across a trap (jit/trap.h, invariant 3): the callback runs and
  // returns a status; the stub raises the trap after this frame is gone.
  AreaLayout in = area_layout(self->type.params);
  AreaLayout out = area_layout(self->type.results);
  Value args[16];
  std::vector<Value> big_args;
  std::span<Value> a(args, self->type.params.size() <= 16 ? self->type.params.size() : 0);
  if (self->type.params.size() > 16) {
    big_args.resize(self->type.params.size());
    a = big_args;
  }
  auto* bytes = reinterpret_cast<uint8_t*>(area);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i].type = self->type.params[i];
    std::memcpy(&a[i].lo, bytes + in.offsets[i], 8);
    if (a[i].type == ValType::V128) std::memcpy(&a[i].hi, bytes + in.offsets[i] + 8, 8);
  }
  std::vector<Value> results(self->type.results.size());
  for (size_t i = 0; i < results.size(); ++i) results[i].type = self->type.results[i];
  Caller caller;
  // A direct host call passes the HostFunc itself as "caller"; only wasm frames have an instance.
  if (caller_vm && static_cast<void*>(caller_vm) != static_cast<void*>(self)) caller.instance = caller_vm->instance;
  Status st = self->callback(caller, a, results);
  if (!st.ok()) {
    pending_host_error = std::move(st).error();
    return 1 + static_cast<uint32_t>(TrapKind::HostTrap);
  }
  for (size_t i = 0; i < results.size(); ++i) {
    std::memcpy(bytes + out.offsets[i], &results[i].lo, 8);
    if (results[i].type == ValType::V128) std::memcpy(bytes + out.offsets[i] + 8, &results[i].hi, 8);
  }
  return 0;
}
}  // namespace

std::shared_ptr<HostFunc> HostFunc::make(FuncType type, Callback cb) {
  auto f = std::make_shared<HostFunc>();
  f->invoke = &invoke_host;
  f->type = std::move(type);
  f->callback = std::move(cb);
  f->ref.code = host_call_stub();
  f->ref.vmctx = f.get();
  f->ref.sig_id = canonical_sig_id(f->type);
  f->self = f;
  return f;
}

Result<std::shared_ptr<Table>> Table::make(const TableType& t, void* init) {
  TERN_TRY(TableStorage storage, TableStorage::create(t.limits.min, t.limits.max.value_or(0xffffffffu), init));
  return std::make_shared<Table>(t, std::move(storage));
}

Table::Table(const TableType& t, TableStorage storage) : type(t), elements(std::move(storage)) {
  data.elements = elements.data();
  data.size = elements.size();
  data.max = t.limits.max ? static_cast<uint32_t>(*t.limits.max) : 0xffffffffu;
}

int64_t Table::grow(uint32_t delta, void* init) {
  std::lock_guard lock(grow_mu);
  uint32_t old = elements.size();
  // The storage's capacity is min(max, kMaxTableElements), the implementation limit.
  if (uint64_t{old} + delta > std::min<uint64_t>(data.max, elements.capacity())) return -1;
  keep({&init, 1});
  if (!elements.grow(delta, init)) return -1;  // its pages could not be committed
  // Published after the elements are written: generated code reads the size, then elements.
  std::atomic_ref<uint32_t>(data.size).store(elements.size(), std::memory_order_release);
  return old;
}

// ---- modules ----------------------------------------------------------------------------

Result<std::shared_ptr<Module>> Module::compile(std::span<const uint8_t> bytes, const DecodeOptions& options,
                                                WorkerPool* pool) {
  // Function bodies are validated by the compiler's own pass (one traversal, DESIGN.md).
  DecodeOptions sections_only = options;
  sections_only.validate_functions = false;
  TERN_TRY(auto info, decode_module(bytes, sections_only));
  auto m = std::make_shared<Module>();
  m->info_ = std::move(info);
  m->features_ = options.features;
  TERN_TRY(m->code_, compile_module(m->info_, options.features, pool ? pool : &default_pool()));
  m->sig_ids_.reserve(m->info_->types.size());
  for (const FuncType& t : m->info_->types) m->sig_ids_.push_back(canonical_sig_id(t));
  return m;
}

// ---- instances --------------------------------------------------------------------------

void register_instance(Instance* inst);    // table_refs.cpp
void unregister_instance(Instance* inst);  // table_refs.cpp
void collect_instance_cycles_if_due();     // table_refs.cpp
Result<std::shared_ptr<Table>> make_global_keeper(const Instance* owner);  // table_refs.cpp

Instance::~Instance() {
  // Leave the instance graph, drop what this instance keeps alive, then look for cycles that
  // only this instance's references kept reachable (table_refs.cpp, invariant 6).
  unregister_instance(this);
  {
    auto owners = std::move(import_owners_);
    auto tables = std::move(own_tables_);
  }
  collect_instance_cycles_if_due();
}

Status Instance::link(std::span<const Extern> imports) {
  const ModuleInfo& m = module_->info();
  if (imports.size() != m.imports.size())
    return Error(ErrorKind::Link, "module needs " + std::to_string(m.imports.size()) + " imports, " +
                                      std::to_string(imports.size()) + " were provided");
  for (size_t i = 0; i < imports.size(); ++i) {
    const Import& imp = m.imports[i];
    const Extern& ex = imports[i];
    TERN_TRY_STATUS(check_import(m, i, ex));
    import_owners_.push_back(ex.owner);
    switch (imp.kind) {
      case ExternKind::Func: funcs_[imp.index] = ex.func; break;
      case ExternKind::Table:
        tables_[imp.index] = ex.table;
        table_datas_[imp.index] = &ex.table->data;
        break;
      case ExternKind::Memory:
        memories_[imp.index] = ex.memory;
        mem_bases_[imp.index] = ex.memory->base();
        break;
      case ExternKind::Global:
        globals_[imp.index] = ex.global;
        global_cells_[imp.index] = &ex.global->cell;
        break;
    }
  }
  return {};
}

Result<Value> Instance::eval_const(const ConstExpr& e) const {
  if (e.code.size() == 1 && e.code[0].op == Op::I32Const) {  // the usual segment offset: no stack
    return Value::i32(static_cast<uint32_t>(e.code[0].value));
  }
  std::vector<Value> stack;
  for (const ConstInstr& ci : e.code) {
    switch (ci.op) {
      case Op::I32Const: stack.push_back(Value::i32(static_cast<uint32_t>(ci.value))); break;
      case Op::I64Const: stack.push_back(Value::i64(ci.value)); break;
      case Op::F32Const: stack.push_back(Value::f32_bits(static_cast<uint32_t>(ci.value))); break;
      case Op::F64Const: stack.push_back(Value::f64_bits(ci.value)); break;
      case Op::V128Const: stack.push_back(Value{ValType::V128, ci.value, ci.value_hi}); break;
      case Op::RefNull: stack.push_back(Value{static_cast<ValType>(ci.value), 0, 0}); break;
      case Op::RefFunc: stack.push_back(Value{ValType::FuncRef, reinterpret_cast<uint64_t>(funcs_[ci.value]), 0}); break;
      case Op::GlobalGet: {
        const GlobalInstance* g = globals_[ci.value];
        stack.push_back(Value{g->type.type, g->cell.lo, g->cell.hi});
        break;
      }
      default: {  // extended-const arithmetic
        Value b = stack.back();
        stack.pop_back();
        Value& a = stack.back();
        bool is32 = a.type == ValType::I32;
        uint64_t r = ci.op == Op::I32Add || ci.op == Op::I64Add   ? a.lo + b.lo
                     : ci.op == Op::I32Sub || ci.op == Op::I64Sub ? a.lo - b.lo
                                                                  : a.lo * b.lo;
        a.lo = is32 ? static_cast<uint32_t>(r) : r;
        break;
      }
    }
  }
  if (stack.size() != 1) return Error(ErrorKind::Internal, "constant expression left " + std::to_string(stack.size()) + " values");
  return stack.back();
}

Result<std::shared_ptr<Instance>> Instance::instantiate(std::shared_ptr<Module> module, std::span<const Extern> imports,
                                                       const InstanceLimits& limits) {
  return instantiate(std::move(module), imports, limits, MemorySupply{});
}

Result<std::shared_ptr<Instance>> Instance::instantiate(std::shared_ptr<Module> module, std::span<const Extern> imports,
                                                       const InstanceLimits& limits, const MemorySupply& memories) {
  std::shared_ptr<Instance> inst(new Instance());
  inst->module_ = module;
  inst->code_ = module->code();
  const ModuleInfo& m = module->info();
  size_t nf = m.functions.size(), ng = m.globals.size(), nt = m.tables.size(), nm = m.memories.size();
  inst->funcs_.assign(nf, nullptr);
  inst->func_code_.assign(nf, nullptr);
  inst->globals_.assign(ng, nullptr);
  inst->global_cells_.assign(ng, nullptr);
  inst->tables_.assign(nt, nullptr);
  inst->table_datas_.assign(nt, nullptr);
  inst->memories_.assign(nm, nullptr);
  inst->mem_bases_.assign(nm, nullptr);
  inst->data_applied_.assign(nm, false);
  TERN_TRY_STATUS(inst->link(imports));
  if (module->sig_ids().size() == m.types.size()) {
    inst->sig_ids_ = module->sig_ids();
  } else {  // a Module that Module::compile did not make
    for (const FuncType& t : m.types) inst->sig_ids_.push_back(canonical_sig_id(t));
  }

  VMContext& vm = inst->vmctx_;
  vm.instance = inst.get();
  install_helpers(vm);
  vm.func_code = inst->func_code_.data();
  vm.funcs = inst->funcs_.data();
  vm.globals = inst->global_cells_.data();
  vm.tables = inst->table_datas_.data();
  vm.mem_bases = inst->mem_bases_.data();
  vm.sig_ids = inst->sig_ids_.data();

  // Defined functions.
  inst->own_funcs_.resize(nf - m.num_imported_functions);  // never resized again: funcs_ points into it
  for (uint32_t f = m.num_imported_functions; f < nf; ++f) {
    FuncRef& ref = inst->own_funcs_[f - m.num_imported_functions];
    ref.code = inst->code_->entry(f);
    ref.vmctx = &vm;
    ref.sig_id = inst->sig_ids_[m.functions[f].type_index];
    ref.func_index = f;
    ref.instance = inst.get();
    inst->func_code_[f] = ref.code;
    inst->funcs_[f] = &ref;
  }
  // Memories.
  for (uint32_t i = m.num_imported_memories; i < nm; ++i) {
    std::shared_ptr<LinearMemory> shared;
    if (memories.acquire) {
      auto supplied = memories.acquire(i, m.memories[i], limits.max_memory_pages);
      if (!supplied.ok()) return std::move(supplied).error().context("memory " + std::to_string(i));
      shared = std::move(supplied->memory);
      inst->data_applied_[i] = shared && supplied->data_applied;
    }
    if (!shared) {
      auto mem = LinearMemory::create(m.memories[i], limits.max_memory_pages);
      if (!mem.ok()) return std::move(mem).error().context("memory " + std::to_string(i));
      shared = std::move(*mem);
    }
    inst->memories_[i] = shared.get();
    inst->mem_bases_[i] = shared->base();
    inst->own_memories_.push_back(std::move(shared));
  }
  vm.mem0_base = nm ? inst->mem_bases_[0] : nullptr;
  // Globals (initializers see imported globals and functions). Funcref globals share one
  // keeper table (table_refs.cpp, invariant 8).
  std::shared_ptr<Table> global_keeper;
  for (uint32_t i = m.num_imported_globals; i < ng; ++i) {
    auto g = std::make_unique<GlobalInstance>();
    g->type = m.globals[i].type;
    if (g->type.type == ValType::FuncRef) {
      if (!global_keeper) {
        TERN_TRY(global_keeper, make_global_keeper(inst.get()));
      }
      g->keeper = global_keeper.get();
    }
    TERN_TRY(Value v, inst->eval_const(m.globals[i].init));
    g->cell.lo = v.lo;
    g->cell.hi = v.hi;
    inst->globals_[i] = g.get();
    inst->global_cells_[i] = &g->cell;
    inst->own_globals_.push_back(std::move(g));
  }
  // Tables.
  for (uint32_t i = m.num_imported_tables; i < nt; ++i) {
    auto made = Table::make(m.tables[i]);
    if (!made.ok()) return std::move(made).error().context("table " + std::to_string(i));
    auto t = std::move(*made);
    t->owner = inst.get();
    inst->tables_[i] = t.get();
    inst->table_datas_[i] = &t->data;
    inst->own_tables_.push_back(std::move(t));
  }
  if (global_keeper) inst->own_tables_.push_back(std::move(global_keeper));
  // The graph reads import_owners_ and own_tables_, complete from here on. Before the segments:
  // an instance whose later segment fails may already sit in an imported table.
  register_instance(inst.get());
  TERN_TRY_STATUS(inst->initialize());
  collect_instance_cycles_if_due();
  return inst;
}

// Element and data segments in order, then the start function.
Status Instance::initialize() {
  const ModuleInfo& m = module_->info();
  dropped_data = std::vector<std::atomic<bool>>(m.datas.size());  // all false
  dropped_elems = std::vector<std::atomic<bool>>(m.elems.size());
  elem_values.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    for (const ConstExpr& e : seg.items) {
      TERN_TRY(Value v, eval_const(e));
      elem_values[i].push_back(reinterpret_cast<void*>(v.lo));
    }
  }
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == SegmentMode::Passive) continue;
    dropped_elems[i] = true;  // active and declarative segments are dropped after use
    if (seg.mode == SegmentMode::Declarative) continue;
    TERN_TRY(Value off, eval_const(seg.offset));
    Table* t = tables_[seg.table];
    uint64_t dst = static_cast<uint32_t>(off.lo), n = elem_values[i].size();
    if (dst + n > t->size()) return Error(ErrorKind::Instantiate, "out of bounds table access");
    t->keep(elem_values[i]);
    for (size_t k = 0; k < n; ++k) t->elements[dst + k] = elem_values[i][k];
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    dropped_data[i] = true;
    TERN_TRY(Value off, eval_const(seg.offset));
    uint8_t* dst = memories_[seg.memory]->checked(static_cast<uint32_t>(off.lo), seg.init.size);
    if (!dst) return Error(ErrorKind::Instantiate, "out of bounds memory access");
    if (!data_applied_[seg.memory]) std::memcpy(dst, m.bytes.data() + seg.init.offset, seg.init.size);
  }
  if (m.start) {
    auto r = call(*m.start, {});
    if (!r.ok()) return std::move(r).error().context("start function");
  }
  return {};
}

std::optional<Extern> Instance::get_export(std::string_view name) {
  const ModuleInfo& m = module_->info();
  for (const Export& e : m.exports) {
    if (e.name != name) continue;
    Extern x;
    x.kind = e.kind;
    x.owner = shared_from_this();
    switch (e.kind) {
      case ExternKind::Func: x.func = funcs_[e.index]; x.func_type = &m.func_type(e.index); break;
      case ExternKind::Table: x.table = tables_[e.index]; break;
      case ExternKind::Memory: x.memory = memories_[e.index]; break;
      case ExternKind::Global: x.global = globals_[e.index]; break;
    }
    return x;
  }
  return std::nullopt;
}

Result<std::vector<Value>> Instance::call(std::string_view export_name, std::span<const Value> args) {
  auto e = get_export(export_name);
  if (!e || e->kind != ExternKind::Func) return Error(ErrorKind::Usage, "no exported function \"" + std::string(export_name) + "\"");
  return call_ref(*e->func, *e->func_type, args);
}

Result<std::vector<Value>> Instance::call(uint32_t func, std::span<const Value> args) {
  return call_ref(*funcs_[func], module_->info().func_type(func), args);
}

namespace {
// The lowest address this thread's wasm code may push to: its stack's low end plus room for
// the signal handler's caller frames and host functions.
uintptr_t thread_stack_limit() {
  thread_local uintptr_t limit = [] {
    StackBounds b = current_thread_stack();
    return b.low + std::min<size_t>((b.high - b.low) / 4, 256 * 1024);
  }();
  return limit;
}

// How many call_ref frames this thread is inside: the outermost one sets the thread's stack
// limit (jit/vmctx.h, invariant 5) and restores what the slot held before.
thread_local uint32_t wasm_entry_depth = 0;
}  // namespace

Result<std::vector<Value>> Instance::call_ref(const FuncRef& f, const FuncType& type, std::span<const Value> args) {
  return call_ref(f, type, args, nullptr);
}

Result<std::vector<Value>> Instance::call_ref(const FuncRef& f, const FuncType& type, std::span<const Value> args,
                                              std::vector<WasmFrame>* trap_frames) {
  if (args.size() != type.params.size())
    return Error(ErrorKind::Usage, "expected " + std::to_string(type.params.size()) + " arguments, got " + std::to_string(args.size()));
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].type != type.params[i])
      return Error(ErrorKind::Usage, "argument " + std::to_string(i) + ": expected " + std::string(to_string(type.params[i])) +
                                         ", got " + std::string(to_string(args[i].type)));
  int32_t area_bytes = call_area_size(type);
  std::vector<uint64_t> area(static_cast<size_t>(area_bytes) / 8 + 2, 0);
  AreaLayout in = area_layout(type.params);
  auto* bytes = reinterpret_cast<uint8_t*>(area.data());
  for (size_t i = 0; i < args.size(); ++i) {
    std::memcpy(bytes + in.offsets[i], &args[i].lo, 8);
    if (args[i].type == ValType::V128) std::memcpy(bytes + in.offsets[i] + 8, &args[i].hi, 8);
  }
  // r15 for the trampoline: the callee's VMContext, or for a host function its HostFunc
  // (whose first word the trampoline reads as a memory base, see jit/entry.h).
  auto* vm = static_cast<VMContext*>(f.vmctx);
  // The callee's instance stays alive for the call, even if every other holder lets go of it
  // meanwhile (on another thread).
  std::shared_ptr<Instance> hold = f.instance ? f.instance->weak_from_this().lock() : nullptr;
  const uintptr_t saved_limit = wasm_entry_depth == 0 ? thread_stack_limit_slot() : 0;
  if (wasm_entry_depth++ == 0) set_thread_stack_limit_slot(thread_stack_limit());
  EntryFn entry = entry_trampoline();
  const void* code = f.code;
  uint64_t* area_ptr = area.data();
  auto trap = call_with_trap_handling([&] { entry(code, vm, area_ptr, static_cast<uint32_t>(area_bytes)); });
  if (--wasm_entry_depth == 0) set_thread_stack_limit_slot(saved_limit);
  if (trap && trap_frames) *trap_frames = symbolize(*trap);
  if (trap && trap->kind == TrapKind::HostTrap && pending_host_error) {
    Error e = std::move(*pending_host_error);
    pending_host_error.reset();
    return e;
  }
  if (trap) return Error(ErrorKind::Trap, std::string(trap_message(trap->kind))).with_details(format_backtrace(*trap));
  std::vector<Value> results(type.results.size());
  AreaLayout out = area_layout(type.results);
  for (size_t i = 0; i < results.size(); ++i) {
    results[i].type = type.results[i];
    std::memcpy(&results[i].lo, bytes + out.offsets[i], 8);
    if (results[i].type == ValType::I32 || results[i].type == ValType::F32) results[i].lo &= 0xffffffffu;
    if (results[i].type == ValType::V128) std::memcpy(&results[i].hi, bytes + out.offsets[i] + 8, 8);
  }
  return results;
}

}  // namespace tern
