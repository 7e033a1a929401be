// InstancePool: a MemoryPool (and maybe a MemoryImage) per defined memory, handed to
// Instance::instantiate through a MemorySupply. DESIGN block in memory/memory_pool.cpp.
#include "host/runtime/instance_pool.h"

#include <optional>
#include <span>
#include <utility>

namespace tern {
namespace {

// The offset of an i32.const offset expression; nullopt for anything else (global.get,
// extended-const arithmetic), whose value is only known at instantiation.
std::optional<uint64_t> constant_offset(const ConstExpr& e) {
  if (e.code.size() != 1 || e.code[0].op != Op::I32Const) return std::nullopt;
  return static_cast<uint32_t>(e.code[0].value);
}

// The image of defined memory `index` (invariant 5 of memory/memory_pool.cpp), or nullopt if
// its segments must be copied at instantiation. A null image: no segment has a byte.
std::optional<std::shared_ptr<const MemoryImage>> image_for(const ModuleInfo& m, uint32_t index) {
  std::vector<MemoryImage::Segment> segments;
  for (const DataSegment& seg : m.datas) {
    if (seg.mode != SegmentMode::Active || seg.memory != index) continue;
    std::optional<uint64_t> offset = constant_offset(seg.offset);
    if (!offset) return std::nullopt;
    segments.push_back({*offset, std::span(m.bytes.data() + seg.init.offset, seg.init.size)});
  }
  auto image = MemoryImage::create(segments, m.memories[index].limits.min * kPageSize);
  if (!image.ok()) return std::nullopt;  // out of bounds: instantiation reports it
  return std::move(*image);
}

}  // namespace

Result<std::shared_ptr<InstancePool>> InstancePool::create(std::shared_ptr<Module> module, std::vector<Extern> imports,
                                                           InstanceLimits limits, size_t max_idle_memories) {
  if (!module) return Error(ErrorKind::Usage) << "instance pool: no module";
  std::shared_ptr<InstancePool> pool(new InstancePool());
  const ModuleInfo& m = module->info();
  pool->pools_.resize(m.memories.size());
  std::vector<bool> with_image(m.memories.size(), false);
  for (uint32_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    const MemoryType& type = m.memories[i];
    if (type.limits.shared) continue;  // shared with other threads' instances: never reused
    auto image = image_for(m, i);
    auto memory_pool = MemoryPool::create(type, limits.max_memory_pages, image.value_or(nullptr), max_idle_memories);
    if (!memory_pool.ok()) continue;  // e.g. over the limit: instantiation reports it
    pool->pools_[i] = std::move(*memory_pool);
    with_image[i] = image.has_value();
  }
  pool->module_ = std::move(module);
  pool->imports_ = std::move(imports);
  pool->limits_ = limits;
  // The supply holds the memory pools, not the InstancePool: instances never keep it alive.
  pool->supply_.acquire = [pools = pool->pools_, with_image](uint32_t index, const MemoryType&,
                                                              uint32_t) -> Result<MemorySupply::Supplied> {
    if (!pools[index]) return MemorySupply::Supplied{};
    TERN_TRY(auto memory, pools[index]->acquire());
    return MemorySupply::Supplied{std::move(memory), with_image[index]};
  };
  return pool;
}

Result<std::shared_ptr<Instance>> InstancePool::instantiate() {
  return Instance::instantiate(module_, imports_, limits_, supply_);
}

bool InstancePool::uses_image(uint32_t memory) const {
  const MemoryPool* p = pool_of(memory);
  return p != nullptr && p->image() != nullptr;
}

const MemoryPool* InstancePool::pool_of(uint32_t memory) const {
  return memory < pools_.size() ? pools_[memory].get() : nullptr;
}

}  // namespace tern
