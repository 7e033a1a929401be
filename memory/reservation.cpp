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

Status Reservation::make_accessible(size_t offset, size_t len) {
  const size_t page = os_page_size();
  if (offset % page != 0 || len % page != 0 || offset > size_ || len > size_ - offset) {
    return Error(ErrorKind::Internal) << "make_accessible: [" << offset << ", +" << len
                                      << ") is not a page-aligned range inside " << size_ << " bytes";
  }
  if (len == 0) return {};
  if (mprotect(base_ + offset, len, PROT_READ | PROT_WRITE) != 0) {
    return Error(ErrorKind::Limit) << "committing " << len << " bytes failed: " << strerror(errno);
  }
  return {};
}

}  // namespace tern
