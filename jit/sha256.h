// SHA-256 (FIPS 180-4), for the code cache's keys and checksums (jit/code_cache.h).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace tern {

using Digest256 = std::array<uint8_t, 32>;

// Incremental SHA-256: feed bytes with update(), take the digest once with finish().
class Sha256 {
 public:
  Sha256();
  void update(std::span<const uint8_t> bytes);
  void update(const void* data, size_t size) { update({static_cast<const uint8_t*>(data), size}); }
  Digest256 finish();

  // Allows or forbids the SHA instructions (for tests of both paths); returns whether they
  // are used now.
  static bool use_hardware(bool allowed);

  static Digest256 of(std::span<const uint8_t> bytes) {
    Sha256 h;
    h.update(bytes);
    return h.finish();
  }

 private:
  void compress(const uint8_t* block);
  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Lower-case hexadecimal.
std::string to_hex(std::span<const uint8_t> bytes);

}  // namespace tern
