// Reservation: mmap/mprotect/munmap, nothing else. See memory/linear_memory.cpp for the DESIGN.
#include "memory/reservation.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace tern {
namespace {

size_t os_page_size() {
  static const size_t size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

Result<Reservation> Reservation::reserve(size_t bytes) {
  const size_t page = os_page_size();
  if (bytes == 0 || bytes > SIZE_MAX - page) return Error(ErrorKind::Usage) << "cannot reserve " << bytes << " bytes";
  const size_t size = (bytes + page - 1) / page * page;
  void* p = mmap(nullptr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    return Error(ErrorKind::Limit) << "reserving " << size << " bytes of address space failed: "
                                   << strerror(errno);
  }
  return Reservation(static_cast<uint8_t*>(p), size);
}

Reservation::Reservation(Reservation&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Reservation& Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    release();
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Reservation::~Reservation() { release(); }

void Reservation::release() {
  if (base_ != nullptr) munmap(base_, size_);
  base_ = nullptr;
  size_ = 0;
}

Status Reservation::check_range(const char* what, size_t offset, size_t len) const {
  const size_t page = os_page_size();
  if (offset % page != 0 || len % page != 0 || offset > size_ || len > size_ - offset) {
    return Error(ErrorKind::Internal) << what << ": [" << offset << ", +" << len
                                      << ") is not a page-aligned range inside " << size_ << " bytes";
  }
  return {};
}

Status Reservation::make_accessible(size_t offset, size_t len) {
  TERN_TRY_STATUS(check_range("make_accessible", offset, len));
  if (len == 0) return {};
  if (mprotect(base_ + offset, len, PROT_READ | PROT_WRITE) != 0) {
    return Error(ErrorKind::Limit) << "committing " << len << " bytes failed: " << strerror(errno);
  }
  return {};
}

Status Reservation::discard(size_t offset, size_t len) {
  TERN_TRY_STATUS(check_range("discard", offset, len));
  if (len == 0) return {};
  if (madvise(base_ + offset, len, MADV_DONTNEED) != 0) {
    return Error(ErrorKind::Internal) << "discarding " << len << " bytes failed: " << strerror(errno);
  }
  return {};
}

Status Reservation::decommit(size_t offset, size_t len) {
  TERN_TRY_STATUS(check_range("decommit", offset, len));
  if (len == 0) return {};
  if (mprotect(base_ + offset, len, PROT_NONE) != 0) {
    return Error(ErrorKind::Internal) << "decommitting " << len << " bytes failed: " << strerror(errno);
  }
  return discard(offset, len);
}

Status Reservation::map_file(size_t offset, size_t len, int fd) {
  TERN_TRY_STATUS(check_range("map_file", offset, len));
  if (len == 0) return {};
  void* p = mmap(base_ + offset, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0);
  if (p == MAP_FAILED) {
    return Error(ErrorKind::Limit) << "mapping a " << len << "-byte memory image failed: " << strerror(errno);
  }
  return {};
}

}  // namespace tern
