// The tern embedding API. One include:
//
//   #include <tern/tern.hpp>
//
//   tern::Engine engine;
//   TERN_TRY(auto module, tern::Module::compile(engine, bytes));
//   tern::Linker linker(engine);
//   TERN_TRY_STATUS(linker.func("env", "add", [](int32_t a, int32_t b) { return a + b; }));
//   TERN_TRY(auto instance, linker.instantiate(module));
//   TERN_TRY(auto twice, instance->func<int32_t(int32_t)>("twice"));
//   auto r = twice(21);  // Result<int32_t>: 42, or an Error (as_trap(r.error()) for a trap)
//
// Nothing here throws: every operation that can fail returns tern::Result or tern::Status.
// Build with `pkg-config --cflags --libs tern`.
#pragma once

#include "host/runtime/guest_memory.h"  // module_malloc, module_free, app_to_native, ...
#include "host/runtime/runtime.h"  // Module, Instance, Caller, Extern, Value
#include "host/wasi/wasi.h"        // wasi::Wasi, wasi::WasiConfig
#include "tern/engine.h"
#include "tern/extern.h"
#include "tern/func.h"
#include "tern/linker.h"
#include "tern/result.h"
#include "tern/values.h"
#include "threads/thread_group.h"      // ThreadGroup, for Linker::define_wasi_threads
