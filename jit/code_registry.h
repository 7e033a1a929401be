// Process-wide registry of executable wasm code ranges, read by the trap signal handler.
// DESIGN block in jit/code_registry.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tern {

struct CodeRange {
  uintptr_t begin = 0;
  uintptr_t end = 0;            // exclusive
  const void* owner = nullptr;  // e.g. the CodeObject; never dereferenced by the registry
  uint32_t tag = 0;             // what `owner` points to (e.g. CodeObject::kRegistryTag); 0: unknown
};

// Registers [begin, end) as wasm code owned by `owner` (non-null), whose type `tag` names.
// Ranges must not overlap and must be non-empty; a violation is a bug and aborts. Thread-safe
// (takes a mutex).
void register_code(const void* begin, const void* end, const void* owner, uint32_t tag = 0);
// Removes the range that starts at `begin`; aborts if there is none. Thread-safe. When it
// returns, no concurrent lookup still reads the removed entry.
void unregister_code(const void* begin);

// The owner of the range containing `pc`, or nullptr. Lock-free, async-signal-safe.
const void* lookup_code(uintptr_t pc);
// Like lookup_code, also returning the whole range. Lock-free, async-signal-safe.
bool lookup_code_range(uintptr_t pc, CodeRange* out);

// Number of registered ranges (for tests and diagnostics).
size_t registered_code_count();

}  // namespace tern
