// TableStorage: a table's element array at an address that never changes.
//
// Generated code on one thread may read a table's elements while another thread grows it
// (threads share tables; `tern.dlopen` grows the main module's table). So the array is never
// reallocated: the address space for the table's largest size is reserved once
// (MAP_NORESERVE, PROT_NONE beyond the pages in use) and growth makes pages accessible as
// needed, writes the new elements in place, then publishes the new size with a release store.
// A reader that sees a size (x86-64 loads are acquire loads) sees every element below it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "memory/reservation.h"
#include "tern/result.h"

namespace tern {

// The implementation limit on a table's size, in elements.
constexpr uint32_t kMaxTableElements = 10'000'000;

class TableStorage {
 public:
  TableStorage() = default;
  // `size` elements set to `init`, with room to grow in place to `max_size` (capped at
  // kMaxTableElements). A Limit error when `size` is above the cap or the reservation fails.
  static Result<TableStorage> create(uint64_t size, uint64_t max_size, void* init);

  TableStorage(TableStorage&& other) noexcept;
  TableStorage& operator=(TableStorage&& other) noexcept;
  TableStorage(const TableStorage&) = delete;
  TableStorage& operator=(const TableStorage&) = delete;

  void** data() const { return elements_; }
  uint32_t size() const { return size_.load(std::memory_order_acquire); }
  uint32_t capacity() const { return capacity_; }
  void*& operator[](size_t index) { return elements_[index]; }
  void* operator[](size_t index) const { return elements_[index]; }
  void** begin() { return elements_; }
  void** end() { return elements_ + size(); }

  // Appends `delta` copies of `init` and publishes the new size; false (nothing changed) when
  // that would pass capacity() or its pages cannot be made accessible. One grower at a time:
  // the caller serializes (Table::grow_mu).
  bool grow(uint32_t delta, void* init);

 private:
  Reservation reservation_;
  void** elements_ = nullptr;
  uint32_t capacity_ = 0;
  std::atomic<uint32_t> size_{0};
};

}  // namespace tern
