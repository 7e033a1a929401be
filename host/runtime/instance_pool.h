// Instances of one compiled module in microseconds: memories come from a pool, data segments
// from a copy-on-write image. DESIGN block in memory/memory_pool.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "host/runtime/runtime.h"
#include "memory/memory_pool.h"
#include "tern/result.h"

namespace tern {

class InstancePool {
 public:
  // Every instance links `imports` (in the module's import order) and has `limits`. Each
  // defined, unshared memory gets a pool keeping up to `max_idle_memories` released memories;
  // one whose active data segments all have constant offsets that fit also gets an image.
  static Result<std::shared_ptr<InstancePool>> create(std::shared_ptr<Module> module, std::vector<Extern> imports,
                                                      InstanceLimits limits, size_t max_idle_memories = 64);

  // A fresh instance, indistinguishable from Instance::instantiate(module, imports, limits):
  // memories at their initial size holding only the data segments, globals and tables
  // initialized, the start function run. When the instance is destroyed its memories return
  // to the pool. Thread-safe.
  Result<std::shared_ptr<Instance>> instantiate();

  const std::shared_ptr<Module>& module() const { return module_; }
  // For tests and diagnostics, by memory index: whether the memory is pooled, whether its data
  // come from an image, and the pool itself (nullptr for imported, shared or unpoolable ones).
  bool pooled(uint32_t memory) const { return pool_of(memory) != nullptr; }
  bool uses_image(uint32_t memory) const;
  const MemoryPool* pool_of(uint32_t memory) const;

 private:
  InstancePool() = default;

  std::shared_ptr<Module> module_;
  std::vector<Extern> imports_;
  InstanceLimits limits_;
  std::vector<std::shared_ptr<MemoryPool>> pools_;  // by memory index; null: created fresh
  MemorySupply supply_;
};

}  // namespace tern
