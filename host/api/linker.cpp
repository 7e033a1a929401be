// Linker: definitions by (module, name) and instantiation against them (DESIGN block in
// tern/linker.h).

#include "tern/linker.h"

#include "host/wasi/wasi.h"
#include "threads/thread_group.h"

namespace tern {

namespace {
constexpr std::string_view kWasiModule = "wasi_snapshot_preview1";

std::string import_name(const ModuleInfo& m, size_t i) {
  return "import #" + std::to_string(i) + " " + m.imports[i].module + "." + m.imports[i].field;
}
}  // namespace

Linker::Linker(Engine engine) : engine_(std::move(engine)) {}

Status Linker::func(std::string_view module, std::string_view name, FuncType type, HostFunc::Callback callback) {
  return define(module, name, Func::host(std::move(type), std::move(callback)).as_extern());
}

Status Linker::define(std::string_view module, std::string_view name, const Extern& item) {
  const bool present = (item.kind == ExternKind::Func && item.func && item.func_type) ||
                       (item.kind == ExternKind::Table && item.table) || (item.kind == ExternKind::Memory && item.memory) ||
                       (item.kind == ExternKind::Global && item.global);
  if (!present) return Error(ErrorKind::Usage) << "define " << module << "." << name << ": the " << to_string(item.kind) << " is null";
  std::lock_guard lock(*mu_);
  auto [it, inserted] = defs_.try_emplace(std::make_pair(std::string(module), std::string(name)), item);
  if (inserted) return {};
  if (!allow_shadowing_) return Error(ErrorKind::Usage) << module << "." << name << " is already defined";
  it->second = item;
  return {};
}

Status Linker::define_instance(std::string_view module, const std::shared_ptr<Instance>& instance) {
  if (!instance) return Error(ErrorKind::Usage) << "define_instance " << module << ": the instance is null";
  for (const Export& e : instance->module().info().exports) {
    std::optional<Extern> item = instance->get_export(e.name);
    if (!item) return Error(ErrorKind::Internal) << "export \"" << e.name << "\" listed but not found";
    TERN_TRY_STATUS(define(module, e.name, *item));
  }
  return {};
}

Status Linker::define_wasi(std::shared_ptr<wasi::Wasi> wasi) {
  if (!wasi) return Error(ErrorKind::Usage, "define_wasi: the WASI context is null");
  std::lock_guard lock(*mu_);
  if (wasi_ && !allow_shadowing_) return Error(ErrorKind::Usage, "WASI is already defined");
  wasi_ = std::move(wasi);
  return {};
}

Status Linker::define_wasi_threads(std::shared_ptr<ThreadGroup> group) {
  if (!group) return Error(ErrorKind::Usage, "define_wasi_threads: the thread group is null");
  std::shared_ptr<HostFunc> fn = ThreadGroup::make_spawn_function(group);
  Extern e;
  e.kind = ExternKind::Func;
  e.func = &fn->ref;
  e.func_type = &fn->type;
  e.owner = fn;
  TERN_TRY_STATUS(define("wasi", "thread-spawn", e));
  std::lock_guard lock(*mu_);
  thread_group_ = std::move(group);
  return {};
}

void Linker::allow_shadowing(bool allow) {
  std::lock_guard lock(*mu_);
  allow_shadowing_ = allow;
}

Result<std::vector<Extern>> Linker::resolve(const Module& module) const {
  const ModuleInfo& m = module.info();
  std::vector<Extern> imports;
  imports.reserve(m.imports.size());
  std::lock_guard lock(*mu_);
  for (size_t i = 0; i < m.imports.size(); ++i) {
    const Import& imp = m.imports[i];
    auto it = defs_.find(std::make_pair(imp.module, imp.field));
    if (it != defs_.end()) {
      imports.push_back(it->second);
      continue;
    }
    if (wasi_ && imp.module == kWasiModule) {
      TERN_TRY(Extern e, wasi::link_import(wasi_, m, i));
      imports.push_back(std::move(e));
      continue;
    }
    return Error(ErrorKind::Link, import_name(m, i) + ": unknown import");
  }
  return imports;
}

Result<std::shared_ptr<Instance>> Linker::instantiate(const std::shared_ptr<Module>& module) const {
  if (!module) return Error(ErrorKind::Usage, "instantiate: the module is null");
  TERN_TRY(std::vector<Extern> imports, resolve(*module));
  std::shared_ptr<ThreadGroup> group;
  {
    std::lock_guard lock(*mu_);
    for (const Import& imp : module->info().imports)
      if (imp.module == "wasi" && imp.field == "thread-spawn") group = thread_group_;
  }
  if (group) group->set_program(module, imports, engine_.instance_limits());
  TERN_TRY(std::shared_ptr<Instance> instance, Instance::instantiate(module, imports, engine_.instance_limits()));
  if (group) group->add_instance(instance);
  if (instance->get_export("_initialize") && !instance->get_export("_start")) {
    auto r = instance->call("_initialize", {});
    if (!r.ok()) return std::move(r).error().context("_initialize");
  }
  return instance;
}

}  // namespace tern
