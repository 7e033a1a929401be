// An RAII range of reserved address space: mapped PROT_NONE, committed piecewise.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tern/result.h"

namespace tern {

class Reservation {
 public:
  Reservation() = default;
  // Reserves `bytes` (rounded up to the OS page size) of inaccessible address space
  // (PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE).
  static Result<Reservation> reserve(size_t bytes);

  Reservation(Reservation&& other) noexcept;
  Reservation& operator=(Reservation&& other) noexcept;
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;
  ~Reservation();  // munmap

  uint8_t* base() const { return base_; }
  size_t size() const { return size_; }

  // mprotect(PROT_READ | PROT_WRITE) of [offset, offset + len); both must be page multiples
  // and the range must lie inside the reservation.
  Status make_accessible(size_t offset, size_t len);
  // madvise(MADV_DONTNEED) of [offset, offset + len) (page multiples, inside): the private
  // pages are dropped, so afterwards anonymous pages read as zero and pages of a mapped file
  // (map_file) read as the file again. The protection is unchanged.
  Status discard(size_t offset, size_t len);
  // Makes [offset, offset + len) inaccessible again (PROT_NONE) and discards its pages.
  Status decommit(size_t offset, size_t len);
  // Maps the first `len` bytes of file `fd` read/write, copy-on-write (MAP_PRIVATE | MAP_FIXED),
  // over [offset, offset + len): writes never reach the file. Page multiples, inside.
  Status map_file(size_t offset, size_t len, int fd);

 private:
  Reservation(uint8_t* base, size_t size) : base_(base), size_(size) {}
  void release();
  Status check_range(const char* what, size_t offset, size_t len) const;

  uint8_t* base_ = nullptr;
  size_t size_ = 0;
};

}  // namespace tern
