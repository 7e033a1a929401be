// DESIGN (memory/linear_memory.cpp). SANDBOX-CRITICAL: generated code has no bounds checks.
//
// 1. Every 32-bit memory reserves kReservationBytes (4 GiB index range + 4 GiB offset range +
//    a 64 KiB tail guard) up front, PROT_NONE. For any index, offset < 2^32 and access width
//    <= 16, every byte of base + index + offset lies inside the reservation, so an access at or
//    past the size touches only PROT_NONE pages of *this* memory and faults; it can never reach
//    another mapping.
// 2. [0, size) is read/write, [size, reservation end) is PROT_NONE. size is a multiple of
//    64 KiB (itself a multiple of the OS page) and never exceeds 4 GiB.
// 3. The base never changes (no memory ever moves), so generated code may pin it in a register
//    and a shared memory's pointer is valid in every thread.
// 4. grow() holds grow_mu_ across check, mprotect and publish; size_ is stored with release
//    after mprotect returns, so a thread that reads the new size (acquire) can touch its pages.
//    Memories never shrink, so a size read earlier stays a valid lower bound.
// 5. size never exceeds grow_limit_ = min(declared max or 65536, embedder limit).
// 6. A memory created with an image (memory/memory_pool.cpp) keeps the image's private file
//    mapping over the image's range for life; reset() discards private pages, so that range
//    reads as the image again and the rest of the initial size as zero.
#include "memory/linear_memory.h"

#include <utility>

namespace tern {

Result<std::unique_ptr<LinearMemory>> LinearMemory::create(const MemoryType& type, uint32_t limit_pages) {
  return create(type, limit_pages, nullptr);
}

Result<std::unique_ptr<LinearMemory>> LinearMemory::create(const MemoryType& type, uint32_t limit_pages,
                                                           std::shared_ptr<const MemoryImage> image) {
  const Limits& l = type.limits;
  if (limit_pages > kMaxPages32) {
    return Error(ErrorKind::Usage) << "memory limit of " << limit_pages << " pages exceeds " << kMaxPages32;
  }
  if (l.min > kMaxPages32) {
    return Error(ErrorKind::Invalid) << "memory minimum of " << l.min << " pages exceeds " << kMaxPages32;
  }
  if (l.max && *l.max > kMaxPages32) {
    return Error(ErrorKind::Invalid) << "memory maximum of " << *l.max << " pages exceeds " << kMaxPages32;
  }
  if (l.max && *l.max < l.min) {
    return Error(ErrorKind::Invalid) << "memory maximum (" << *l.max << ") is below its minimum (" << l.min << ")";
  }
  if (l.shared && !l.max) return Error(ErrorKind::Invalid) << "shared memory must have a maximum";
  if (l.min > limit_pages) {
    return Error(ErrorKind::Limit) << "memory needs " << l.min << " pages, the limit is " << limit_pages;
  }
  const uint64_t declared = l.max.value_or(kMaxPages32);
  const auto grow_limit = static_cast<uint32_t>(declared < limit_pages ? declared : limit_pages);

  TERN_TRY(Reservation r, Reservation::reserve(kReservationBytes));
  const uint64_t initial = l.min * kPageSize;
  TERN_TRY_STATUS(r.make_accessible(0, initial));
  if (image) {
    if (image->offset() > initial || image->size() > initial - image->offset()) {
      return Error(ErrorKind::Internal) << "memory image [" << image->offset() << ", +" << image->size()
                                        << ") exceeds the initial " << initial << " bytes";
    }
    TERN_TRY_STATUS(r.map_file(image->offset(), image->size(), image->fd()));
  }
  std::unique_ptr<LinearMemory> m(new LinearMemory(std::move(r), type, grow_limit));
  m->initial_bytes_ = initial;
  m->image_ = std::move(image);
  m->size_.store(initial, std::memory_order_release);
  return m;
}

LinearMemory::LinearMemory(Reservation reservation, const MemoryType& type, uint32_t grow_limit)
    : reservation_(std::move(reservation)),
      declared_max_(type.limits.max),
      grow_limit_(grow_limit),
      shared_(type.limits.shared) {}

int64_t LinearMemory::grow(uint32_t delta_pages) {
  std::lock_guard lock(grow_mu_);
  const uint64_t old_bytes = size_.load(std::memory_order_relaxed);  // only written under grow_mu_
  const uint64_t old_pages = old_bytes / kPageSize;
  if (delta_pages == 0) return static_cast<int64_t>(old_pages);
  if (delta_pages > grow_limit_ - old_pages) return -1;  // old_pages <= grow_limit_ (invariant 5)
  const uint64_t delta_bytes = uint64_t{delta_pages} * kPageSize;
  if (!reservation_.make_accessible(old_bytes, delta_bytes).ok()) return -1;
  size_.store(old_bytes + delta_bytes, std::memory_order_release);
  return static_cast<int64_t>(old_pages);
}

Status LinearMemory::reset() {
  std::lock_guard lock(grow_mu_);
  const uint64_t size = size_.load(std::memory_order_relaxed);
  TERN_TRY_STATUS(reservation_.discard(0, initial_bytes_));
  if (size > initial_bytes_) {
    // Shrink before decommitting: a reader never sees a size whose pages are gone.
    size_.store(initial_bytes_, std::memory_order_release);
    TERN_TRY_STATUS(reservation_.decommit(initial_bytes_, size - initial_bytes_));
  }
  return {};
}

uint8_t* LinearMemory::checked(uint64_t offset, uint64_t len) const {
  const uint64_t size = size_bytes();
  if (len > size || offset > size - len) return nullptr;
  return base() + offset;
}

}  // namespace tern
