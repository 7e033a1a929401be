// Func, Memory, TableRef and GlobalRef handles; an Instance's and a Caller's exports as handles.

#include <cstring>

#include "tern/extern.h"
#include "tern/func.h"

namespace tern {

// ---- Func ---------------------------------------------------------------------------------

Result<Func> Func::from_extern(const Extern& e) {
  if (e.kind != ExternKind::Func || !e.func || !e.func_type)
    return Error(ErrorKind::Usage) << "expected a func, got a " << to_string(e.kind);
  Func f;
  f.ref_ = e.func;
  f.type_ = e.func_type;
  f.owner_ = e.owner;
  return f;
}

Func Func::host(FuncType type, HostFunc::Callback callback) {
  std::shared_ptr<HostFunc> h = HostFunc::make(std::move(type), std::move(callback));
  Func f;
  f.ref_ = &h->ref;
  f.type_ = &h->type;
  f.owner_ = std::move(h);
  return f;
}

Extern Func::as_extern() const {
  Extern e;
  e.kind = ExternKind::Func;
  e.func = ref_;
  e.func_type = type_;
  e.owner = owner_;
  return e;
}

Result<std::vector<Val>> Func::call(std::span<const Val> args) const {
  if (!valid()) return Error(ErrorKind::Usage, "call: the function handle is empty");
  return Instance::call_ref(*ref_, *type_, args);
}

Status Func::call(std::span<const Val> args, std::span<Val> results) const {
  if (valid() && results.size() != type_->results.size())
    return Error(ErrorKind::Usage) << "call: " << type_->results.size() << " result(s) expected, room for " << results.size();
  TERN_TRY(std::vector<Val> out, call(args));
  std::copy(out.begin(), out.end(), results.begin());
  return {};
}

namespace detail {
std::string signature_mismatch(const FuncType& wasm, const FuncType& cpp) {
  return "the function's type is " + to_string(wasm) + ", the C++ signature says " + to_string(cpp);
}
}  // namespace detail

// ---- Memory -------------------------------------------------------------------------------

Result<Memory> Memory::create(const MemoryType& type, uint32_t limit_pages) {
  TERN_TRY(auto mem, LinearMemory::create(type, limit_pages));
  std::shared_ptr<LinearMemory> shared(std::move(mem));
  Memory m;
  m.memory_ = shared.get();
  m.owner_ = std::move(shared);
  return m;
}

Result<Memory> Memory::from_extern(const Extern& e) {
  if (e.kind != ExternKind::Memory || !e.memory) return Error(ErrorKind::Usage) << "expected a memory, got a " << to_string(e.kind);
  Memory m;
  m.memory_ = e.memory;
  m.owner_ = e.owner;
  return m;
}

Result<std::span<uint8_t>> Memory::span(uint64_t offset, uint64_t len) const {
  if (!valid()) return Error(ErrorKind::Usage, "the memory handle is empty");
  uint8_t* p = memory_->checked(offset, len);
  if (!p) return Error(ErrorKind::Usage) << "memory range [" << offset << ", +" << len << ") is outside the memory (" << size() << " bytes)";
  return std::span<uint8_t>(p, len);
}

Status Memory::read(uint64_t offset, std::span<uint8_t> out) const {
  TERN_TRY(std::span<uint8_t> src, span(offset, out.size()));
  if (!out.empty()) std::memcpy(out.data(), src.data(), out.size());
  return {};
}

Status Memory::write(uint64_t offset, std::span<const uint8_t> bytes) const {
  TERN_TRY(std::span<uint8_t> dst, span(offset, bytes.size()));
  if (!bytes.empty()) std::memcpy(dst.data(), bytes.data(), bytes.size());
  return {};
}

Extern Memory::as_extern() const {
  Extern e;
  e.kind = ExternKind::Memory;
  e.memory = memory_;
  e.owner = owner_;
  return e;
}

// ---- TableRef -----------------------------------------------------------------------------

Result<TableRef> TableRef::create(const TableType& type) {
  TERN_TRY(auto t, Table::make(type));
  TableRef r;
  r.table_ = t.get();
  r.owner_ = std::move(t);
  return r;
}

Result<TableRef> TableRef::from_extern(const Extern& e) {
  if (e.kind != ExternKind::Table || !e.table) return Error(ErrorKind::Usage) << "expected a table, got a " << to_string(e.kind);
  TableRef r;
  r.table_ = e.table;
  r.owner_ = e.owner;
  return r;
}

Extern TableRef::as_extern() const {
  Extern e;
  e.kind = ExternKind::Table;
  e.table = table_;
  e.owner = owner_;
  return e;
}

// ---- GlobalRef -------------------------------------------------------------------------------

Result<GlobalRef> GlobalRef::create(GlobalType type, const Val& init) {
  if (init.type != type.type)
    return Error(ErrorKind::Usage) << "global of type " << type.type << " initialized with a " << init.type;
  TERN_TRY(HostGlobal g, make_host_global(type, init.lo, init.hi));
  GlobalRef r;
  r.global_ = g.global;
  r.owner_ = std::move(g.owner);
  return r;
}

Result<GlobalRef> GlobalRef::from_extern(const Extern& e) {
  if (e.kind != ExternKind::Global || !e.global) return Error(ErrorKind::Usage) << "expected a global, got a " << to_string(e.kind);
  GlobalRef r;
  r.global_ = e.global;
  r.owner_ = e.owner;
  return r;
}

Val GlobalRef::get() const { return Val{global_->type.type, global_->cell.lo, global_->cell.hi}; }

Status GlobalRef::set(const Val& v) const {
  if (!global_->type.mut) return Error(ErrorKind::Usage, "global is immutable");
  if (v.type != global_->type.type) return Error(ErrorKind::Usage) << "global has type " << global_->type.type << ", got a " << v.type;
  if (v.type == ValType::FuncRef) {  // the global keeps the function's owner alive
    global_->set_funcref(reinterpret_cast<void*>(v.lo));
    return {};
  }
  global_->cell.lo = v.lo;
  global_->cell.hi = v.hi;
  return {};
}

Extern GlobalRef::as_extern() const {
  Extern e;
  e.kind = ExternKind::Global;
  e.global = global_;
  e.owner = owner_;
  return e;
}

// ---- exports ------------------------------------------------------------------------------

namespace {
Result<Extern> find_export(Instance& instance, std::string_view name, ExternKind kind) {
  std::optional<Extern> e = instance.get_export(name);
  if (!e) return Error(ErrorKind::Usage) << "no export \"" << name << "\"";
  if (e->kind != kind)
    return Error(ErrorKind::Usage) << "export \"" << name << "\" is a " << to_string(e->kind) << ", not a " << to_string(kind);
  return *e;
}

Error no_caller_instance() { return Error(ErrorKind::Usage, "the host function was not called from a wasm instance"); }
}  // namespace

Result<Func> Instance::func(std::string_view name) {
  TERN_TRY(Extern e, find_export(*this, name, ExternKind::Func));
  return Func::from_extern(e);
}

Result<Memory> Instance::memory(std::string_view name) {
  TERN_TRY(Extern e, find_export(*this, name, ExternKind::Memory));
  return Memory::from_extern(e);
}

Result<TableRef> Instance::table(std::string_view name) {
  TERN_TRY(Extern e, find_export(*this, name, ExternKind::Table));
  return TableRef::from_extern(e);
}

Result<GlobalRef> Instance::global(std::string_view name) {
  TERN_TRY(Extern e, find_export(*this, name, ExternKind::Global));
  return GlobalRef::from_extern(e);
}

std::optional<Extern> Caller::get_export(std::string_view export_name) const {
  if (!instance) return std::nullopt;
  return instance->get_export(export_name);
}

Result<Memory> Caller::memory(std::string_view export_name) const {
  if (!instance) return no_caller_instance();
  return instance->memory(export_name);
}

Result<Func> Caller::func(std::string_view export_name) const {
  if (!instance) return no_caller_instance();
  return instance->func(export_name);
}

}  // namespace tern
