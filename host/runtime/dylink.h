// The `dylink.0` custom section of a WebAssembly side module (the tool-conventions
// DynamicLinking.md format that wasm-ld writes for `-shared --experimental-pic`).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "jit/module.h"
#include "tern/result.h"

namespace tern {

struct DylinkInfo {
  uint32_t mem_size = 0;          // bytes of static data the module needs at __memory_base
  uint32_t mem_align_log2 = 0;    // __memory_base must be a multiple of 1 << mem_align_log2
  uint32_t table_size = 0;        // table slots the module's element segments fill at __table_base
  uint32_t table_align_log2 = 0;
  std::vector<std::string> needed;  // other side modules this one was linked against
  // Imports (module, field) marked weak: unresolved, they become 0 instead of an error.
  std::set<std::pair<std::string, std::string>> weak_imports;
  // Exports marked thread-local: their globals are offsets from __tls_base.
  std::set<std::string> tls_exports;
};

// Reads the module's `dylink.0` section. An error if there is none (not a side module) or it
// is malformed (the message names the byte offset in the module).
Result<DylinkInfo> read_dylink(const ModuleInfo& module);

}  // namespace tern
