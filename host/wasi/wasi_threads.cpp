// Linking a WASI command that may use wasi-threads. DESIGN block in host/wasi/wasi_threads.h.
#include "host/wasi/wasi_threads.h"

#include <string>
#include <utility>

#include "memory/linear_memory.h"

namespace tern::wasi {
namespace {

Result<Extern> make_memory(const MemoryType& type, uint32_t max_pages, const std::string& what) {
  auto memory = LinearMemory::create(type, max_pages);
  if (!memory) return std::move(memory).error().context(what);
  std::shared_ptr<LinearMemory> shared(std::move(*memory));
  Extern ex;
  ex.kind = ExternKind::Memory;
  ex.memory = shared.get();
  ex.owner = std::move(shared);
  return ex;
}

}  // namespace

Result<std::vector<Extern>> link_command_imports(const std::shared_ptr<Wasi>& wasi, const std::shared_ptr<ThreadGroup>& group,
                                                 const ModuleInfo& module, uint32_t max_memory_pages,
                                                 const ExtraImports& extra) {
  std::vector<Extern> externs;
  std::shared_ptr<HostFunc> spawn;
  for (size_t i = 0; i < module.imports.size(); ++i) {
    const Import& imp = module.imports[i];
    const std::string what = "import #" + std::to_string(i) + " " + imp.module + "." + imp.field;
    if (extra) {
      if (auto ex = extra(imp)) {
        externs.push_back(std::move(*ex));
        continue;
      }
    }
    if (imp.kind == ExternKind::Memory) {
      TERN_TRY(Extern ex, make_memory(module.memories[imp.index], max_memory_pages, what));
      externs.push_back(std::move(ex));
      continue;
    }
    if (imp.module == "wasi" && imp.field == "thread-spawn" && group) {
      if (!spawn) spawn = ThreadGroup::make_spawn_function(group);
      if (imp.kind != ExternKind::Func)
        return Error(ErrorKind::Link, what + ": wasi-threads provides a function, the module imports a " +
                                          std::string(to_string(imp.kind)));
      const FuncType& have = module.func_type(imp.index);
      if (have != spawn->type)
        return Error(ErrorKind::Link, what + ": the module imports it as " + to_string(have) + ", wasi-threads defines " +
                                          to_string(spawn->type));
      Extern ex;
      ex.kind = ExternKind::Func;
      ex.func = &spawn->ref;
      ex.func_type = &spawn->type;
      ex.owner = spawn;
      externs.push_back(std::move(ex));
      continue;
    }
    TERN_TRY(Extern ex, link_import(wasi, module, i));
    externs.push_back(std::move(ex));
  }
  return externs;
}

}  // namespace tern::wasi
