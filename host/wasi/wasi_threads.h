// Linking a WASI command that may use wasi-threads (the glue between host/wasi and threads/).
//
// DESIGN
// 1. A threaded WASI command imports its memory (shared) and `wasi`.`thread-spawn`. The
//    embedder creates every imported memory from the import's own type, once: the main
//    instance and every spawned thread's instance get the same Extern, so they share it.
// 2. `wasi`.`thread-spawn: (i32) -> i32` comes from a ThreadGroup (threads/thread_group.h);
//    without a group it is an unknown import.
// 3. Everything else resolves as wasi::link_import does: wasi_snapshot_preview1 functions,
//    and a Link error naming any other import.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "host/runtime/runtime.h"
#include "host/wasi/wasi.h"
#include "jit/module.h"
#include "tern/result.h"
#include "threads/thread_group.h"

namespace tern::wasi {

// Resolves an import before the rules above (nullopt: not this resolver's), e.g. the side
// module linker's tern.dlopen/tern.dlsym (host/runtime/side_module.h).
using ExtraImports = std::function<std::optional<Extern>(const Import& import)>;

// The imports of `module`, in import order. Imported memories are created here (limited to
// `max_memory_pages`); `group` and `extra` may be null.
Result<std::vector<Extern>> link_command_imports(const std::shared_ptr<Wasi>& wasi, const std::shared_ptr<ThreadGroup>& group,
                                                 const ModuleInfo& module, uint32_t max_memory_pages,
                                                 const ExtraImports& extra = {});

}  // namespace tern::wasi
