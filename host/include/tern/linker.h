// tern::Linker: names for imports (host functions, WASI, other instances' exports, host
// memories, tables and globals), and instantiation of modules against them.
//
// DESIGN
// 1. A definition is (module, name) -> Extern. Defining a name twice is a Usage error unless
//    shadowing is allowed, so a typo'd second definition never silently wins.
// 2. instantiate() resolves every import in order: an explicit definition first, then WASI
//    for `wasi_snapshot_preview1` when define_wasi was called. An import nothing provides
//    fails with "import #N module.name: unknown import"; one of the wrong type fails with the
//    runtime's import check ("import #4 env.memory: declared shared=0, provided shared=1").
// 3. A reactor (exports `_initialize` and not `_start`) has `_initialize` called before
//    instantiate() returns; a command's `_start` is the embedder's to call.
// 4. wasi-threads: a thread instantiates the program again with the imports its main instance
//    got, so every thread shares the memory and host functions (threads/thread_group.h).
// 5. A Linker may be used from several threads at once: definitions are guarded by a mutex,
//    and an instantiation copies what it resolved before running any guest code.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "host/runtime/runtime.h"
#include "tern/engine.h"
#include "tern/extern.h"
#include "tern/func.h"
#include "tern/result.h"

namespace tern {

namespace wasi {
class Wasi;
}
class ThreadGroup;

class Linker {
 public:
  explicit Linker(Engine engine);

  // A host function from a C++ callable, its wasm type deduced (tern/func.h, HostCallable):
  //   linker.func("env", "add", [](int32_t a, int32_t b) { return a + b; });
  template <class F>
  Status func(std::string_view module, std::string_view name, F&& callable) {
    return define(module, name, Func::wrap(std::forward<F>(callable)).as_extern());
  }
  // A host function with an explicit type, receiving and returning Vals.
  Status func(std::string_view module, std::string_view name, FuncType type, HostFunc::Callback callback);

  Status define(std::string_view module, std::string_view name, const Extern& item);
  Status define(std::string_view module, std::string_view name, const Func& f) { return define(module, name, f.as_extern()); }
  Status define(std::string_view module, std::string_view name, const Memory& m) { return define(module, name, m.as_extern()); }
  Status define(std::string_view module, std::string_view name, const TableRef& t) { return define(module, name, t.as_extern()); }
  Status define(std::string_view module, std::string_view name, const GlobalRef& g) { return define(module, name, g.as_extern()); }
  // Every export of `instance`, under `module`.
  Status define_instance(std::string_view module, const std::shared_ptr<Instance>& instance);
  // WASI preview1 (`wasi_snapshot_preview1`) from `wasi` (host/wasi/wasi.h).
  Status define_wasi(std::shared_ptr<wasi::Wasi> wasi);
  // wasi-threads: `wasi`.`thread-spawn` from `group` (threads/thread_group.h, made with
  // engine.thread_limits()). instantiate() of a module importing it makes that module, with
  // the imports just resolved (the same shared memory), the group's program, and adds the
  // instance to the group; spawned threads instantiate it again. One program per group: the
  // embedder calls group->finish() when the program is over.
  Status define_wasi_threads(std::shared_ptr<ThreadGroup> group);
  // Later definitions of a name replace earlier ones instead of failing.
  void allow_shadowing(bool allow);

  // The imports of `module`, in its import order.
  Result<std::vector<Extern>> resolve(const Module& module) const;
  Result<std::shared_ptr<Instance>> instantiate(const std::shared_ptr<Module>& module) const;

  const Engine& engine() const { return engine_; }

 private:
  Engine engine_;
  std::unique_ptr<std::mutex> mu_ = std::make_unique<std::mutex>();  // a Linker can move
  std::map<std::pair<std::string, std::string>, Extern, std::less<>> defs_;  // guarded by mu_
  std::shared_ptr<wasi::Wasi> wasi_;                                          // guarded by mu_
  std::shared_ptr<ThreadGroup> thread_group_;                                 // guarded by mu_
  bool allow_shadowing_ = false;                                              // guarded by mu_
};

}  // namespace tern
