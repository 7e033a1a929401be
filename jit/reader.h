// A bounds-checked reader over module bytes with a sticky error, like V8's Decoder.
//
// DESIGN
// 1. Every read checks bounds. On the first failure the reader records one Error (with
//    the absolute byte offset and the current context, e.g. "section 10 (code), function 3")
//    and all later reads return 0 without moving: callers check failed() at convenient points
//    instead of after every byte.
// 2. LEB128 decoding rejects overlong encodings ("integer representation too long") and
//    unused bits that are not zero or sign copies ("integer too large"), as the spec requires.
// 3. Sizes read from the input are never trusted for allocation: callers compare a count with
//    remaining() (every element takes at least one byte) before reserving.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "tern/result.h"

namespace tern {

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes, size_t base_offset = 0)
      : begin_(bytes.data()), pos_(bytes.data()), end_(bytes.data() + bytes.size()), base_(base_offset) {}

  // Absolute offset of the next byte in the module.
  size_t offset() const { return base_ + static_cast<size_t>(pos_ - begin_); }
  size_t remaining() const { return static_cast<size_t>(end_ - pos_); }
  bool at_end() const { return pos_ >= end_; }
  bool ok() const { return !failed_; }
  bool failed() const { return failed_; }
  const uint8_t* pos() const { return pos_; }

  // Context names where errors happen ("section 10 (code), function 3"); callers set it.
  void set_context(std::string ctx) { context_ = std::move(ctx); }
  const std::string& context() const { return context_; }

  uint8_t u8(const char* what) {
    if (pos_ >= end_) { fail_eof(what); return 0; }
    return *pos_++;
  }
  uint8_t peek_u8() const { return pos_ < end_ ? *pos_ : 0; }

  uint32_t u32(const char* what) { return static_cast<uint32_t>(leb<32, false>(what)); }
  uint64_t u64(const char* what) { return leb<64, false>(what); }
  int32_t s32(const char* what) { return static_cast<int32_t>(leb<32, true>(what)); }
  int64_t s64(const char* what) { return static_cast<int64_t>(leb<64, true>(what)); }
  int64_t s33(const char* what) { return static_cast<int64_t>(leb<33, true>(what)); }

  uint32_t fixed_u32(const char* what) {
    uint32_t v = 0;
    if (auto p = take(4, what)) std::memcpy(&v, p, 4);
    return v;
  }
  uint64_t fixed_u64(const char* what) {
    uint64_t v = 0;
    if (auto p = take(8, what)) std::memcpy(&v, p, 8);
    return v;
  }

  // n raw bytes, or an empty span and an error.
  std::span<const uint8_t> bytes(size_t n, const char* what) {
    auto p = take(n, what);
    return p ? std::span<const uint8_t>(p, n) : std::span<const uint8_t>();
  }
  void skip(size_t n, const char* what) { (void)take(n, what); }

  // A length-prefixed UTF-8 name ("malformed UTF-8 encoding" if not valid UTF-8).
  std::string_view name(const char* what);

  // Records the first error at the current offset (or at `at`); later errors are dropped.
  void fail(std::string message) { fail_at(offset(), std::move(message)); }
  void fail_at(size_t at, std::string message, ErrorKind kind = ErrorKind::Malformed);
  // A validation error (assert_invalid) rather than a decoding one (assert_malformed).
  void invalid(std::string message) { fail_at(offset(), std::move(message), ErrorKind::Invalid); }
  void invalid_at(size_t at, std::string message) { fail_at(at, std::move(message), ErrorKind::Invalid); }
  // Takes the recorded error (valid only when failed()).
  Error error() const;
  // A sub-reader over the next n bytes (for sections and bodies); this reader moves past them.
  Reader sub(size_t n, const char* what);

 private:
  const uint8_t* take(size_t n, const char* what) {
    if (failed_ || n > remaining()) { fail_eof(what); return nullptr; }
    const uint8_t* p = pos_;
    pos_ += n;
    return p;
  }
  void fail_eof(const char* what);

  template <int Bits, bool Signed>
  uint64_t leb(const char* what) {
    constexpr int kMaxBytes = (Bits + 6) / 7;
    uint64_t result = 0;
    int shift = 0;
    size_t start = offset();
    for (int i = 0; i < kMaxBytes; ++i) {
      if (pos_ >= end_) { fail_eof(what); return 0; }
      uint8_t b = *pos_++;
      if (i == kMaxBytes - 1) {
        // The last byte may hold only the remaining bits; the rest must be zero
        // (unsigned) or copies of the sign bit (signed), and there is no continuation.
        constexpr int kUsed = Bits - 7 * (kMaxBytes - 1);
        if (b & 0x80) { fail_at(start, std::string("integer representation too long (") + what + ")"); return 0; }
        uint8_t unused = static_cast<uint8_t>(b & (0x7f & ~((1u << kUsed) - 1)));
        if constexpr (Signed) {
          bool negative = (b >> (kUsed - 1)) & 1;
          uint8_t want = negative ? static_cast<uint8_t>(0x7f & ~((1u << kUsed) - 1)) : 0;
          if (unused != want) { fail_at(start, std::string("integer too large (") + what + ")"); return 0; }
        } else if (unused != 0) {
          fail_at(start, std::string("integer too large (") + what + ")");
          return 0;
        }
      }
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        if constexpr (Signed) {
          if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
        }
        return result;
      }
    }
    return result;  // unreachable: the last byte either ends or fails
  }

  const uint8_t* begin_;
  const uint8_t* pos_;
  const uint8_t* end_;
  size_t base_;
  bool failed_ = false;
  size_t error_offset_ = 0;
  ErrorKind error_kind_ = ErrorKind::Malformed;
  std::string error_message_;
  std::string context_;
};

bool is_valid_utf8(std::string_view s);

}  // namespace tern
