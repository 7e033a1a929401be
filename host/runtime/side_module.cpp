// Side modules (DESIGN block in side_module.h).
#include "host/runtime/side_module.h"

#include <cstring>
#include <utility>

#include "host/runtime/guest_memory.h"

namespace tern {

namespace {

// Where one import of a side module comes from; fixed by load(), replayed by attach().
struct ImportPlan {
  enum class Source : uint8_t {
    MainMemory,   // the main instance's memory 0
    MainTable,    // the main instance's function table
    MainExport,   // the main instance's export `name`
    SideExport,   // export `name` of the library loaded `library`-th
    Constant,     // a new global holding `value` (__memory_base, __table_base, GOT.*)
    Host,         // tern.dlopen / tern.dlsym
  };
  Source source = Source::Constant;
  std::string name;
  uint32_t library = 0;
  uint32_t value = 0;
};

// A table slot load() reserved for a function, filled in every instance of the main module.
struct SlotFill {
  uint32_t slot = 0;
  bool from_main = false;  // else from the library being loaded
  std::string export_name;
};

struct Symbol {
  bool is_func = false;
  uint32_t value = 0;  // table slot or address
};

uint64_t align_up(uint64_t v, uint32_t log2) {
  const uint64_t a = uint64_t{1} << log2;
  return (v + a - 1) & ~(a - 1);
}

// The main module's function table: the export wasm-ld names __indirect_function_table, else
// table 0.
Table* main_table(Instance& main) {
  if (auto e = main.get_export("__indirect_function_table"); e && e->kind == ExternKind::Table) return e->table;
  return main.module().info().tables.empty() ? nullptr : main.table(0);
}

bool is_i32_global(const Extern& e) {
  return e.kind == ExternKind::Global && e.global->type.type == ValType::I32;
}

}  // namespace

struct DynamicLinker::Library {
  std::string name;
  uint32_t index = 0;  // load order
  std::shared_ptr<Module> module;
  DylinkInfo dylink;
  uint32_t memory_base = 0;
  uint32_t table_base = 0;
  uint32_t table_before = 0;  // the main table's size before this library's slots
  uint32_t table_after = 0;   // and after
  std::vector<ImportPlan> imports;  // in the side module's import order
  std::vector<SlotFill> fills;
  std::map<std::string, Symbol, std::less<>> symbols;
};

namespace {

using Library = DynamicLinker::Library;

std::string side_context(const Library& lib) { return "side module '" + lib.name + "'"; }

std::string import_label(const ModuleInfo& m, size_t i) {
  return "import #" + std::to_string(i) + " " + m.imports[i].module + "." + m.imports[i].field;
}

// Symbol lookup of invariant 3 while load() plans `lib`: main exports, earlier libraries, then
// `lib` itself (its `symbols` are filled before its imports are planned).
class Planner {
 public:
  Planner(Instance& main, Table& table, std::span<const std::shared_ptr<const Library>> earlier, Library& lib,
          uint32_t next_slot)
      : main_(main), table_(table), earlier_(earlier), lib_(lib), next_slot_(next_slot) {}

  uint32_t next_slot() const { return next_slot_; }

  Result<ImportPlan> plan(size_t i, DynamicLinker& linker) {
    const ModuleInfo& m = lib_.module->info();
    const Import& imp = m.imports[i];
    ImportPlan p;
    auto unresolved = [&](std::string_view why) -> Result<ImportPlan> {
      if (lib_.dylink.weak_imports.count({imp.module, imp.field}) && imp.kind == ExternKind::Global) {
        ImportPlan zero;  // an undefined weak symbol's address is 0
        return zero;
      }
      return Error(ErrorKind::Link) << import_label(m, i) << ": " << why;
    };
    if (imp.module == "GOT.mem" || imp.module == "GOT.func") {
      if (imp.kind != ExternKind::Global) return unresolved("a GOT entry must be a global");
      const bool want_func = imp.module == "GOT.func";
      auto value = want_func ? func_slot(imp.field) : data_address(imp.field);
      if (!value) return unresolved("no " + std::string(want_func ? "function" : "data symbol") + " '" + imp.field +
                                    "' in the main module, earlier side modules or this one");
      p.value = *value;
      return p;
    }
    if (imp.module == "tern") {
      if (!linker.host_import(imp)) return unresolved("tern provides only tern.dlopen and tern.dlsym");
      p.source = ImportPlan::Source::Host;
      p.name = imp.field;
      return p;
    }
    if (imp.module != "env") return unresolved("side modules import from env, GOT.mem, GOT.func and tern only");
    switch (imp.kind) {
      case ExternKind::Memory: p.source = ImportPlan::Source::MainMemory; return p;
      case ExternKind::Table: p.source = ImportPlan::Source::MainTable; return p;
      case ExternKind::Global:
        if (imp.field == "__memory_base") {
          p.value = lib_.memory_base;
          return p;
        }
        if (imp.field == "__table_base") {
          p.value = lib_.table_base;
          return p;
        }
        if (auto e = main_.get_export(imp.field); e && e->kind == ExternKind::Global) {
          p.source = ImportPlan::Source::MainExport;
          p.name = imp.field;
          return p;
        }
        if (imp.field == "__stack_pointer")
          return unresolved("the main module does not export __stack_pointer (link it with "
                            "-Wl,--export=__stack_pointer)");
        return unresolved("the main module exports no global '" + imp.field + "'");
      case ExternKind::Func:
        if (auto e = main_.get_export(imp.field); e && e->kind == ExternKind::Func) {
          p.source = ImportPlan::Source::MainExport;
          p.name = imp.field;
          return p;
        }
        for (const auto& lib : earlier_) {
          auto s = lib->symbols.find(imp.field);
          if (s == lib->symbols.end() || !s->second.is_func) continue;
          p.source = ImportPlan::Source::SideExport;
          p.library = lib->index;
          p.name = imp.field;
          return p;
        }
        return unresolved("no function '" + imp.field + "' exported by the main module or earlier side modules");
    }
    return unresolved("unsupported import kind");
  }

 private:
  std::optional<uint32_t> data_address(const std::string& name) {
    if (auto e = main_.get_export(name); e && is_i32_global(*e)) return static_cast<uint32_t>(e->global->cell.lo);
    for (const auto& lib : earlier_)
      if (auto s = lib->symbols.find(name); s != lib->symbols.end() && !s->second.is_func) return s->second.value;
    if (auto s = lib_.symbols.find(name); s != lib_.symbols.end() && !s->second.is_func) return s->second.value;
    return std::nullopt;
  }

  std::optional<uint32_t> func_slot(const std::string& name) {
    if (auto e = main_.get_export(name); e && e->kind == ExternKind::Func) return main_func_slot(name, e->func);
    for (const auto& lib : earlier_)
      if (auto s = lib->symbols.find(name); s != lib->symbols.end() && s->second.is_func) return s->second.value;
    if (auto s = lib_.symbols.find(name); s != lib_.symbols.end() && s->second.is_func) return s->second.value;
    return std::nullopt;
  }

  // A main-module function already in the table keeps its slot (function pointers compare
  // equal across modules); otherwise it gets a new slot after the library's own.
  uint32_t main_func_slot(const std::string& name, const FuncRef* f) {
    {
      std::lock_guard lock(table_.grow_mu);
      for (uint32_t i = 0; i < lib_.table_before; ++i)
        if (table_.elements[i] == f) return i;
    }
    for (const SlotFill& fill : lib_.fills)
      if (fill.from_main && fill.export_name == name) return fill.slot;
    lib_.fills.push_back(SlotFill{next_slot_, true, name});
    return next_slot_++;
  }

  Instance& main_;
  Table& table_;
  std::span<const std::shared_ptr<const Library>> earlier_;
  Library& lib_;
  uint32_t next_slot_;
};

Extern constant_global(uint32_t value, bool mut) {
  auto g = std::make_shared<GlobalInstance>();
  g->type = GlobalType{ValType::I32, mut};
  g->cell.lo = value;
  Extern e;
  e.kind = ExternKind::Global;
  e.global = g.get();
  e.owner = std::move(g);
  return e;
}

// Instantiates `lib` against `main` (any instance of the main module) and `sides` (the
// libraries loaded before it, instantiated against the same `main`), then fills its slots.
//
// kNoOwnerOfMain: what the side instance imports from `main` (memory, table, globals,
// functions) does not keep `main` alive, because `main` keeps the side instance alive through
// its table (the side module's functions are in it), and an owning reference back would be a
// cycle that never frees either (nor a thread's instance after the thread ends). The side
// instance is reachable only through main's table, later side instances of the same `main`,
// or DynamicLinker::instance(), whose pointer owns `main` too; so it never runs without it.
Result<std::shared_ptr<Instance>> instantiate_library(DynamicLinker& linker, const Library& lib, Instance& main,
                                                      std::span<const std::shared_ptr<Instance>> sides) {
  const ModuleInfo& m = lib.module->info();
  Table* table = main_table(main);
  std::vector<Extern> imports;
  imports.reserve(lib.imports.size());
  for (size_t i = 0; i < lib.imports.size(); ++i) {
    const ImportPlan& p = lib.imports[i];
    const Import& imp = m.imports[i];
    Extern e;
    switch (p.source) {
      case ImportPlan::Source::MainMemory:
        if (!main.memory(0)) return Error(ErrorKind::Link) << import_label(m, i) << ": the main module has no memory";
        e.kind = ExternKind::Memory;
        e.memory = main.memory(0);
        break;
      case ImportPlan::Source::MainTable:
        e.kind = ExternKind::Table;
        e.table = table;
        break;
      case ImportPlan::Source::MainExport: {
        auto x = main.get_export(p.name);
        if (!x) return Error(ErrorKind::Link) << import_label(m, i) << ": the main module does not export " << p.name;
        e = std::move(*x);
        e.owner.reset();  // see kNoOwnerOfMain
        break;
      }
      case ImportPlan::Source::SideExport: {
        auto x = sides[p.library]->get_export(p.name);
        if (!x) return Error(ErrorKind::Internal) << import_label(m, i) << ": export " << p.name << " went missing";
        e = std::move(*x);
        break;
      }
      case ImportPlan::Source::Constant: e = constant_global(p.value, m.globals[imp.index].type.mut); break;
      case ImportPlan::Source::Host: {
        auto x = linker.host_import(imp);
        if (!x) return Error(ErrorKind::Internal) << import_label(m, i) << ": no host function";
        e = std::move(*x);
        break;
      }
    }
    imports.push_back(std::move(e));
  }
  TERN_TRY(auto side, Instance::instantiate(lib.module, imports));
  // The slots for the library's exported functions and the main functions its GOT names.
  std::vector<std::pair<uint32_t, Extern>> refs;
  for (const SlotFill& fill : lib.fills) {
    auto x = fill.from_main ? main.get_export(fill.export_name) : side->get_export(fill.export_name);
    if (!x || x->kind != ExternKind::Func)
      return Error(ErrorKind::Internal) << "table slot " << fill.slot << ": no function " << fill.export_name;
    refs.emplace_back(fill.slot, std::move(*x));
  }
  // Kept before they become visible in the table (host/runtime/table_refs.cpp).
  std::vector<void*> values;
  for (auto& [slot, x] : refs) values.push_back(x.func);
  table->keep(values);
  std::lock_guard lock(table->grow_mu);
  for (auto& [slot, x] : refs) table->elements[slot] = x.func;
  return side;
}

// Static data for a library: `size` bytes aligned to 2^align_log2, zeroed (wasm-ld's
// __wasm_init_memory keeps its once-flag there). From the main module's malloc, else new pages.
Result<uint32_t> allocate_data(Instance& main, uint32_t size, uint32_t align_log2) {
  if (size == 0) return 0u;
  LinearMemory* mem = main.memory(0);
  if (!mem) return Error(ErrorKind::Link, "the main module has no memory");
  const uint64_t padded = uint64_t{size} + (uint64_t{1} << align_log2) - 1;
  if (padded > UINT32_MAX) return Error(ErrorKind::Limit) << "static data of " << size << " bytes is too large";
  uint64_t base = 0;
  if (main.get_export("malloc")) {
    TERN_TRY(GuestBuffer block, module_malloc(main, static_cast<uint32_t>(padded)));
    base = align_up(block.offset, align_log2);
  } else {
    const uint64_t pages = (padded + kPageSize - 1) / kPageSize;
    int64_t old = mem->grow(static_cast<uint32_t>(pages));
    if (old < 0) return Error(ErrorKind::Limit) << "cannot grow the main module's memory by " << pages << " pages for static data";
    base = align_up(static_cast<uint64_t>(old) * kPageSize, align_log2);
  }
  uint8_t* p = mem->checked(base, size);
  if (!p) return Error(ErrorKind::Internal) << "static data [" << base << ", +" << size << ") is outside memory";
  std::memset(p, 0, size);
  return static_cast<uint32_t>(base);
}

}  // namespace

std::shared_ptr<DynamicLinker> DynamicLinker::create() { return std::shared_ptr<DynamicLinker>(new DynamicLinker()); }

std::vector<std::shared_ptr<const DynamicLinker::Library>> DynamicLinker::snapshot() const {
  std::lock_guard lock(mu_);
  return libraries_;
}

std::optional<uint32_t> DynamicLinker::find(std::string_view name) const {
  std::lock_guard lock(mu_);
  for (const auto& lib : libraries_)
    if (lib->name == name) return lib->index + 1;
  return std::nullopt;
}

std::optional<uint32_t> DynamicLinker::symbol(uint32_t handle, std::string_view name) const {
  std::lock_guard lock(mu_);
  if (handle == 0 || handle > libraries_.size()) return std::nullopt;
  const Library& lib = *libraries_[handle - 1];
  auto s = lib.symbols.find(name);
  if (s == lib.symbols.end()) return std::nullopt;
  return s->second.value;
}

std::shared_ptr<Instance> DynamicLinker::instance(uint32_t handle) const {
  std::lock_guard lock(mu_);
  return handle == 0 || handle > first_instances_.size() ? nullptr : first_instances_[handle - 1];
}

std::optional<Extern> DynamicLinker::host_import(const Import& import) {
  if (import.module != "tern" || import.kind != ExternKind::Func) return std::nullopt;
  if (import.field != "dlopen" && import.field != "dlsym") return std::nullopt;
  std::lock_guard lock(mu_);
  if (host_funcs_.empty()) {
    std::weak_ptr<DynamicLinker> weak = weak_from_this();
    auto read_name = [](Caller& caller, uint32_t ptr, const char* what) -> Result<std::string_view> {
      if (!caller.instance) return Error(ErrorKind::Usage) << what << ": no calling instance";
      auto s = validate_app_str(*caller.instance, ptr);
      if (!s.ok()) return std::move(s).error().context(what);
      return *s;
    };
    host_funcs_.push_back(HostFunc::make(
        FuncType{{ValType::I32}, {ValType::I32}},
        [weak, read_name](Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
          TERN_TRY(std::string_view name, read_name(caller, static_cast<uint32_t>(args[0].lo), "tern.dlopen"));
          auto self = weak.lock();
          results[0] = Value::i32(self ? self->find(name).value_or(0) : 0);
          return {};
        }));
    host_funcs_.push_back(HostFunc::make(
        FuncType{{ValType::I32, ValType::I32}, {ValType::I32}},
        [weak, read_name](Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
          TERN_TRY(std::string_view name, read_name(caller, static_cast<uint32_t>(args[1].lo), "tern.dlsym"));
          auto self = weak.lock();
          results[0] = Value::i32(self ? self->symbol(static_cast<uint32_t>(args[0].lo), name).value_or(0) : 0);
          return {};
        }));
  }
  const std::shared_ptr<HostFunc>& f = host_funcs_[import.field == "dlopen" ? 0 : 1];
  Extern e;
  e.kind = ExternKind::Func;
  e.func = &f->ref;
  e.func_type = &f->type;
  e.owner = f;
  return e;
}

Result<uint32_t> DynamicLinker::load(Instance& main, std::string name, std::shared_ptr<Module> side) {
  auto fail = [&](Error e) { return std::move(e).context("side module '" + name + "'"); };
  auto earlier = snapshot();
  std::vector<std::shared_ptr<Instance>> sides;
  {
    std::lock_guard lock(mu_);
    for (const auto& lib : libraries_)
      if (lib->name == name) return fail(Error(ErrorKind::Usage, "a side module of this name is already loaded"));
    sides = first_instances_;
  }
  if (sides.size() != earlier.size()) return fail(Error(ErrorKind::Usage, "another load is in progress"));
  auto lib = std::make_shared<Library>();
  lib->name = name;
  lib->index = static_cast<uint32_t>(earlier.size());
  lib->module = side;
  const ModuleInfo& m = side->info();
  {
    auto dylink = read_dylink(m);
    if (!dylink.ok()) return fail(std::move(dylink).error());
    lib->dylink = std::move(*dylink);
  }
  for (const Export& e : m.exports)
    if (e.name == "__wasm_init_tls" || lib->dylink.tls_exports.count(e.name))
      return fail(Error(ErrorKind::Link, "thread-local variables in side modules are not supported (export " + e.name + ")"));
  Table* table = main_table(main);
  if (!table) return fail(Error(ErrorKind::Link, "the main module has no function table (link it with -Wl,--export-table)"));

  // Static data and the table layout: [table_base, +table_size) for the element segments,
  // then a slot per exported function, then slots for main functions named by GOT.func.
  auto data = allocate_data(main, lib->dylink.mem_size, lib->dylink.mem_align_log2);
  if (!data.ok()) return fail(std::move(data).error());
  lib->memory_base = *data;
  lib->table_before = table->size();
  const uint64_t table_base = align_up(lib->table_before, lib->dylink.table_align_log2);
  uint64_t next = table_base + lib->dylink.table_size;
  for (const Export& e : m.exports) {
    if (e.kind == ExternKind::Func) {
      lib->symbols[e.name] = Symbol{true, static_cast<uint32_t>(next)};
      lib->fills.push_back(SlotFill{static_cast<uint32_t>(next), false, e.name});
      ++next;
    } else if (e.kind == ExternKind::Global && e.index >= m.num_imported_globals) {
      const Global& g = m.globals[e.index];
      if (g.type.type == ValType::I32 && !g.type.mut && g.init.code.size() == 1 && g.init.code[0].op == Op::I32Const)
        lib->symbols[e.name] = Symbol{false, lib->memory_base + static_cast<uint32_t>(g.init.code[0].value)};
    }
  }
  if (next > UINT32_MAX) return fail(Error(ErrorKind::Limit, "the function table would exceed 2^32 slots"));
  lib->table_base = static_cast<uint32_t>(table_base);
  Planner planner(main, *table, earlier, *lib, static_cast<uint32_t>(next));
  for (size_t i = 0; i < m.imports.size(); ++i) {
    auto p = planner.plan(i, *this);
    if (!p.ok()) return fail(std::move(p).error());
    lib->imports.push_back(std::move(*p));
  }
  lib->table_after = planner.next_slot();
  if (table->grow(lib->table_after - lib->table_before, nullptr) != static_cast<int64_t>(lib->table_before))
    return fail(Error(ErrorKind::Limit) << "cannot grow the main module's table from " << lib->table_before << " to "
                                        << lib->table_after << " elements (link the main module with "
                                        << "-Wl,--growable-table)");

  auto inst = instantiate_library(*this, *lib, main, sides);
  if (!inst.ok()) return fail(std::move(inst).error());
  // Once, on the first instance: relocations in the static data, then C constructors.
  for (const char* init : {"__wasm_apply_data_relocs", "__wasm_call_ctors"}) {
    if (!(*inst)->get_export(init)) continue;
    auto r = (*inst)->call(init, {});
    if (!r.ok()) return fail(std::move(r).error().context(init));
  }
  // The handle's pointer owns the main instance as well (kNoOwnerOfMain).
  struct MainAndSide {
    std::shared_ptr<Instance> main, side;
  };
  auto both = std::make_shared<MainAndSide>(MainAndSide{main.shared_from_this(), std::move(*inst)});
  std::lock_guard lock(mu_);
  libraries_.push_back(lib);
  first_instances_.emplace_back(both, both->side.get());
  return lib->index + 1;
}

Status DynamicLinker::attach(Instance& main_instance) {
  auto libs = snapshot();
  if (libs.empty()) return {};
  Table* table = main_table(main_instance);
  if (!table) return Error(ErrorKind::Link, "the main module has no function table");
  std::vector<std::shared_ptr<Instance>> sides;
  for (const auto& lib : libs) {
    auto fail = [&](Error e) { return std::move(e).context(side_context(*lib) + " in a new instance"); };
    // A fresh instance's table is as the main module's first instance's was before the load.
    const uint32_t size = table->size();
    if (size != lib->table_before || table->grow(lib->table_after - size, nullptr) != size)
      return fail(Error(ErrorKind::Link) << "the main module's table has " << size << " elements, expected "
                                         << lib->table_before << " (and room for " << lib->table_after << ")");
    auto inst = instantiate_library(*this, *lib, main_instance, sides);
    if (!inst.ok()) return fail(std::move(inst).error());
    sides.push_back(std::move(*inst));
  }
  return {};
}

}  // namespace tern
