// The two pieces of generated glue between host code and wasm code.
#pragma once

#include <cstdint>

#include "jit/vmctx.h"

namespace tern {

// Host → wasm: copies `area_bytes` (a multiple of 16) of arguments from `area` to the stack,
// calls `code` with r15 = vmctx and r14 = its memory base, and copies the result area back.
// Must run inside call_with_trap_handling.
using EntryFn = void (*)(const void* code, VMContext* vmctx, uint64_t* area, uint32_t area_bytes);
EntryFn entry_trampoline();

// Wasm → host: the code of every host function's FuncRef. Its FuncRef::vmctx is the HostFunc;
// it calls HostFunc::invoke(self, area, caller vmctx) and raises the trap that returns (1 + kind).
struct HostFunc;
using HostInvokeFn = uint32_t (*)(HostFunc* self, uint64_t* area, VMContext* caller);
const void* host_call_stub();

// Layout every HostFunc starts with (the stub reads `invoke` at offset 8; offset 0 is read as
// a memory base by callers that switch instances and must be readable).
struct HostFuncHead {
  void* unused_mem_base = nullptr;
  HostInvokeFn invoke = nullptr;
};

}  // namespace tern
