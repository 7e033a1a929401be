// Pools of linear memories of one type, reset and reused. DESIGN block in memory/memory_pool.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "memory/linear_memory.h"
#include "memory/memory_image.h"
#include "tern/result.h"

namespace tern {

class MemoryPool : public std::enable_shared_from_this<MemoryPool> {
 public:
  // Memories of `type` (not shared) with the embedder limit `limit_pages`, each starting with
  // `image` (may be null: all zero). At most `max_idle` released memories are kept.
  static Result<std::shared_ptr<MemoryPool>> create(const MemoryType& type, uint32_t limit_pages,
                                                    std::shared_ptr<const MemoryImage> image, size_t max_idle);

  MemoryPool(const MemoryPool&) = delete;
  MemoryPool& operator=(const MemoryPool&) = delete;

  // A memory in its initial state: an idle one, or a new one. When its last owner lets go it
  // is reset and comes back here (or is unmapped, if max_idle are already idle or the pool is
  // gone). Thread-safe.
  Result<std::shared_ptr<LinearMemory>> acquire();

  size_t idle_count() const;
  // Memories this pool created (not counting reuses); for tests and diagnostics.
  size_t created_count() const;
  const std::shared_ptr<const MemoryImage>& image() const { return image_; }

 private:
  MemoryPool(const MemoryType& type, uint32_t limit_pages, std::shared_ptr<const MemoryImage> image, size_t max_idle)
      : type_(type), limit_pages_(limit_pages), image_(std::move(image)), max_idle_(max_idle) {}
  static void release(const std::weak_ptr<MemoryPool>& pool, LinearMemory* memory);

  const MemoryType type_;
  const uint32_t limit_pages_;
  const std::shared_ptr<const MemoryImage> image_;
  const size_t max_idle_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<LinearMemory>> idle_;  // guarded by mu_; each already reset
  size_t created_ = 0;                               // guarded by mu_
};

}  // namespace tern
