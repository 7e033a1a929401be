// DESIGN (memory/memory_pool.cpp, memory/memory_image.cpp): instances in microseconds.
//
// Creating a memory costs an 8 GiB mmap, an mprotect, and later an munmap that tears down every
// page the guest touched; copying data segments touches (faults in) every page they cover. A
// pool removes both from the hot path:
// 1. A MemoryPool holds memories of one type. A memory it hands out is a shared_ptr whose
//    deleter resets the memory (LinearMemory::reset: madvise(MADV_DONTNEED) of the initial
//    range, PROT_NONE + MADV_DONTNEED of whatever the guest grew) and returns it to the idle
//    list. The reset runs on the releasing thread, outside the pool's lock; the lock guards
//    only the idle list and counters.
// 2. A reset memory is indistinguishable from a new one: the initial size, contents zero or the
//    image, the same grow limit. Reset happens only after the last owner let go, so no other
//    thread can observe the shrink (LinearMemory invariant 4 holds for every observer).
// 3. The idle list keeps at most max_idle memories; beyond that a released memory is unmapped.
//    The deleter holds the pool weakly: a memory outliving its pool is simply unmapped.
// 4. A MemoryImage is the memory's initial bytes after every active data segment, built once
//    (per module) into a sealed memfd covering only the pages the segments touch. Each pooled
//    memory maps it MAP_PRIVATE | MAP_FIXED over that range once, at creation; writes are
//    copy-on-write, and MADV_DONTNEED on reset drops the private copies, so the range reads as
//    the image again with no copying and no remapping. Untouched image pages are shared by
//    every memory through the page cache.
// 5. An image is only correct when the segments' effect is known before instantiation: all
//    active segments of that memory have constant offsets and fit, and the memory is defined
//    (not imported) and not shared. Otherwise the instance copies its segments as usual
//    (host/runtime/instance_pool.cpp decides).
#include "memory/memory_pool.h"

#include <utility>

namespace tern {

Result<std::shared_ptr<MemoryPool>> MemoryPool::create(const MemoryType& type, uint32_t limit_pages,
                                                       std::shared_ptr<const MemoryImage> image, size_t max_idle) {
  if (type.limits.shared) return Error(ErrorKind::Usage) << "a memory pool cannot hold shared memories";
  // Validate the type and limit once, the way every later create() will.
  TERN_TRY(auto first, LinearMemory::create(type, limit_pages, image));
  std::shared_ptr<MemoryPool> pool(new MemoryPool(type, limit_pages, std::move(image), max_idle));
  pool->created_ = 1;
  if (max_idle > 0) pool->idle_.push_back(std::move(first));
  return pool;
}

Result<std::shared_ptr<LinearMemory>> MemoryPool::acquire() {
  std::unique_ptr<LinearMemory> memory;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      memory = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++created_;
    }
  }
  if (!memory) {
    auto made = LinearMemory::create(type_, limit_pages_, image_);
    if (!made.ok()) {
      std::lock_guard lock(mu_);
      --created_;
      return std::move(made).error();
    }
    memory = std::move(*made);
  }
  std::weak_ptr<MemoryPool> self = weak_from_this();
  return std::shared_ptr<LinearMemory>(memory.release(), [self](LinearMemory* m) { release(self, m); });
}

void MemoryPool::release(const std::weak_ptr<MemoryPool>& weak, LinearMemory* memory) {
  std::unique_ptr<LinearMemory> owned(memory);
  std::shared_ptr<MemoryPool> pool = weak.lock();
  if (!pool) return;
  {
    std::lock_guard lock(pool->mu_);
    if (pool->idle_.size() >= pool->max_idle_) return;  // full: unmap (invariant 3)
  }
  if (!owned->reset().ok()) return;  // a memory that cannot be reset is not reused
  std::lock_guard lock(pool->mu_);
  if (pool->idle_.size() < pool->max_idle_) pool->idle_.push_back(std::move(owned));
}

size_t MemoryPool::idle_count() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

size_t MemoryPool::created_count() const {
  std::lock_guard lock(mu_);
  return created_;
}

}  // namespace tern
