// A wasm linear memory: 8 GiB of reserved address space, of which [0, size) is accessible.
// DESIGN block in memory/linear_memory.cpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "jit/types.h"
#include "memory/memory_image.h"
#include "memory/reservation.h"
#include "tern/result.h"

namespace tern {

class LinearMemory {
 public:
  // Address space reserved per memory: every 32-bit index plus every 32-bit offset, plus a tail
  // guard so even the last byte of the widest (16-byte) access stays inside the reservation.
  static constexpr uint64_t kIndexRange = uint64_t{1} << 32;
  static constexpr uint64_t kOffsetRange = uint64_t{1} << 32;
  static constexpr uint64_t kTailGuard = kPageSize;
  static constexpr uint64_t kReservationBytes = kIndexRange + kOffsetRange + kTailGuard;

  // Reserves the address space (PROT_NONE, MAP_NORESERVE | MAP_PRIVATE | MAP_ANONYMOUS) and
  // makes the initial `type.limits.min` pages read/write. `limit_pages` is the embedder limit
  // (<= 65536): the memory never grows past it, and creation fails if min exceeds it.
  static Result<std::unique_ptr<LinearMemory>> create(const MemoryType& type, uint32_t limit_pages = kMaxPages32);
  // The same, with `image` (if any) mapped copy-on-write over its range: the memory starts
  // with the image's bytes, zero elsewhere. For memory pools (memory/memory_pool.h).
  static Result<std::unique_ptr<LinearMemory>> create(const MemoryType& type, uint32_t limit_pages,
                                                      std::shared_ptr<const MemoryImage> image);

  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;
  ~LinearMemory() = default;

  uint8_t* base() const { return reservation_.base(); }
  // Accessible bytes. Acquire load: pages below this size are accessible to the reader.
  uint64_t size_bytes() const { return size_.load(std::memory_order_acquire); }
  uint32_t pages() const { return static_cast<uint32_t>(size_bytes() / kPageSize); }
  bool shared() const { return shared_; }
  // The module's declared maximum, if any (not the embedder limit).
  std::optional<uint64_t> max_pages() const { return declared_max_; }
  // The effective maximum: min(declared max or 65536, embedder limit).
  uint32_t grow_limit_pages() const { return grow_limit_; }

  // memory.grow: returns the old size in pages, or -1 if the new size would pass the maximum or
  // the embedder limit, or committing fails. Never moves. Thread-safe: grows serialize on a
  // mutex; the new size is published (release) only after its pages are accessible.
  int64_t grow(uint32_t delta_pages);

  // A pointer to [offset, offset + len) if that range lies inside the current size, else
  // nullptr. No overflow for any arguments. The pointer stays valid (memory never shrinks).
  uint8_t* checked(uint64_t offset, uint64_t len) const;

  // Back to the state create() left: the initial size, every byte zero or the image's again,
  // pages past the initial size inaccessible and released. The caller guarantees that nothing
  // else uses the memory meanwhile (memory pools reset a memory only its pool can reach).
  Status reset();

  // For generated code: the size in bytes as an 8-byte aligned atomic (a plain 64-bit load of
  // it is an acquire load on x86-64).
  const std::atomic<uint64_t>* size_address() const { return &size_; }

 private:
  LinearMemory(Reservation reservation, const MemoryType& type, uint32_t grow_limit);

  Reservation reservation_;
  std::atomic<uint64_t> size_{0};
  std::mutex grow_mu_;  // serializes grow(); size_ is written only under it
  std::optional<uint64_t> declared_max_;
  uint64_t initial_bytes_ = 0;
  std::shared_ptr<const MemoryImage> image_;  // mapped over its range, or null
  uint32_t grow_limit_;
  bool shared_;
};

static_assert(std::atomic<uint64_t>::is_always_lock_free, "generated code reads size_ directly");

}  // namespace tern
