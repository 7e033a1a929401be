// The initial contents of a linear memory, built once, mapped copy-on-write into many memories.
// DESIGN block in memory/memory_pool.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "tern/result.h"

namespace tern {

class MemoryImage {
 public:
  // Bytes written at a constant offset of the memory (an active data segment).
  struct Segment {
    uint64_t offset = 0;
    std::span<const uint8_t> bytes;
  };

  // The image of a memory of `memory_bytes` initial bytes after `segments` are written in
  // order (a later segment overwrites an earlier one). nullptr when no segment has a byte (the
  // memory starts all zero). Fails (ErrorKind::Instantiate) if a segment does not fit: callers
  // then copy the segments themselves, which reports the error the spec wants.
  static Result<std::shared_ptr<const MemoryImage>> create(std::span<const Segment> segments, uint64_t memory_bytes);

  MemoryImage(const MemoryImage&) = delete;
  MemoryImage& operator=(const MemoryImage&) = delete;
  ~MemoryImage();  // closes the memfd; mappings of it stay valid

  // The image covers [offset(), offset() + size()) of the memory; both are OS page multiples
  // and the range lies inside the initial size. Bytes outside it are zero.
  uint64_t offset() const { return offset_; }
  uint64_t size() const { return size_; }
  // A sealed memfd (no writes, no resizing) holding those bytes.
  int fd() const { return fd_; }

 private:
  MemoryImage(int fd, uint64_t offset, uint64_t size) : fd_(fd), offset_(offset), size_(size) {}

  int fd_;
  uint64_t offset_;
  uint64_t size_;
};

}  // namespace tern
