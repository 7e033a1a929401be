// MemoryImage: a sealed memfd with a memory's initial bytes. DESIGN block in memory/memory_pool.cpp.
#include "memory/memory_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace tern {
namespace {

uint64_t os_page() { return static_cast<uint64_t>(sysconf(_SC_PAGESIZE)); }

// Writes all of `bytes` at `offset` of fd.
Status write_all(int fd, const uint8_t* bytes, size_t len, uint64_t offset) {
  while (len > 0) {
    const ssize_t n = pwrite(fd, bytes, len, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error(ErrorKind::Io) << "writing a memory image failed: " << strerror(errno);
    bytes += n;
    len -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return {};
}

}  // namespace

Result<std::shared_ptr<const MemoryImage>> MemoryImage::create(std::span<const Segment> segments, uint64_t memory_bytes) {
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const Segment& s : segments) {
    if (s.offset > memory_bytes || s.bytes.size() > memory_bytes - s.offset) {
      return Error(ErrorKind::Instantiate) << "data segment [" << s.offset << ", +" << s.bytes.size()
                                           << ") does not fit in " << memory_bytes << " bytes";
    }
    if (s.bytes.empty()) continue;
    lo = std::min(lo, s.offset);
    hi = std::max(hi, s.offset + s.bytes.size());
  }
  if (hi == 0) return std::shared_ptr<const MemoryImage>();
  const uint64_t page = os_page();
  lo = lo / page * page;
  hi = (hi + page - 1) / page * page;  // <= memory_bytes: that is a multiple of 64 KiB

  // Segments are applied in order into one buffer, so overlaps resolve as in instantiation.
  std::vector<uint8_t> bytes(hi - lo, 0);
  for (const Segment& s : segments) {
    if (!s.bytes.empty()) std::memcpy(bytes.data() + (s.offset - lo), s.bytes.data(), s.bytes.size());
  }
  const int fd = memfd_create("tern-memory-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return Error(ErrorKind::Limit) << "memfd_create failed: " << strerror(errno);
  std::shared_ptr<const MemoryImage> image(new MemoryImage(fd, lo, hi - lo));  // owns fd from here
  if (ftruncate(fd, static_cast<off_t>(hi - lo)) != 0) {
    return Error(ErrorKind::Limit) << "sizing a memory image failed: " << strerror(errno);
  }
  // Write only non-zero pages: zero pages stay holes and cost no memory.
  for (uint64_t at = 0; at < bytes.size(); at += page) {
    const uint8_t* p = bytes.data() + at;
    if (std::all_of(p, p + page, [](uint8_t b) { return b == 0; })) continue;
    TERN_TRY_STATUS(write_all(fd, p, page, at));
  }
  // Sealed: the image can never change under the memories that map it.
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    return Error(ErrorKind::Limit) << "sealing a memory image failed: " << strerror(errno);
  }
  return image;
}

MemoryImage::~MemoryImage() { close(fd_); }

}  // namespace tern
