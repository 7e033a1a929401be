#include "jit/reader.h"

#include <cstdio>

namespace tern {

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    uint8_t b = *p++;
    if (b < 0x80) continue;
    int extra;
    uint32_t cp;
    if ((b & 0xe0) == 0xc0) { extra = 1; cp = b & 0x1f; }
    else if ((b & 0xf0) == 0xe0) { extra = 2; cp = b & 0x0f; }
    else if ((b & 0xf8) == 0xf0) { extra = 3; cp = b & 0x07; }
    else return false;
    if (end - p < extra) return false;
    for (int i = 0; i < extra; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    p += extra;
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000)) return false;
    if (cp >= 0xd800 && cp <= 0xdfff) return false;
    if (cp > 0x10ffff) return false;
  }
  return true;
}

std::string_view Reader::name(const char* what) {
  uint32_t len = u32(what);
  if (failed_) return {};
  if (len > remaining()) {
    fail(std::string("length out of bounds (") + what + ": " + std::to_string(len) + " bytes, " +
         std::to_string(remaining()) + " left)");
    return {};
  }
  size_t at = offset();
  auto b = bytes(len, what);
  std::string_view s(reinterpret_cast<const char*>(b.data()), b.size());
  if (!is_valid_utf8(s)) {
    fail_at(at, std::string("malformed UTF-8 encoding (") + what + ")");
    return {};
  }
  return s;
}

void Reader::fail_eof(const char* what) {
  if (failed_) return;
  fail(std::string("unexpected end (") + what + ")");
}

void Reader::fail_at(size_t at, std::string message, ErrorKind kind) {
  if (failed_) return;
  failed_ = true;
  error_kind_ = kind;
  error_offset_ = at;
  error_message_ = std::move(message);
  pos_ = end_;  // stop all later reads
}

Error Reader::error() const {
  char off[32];
  std::snprintf(off, sizeof off, "offset 0x%zx", error_offset_);
  std::string where = context_.empty() ? std::string(off) : context_ + ", " + off;
  return Error(error_kind_, where + ": " + error_message_);
}

Reader Reader::sub(size_t n, const char* what) {
  if (failed_ || n > remaining()) {
    if (!failed_) fail(std::string("length out of bounds (") + what + ": " + std::to_string(n) + " bytes, " +
                       std::to_string(remaining()) + " left)");
    Reader empty(std::span<const uint8_t>(), offset());
    empty.context_ = context_;
    empty.fail_at(error_offset_, error_message_, error_kind_);
    return empty;
  }
  Reader r(std::span<const uint8_t>(pos_, n), offset());
  r.context_ = context_;
  pos_ += n;
  return r;
}

}  // namespace tern
