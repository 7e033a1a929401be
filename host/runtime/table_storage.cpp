// TableStorage: see table_storage.h.
#include "host/runtime/table_storage.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

namespace tern {
namespace {

// The bytes made accessible for `elements` elements: whole pages, at least one. Only these are
// writable; the rest of the reservation stays PROT_NONE, so with strict overcommit accounting
// (vm.overcommit_memory=2, where MAP_NORESERVE is ignored) a table is charged for what it
// holds, not for its maximum.
size_t accessible_bytes(uint64_t elements) {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const uint64_t bytes = std::max<uint64_t>(elements, 1) * sizeof(void*);
  return (bytes + page - 1) / page * page;
}

}  // namespace

Result<TableStorage> TableStorage::create(uint64_t size, uint64_t max_size, void* init) {
  if (size > kMaxTableElements) {
    return Error(ErrorKind::Limit) << "initial size " << size << " exceeds the implementation limit of "
                                   << kMaxTableElements << " elements";
  }
  // At least one element's room, so even an empty table has a mapping (and data() is not null).
  const uint64_t capacity = std::max<uint64_t>({size, std::min<uint64_t>(max_size, kMaxTableElements), 1});
  TERN_TRY(Reservation reservation, Reservation::reserve(capacity * sizeof(void*)));
  TERN_TRY_STATUS(reservation.make_accessible(0, accessible_bytes(size)));
  TableStorage s;
  s.elements_ = reinterpret_cast<void**>(reservation.base());
  s.reservation_ = std::move(reservation);
  s.capacity_ = static_cast<uint32_t>(capacity);
  if (init != nullptr) std::fill_n(s.elements_, size, init);  // fresh pages read as null already
  s.size_.store(static_cast<uint32_t>(size), std::memory_order_release);
  return s;
}

TableStorage::TableStorage(TableStorage&& other) noexcept
    : reservation_(std::move(other.reservation_)),
      elements_(std::exchange(other.elements_, nullptr)),
      capacity_(std::exchange(other.capacity_, 0)),
      size_(other.size_.exchange(0, std::memory_order_relaxed)) {}

TableStorage& TableStorage::operator=(TableStorage&& other) noexcept {
  if (this != &other) {
    reservation_ = std::move(other.reservation_);
    elements_ = std::exchange(other.elements_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
    size_.store(other.size_.exchange(0, std::memory_order_relaxed), std::memory_order_relaxed);
  }
  return *this;
}

bool TableStorage::grow(uint32_t delta, void* init) {
  const uint32_t old = size_.load(std::memory_order_relaxed);
  if (uint64_t{old} + delta > capacity_) return false;
  const size_t have = accessible_bytes(old), need = accessible_bytes(uint64_t{old} + delta);
  if (need > have && !reservation_.make_accessible(have, need - have).ok()) return false;
  std::fill_n(elements_ + old, delta, init);
  size_.store(old + delta, std::memory_order_release);
  return true;
}

}  // namespace tern
