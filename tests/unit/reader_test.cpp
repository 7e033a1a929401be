// tern::Reader: LEB128 edge cases, fixed-width reads, names (UTF-8), bounds, sticky errors.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "jit/reader.h"
#include "test_util.h"

namespace tern {
namespace {

using test::Bytes;
using test::contains;

std::string message_of(const Reader& r) { return r.error().message(); }

// Reads one value with `read` and expects it to succeed with `want`, consuming every byte.
template <class T, class F>
void expect_value(const Bytes& b, F read, T want) {
  Reader r(b);
  T got = read(r);
  INFO("bytes: " << b.size());
  REQUIRE_MESSAGE(r.ok(), message_of(r));
  CHECK(got == want);
  CHECK(r.at_end());
}

// Expects `read` to fail with a message containing `key`, at `offset` (absolute).
template <class F>
void expect_fail(const Bytes& b, F read, std::string_view key, size_t offset, size_t base = 0) {
  Reader r(b, base);
  auto v = read(r);
  CHECK(v == 0);
  REQUIRE(r.failed());
  std::string msg = message_of(r);
  INFO("message: " << msg);
  CHECK(contains(msg, key));
  char off[32];
  std::snprintf(off, sizeof off, "offset 0x%zx", offset);
  CHECK(contains(msg, off));
  CHECK(r.error().kind() == ErrorKind::Malformed);
}

auto u32 = [](Reader& r) { return r.u32("test"); };
auto s32 = [](Reader& r) { return r.s32("test"); };
auto s33 = [](Reader& r) { return r.s33("test"); };
auto u64 = [](Reader& r) { return r.u64("test"); };
auto s64 = [](Reader& r) { return r.s64("test"); };

TEST_CASE("u32 LEB128: valid encodings") {
  expect_value<uint32_t>({0x00}, u32, 0);
  expect_value<uint32_t>({0x7f}, u32, 127);
  expect_value<uint32_t>({0x80, 0x01}, u32, 128);
  expect_value<uint32_t>({0xe5, 0x8e, 0x26}, u32, 624485);
  expect_value<uint32_t>({0xff, 0xff, 0xff, 0xff, 0x0f}, u32, 0xffffffffu);
  expect_value<uint32_t>({0x80, 0x80, 0x80, 0x80, 0x08}, u32, 0x80000000u);
  // Padded forms are valid as long as they fit in 5 bytes.
  expect_value<uint32_t>({0x80, 0x00}, u32, 0);
  expect_value<uint32_t>({0x80, 0x80, 0x80, 0x80, 0x00}, u32, 0);
  expect_value<uint32_t>({0xff, 0x80, 0x80, 0x80, 0x00}, u32, 127);
}

TEST_CASE("u32 LEB128: stops at the last byte and leaves the rest") {
  const Bytes r_bytes = Bytes{0x81, 0x01, 0x05};
  Reader r(r_bytes);
  CHECK(r.u32("a") == 129);
  CHECK(r.offset() == 2);
  CHECK(r.u32("b") == 5);
  CHECK(r.at_end());
}

TEST_CASE("u32 LEB128: malformed encodings") {
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, u32, "integer representation too long", 0);
  expect_fail({0xff, 0xff, 0xff, 0xff, 0xff, 0x0f}, u32, "integer representation too long", 0);
  // The 5th byte may use only its low 4 bits.
  expect_fail({0xff, 0xff, 0xff, 0xff, 0x1f}, u32, "integer too large", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x10}, u32, "integer too large", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x70}, u32, "integer too large", 0);
  expect_fail({0x82, 0x80, 0x80, 0x80, 0x40}, u32, "integer too large", 0x20, 0x20);
  // Truncated: the error is at the end, where the missing byte should be.
  expect_fail({}, u32, "unexpected end", 0);
  expect_fail({0x80}, u32, "unexpected end", 1);
  expect_fail({0xff, 0xff, 0xff, 0xff}, u32, "unexpected end", 4);
  expect_fail({0x80, 0x80}, u32, "unexpected end", 0x12, 0x10);
}

TEST_CASE("u32 LEB128: the error names what was being read") {
  const Bytes r_bytes = Bytes{0x80};
  Reader r(r_bytes);
  (void)r.u32("function count");
  CHECK(contains(message_of(r), "function count"));
}

TEST_CASE("s32 LEB128: valid encodings") {
  expect_value<int32_t>({0x00}, s32, 0);
  expect_value<int32_t>({0x7f}, s32, -1);
  expect_value<int32_t>({0x3f}, s32, 63);
  expect_value<int32_t>({0x40}, s32, -64);
  expect_value<int32_t>({0xc0, 0x00}, s32, 64);
  expect_value<int32_t>({0xbf, 0x7f}, s32, -65);
  expect_value<int32_t>({0xff, 0x7f}, s32, -1);  // padded
  expect_value<int32_t>({0x80, 0x80, 0x80, 0x80, 0x78}, s32, std::numeric_limits<int32_t>::min());
  expect_value<int32_t>({0xff, 0xff, 0xff, 0xff, 0x07}, s32, std::numeric_limits<int32_t>::max());
  expect_value<int32_t>({0xff, 0xff, 0xff, 0xff, 0x7f}, s32, -1);
  expect_value<int32_t>({0x80, 0x80, 0x80, 0x80, 0x00}, s32, 0);
  expect_value<int32_t>({0x80, 0x80, 0x80, 0x80, 0x7f}, s32, static_cast<int32_t>(0xf0000000u));
}

TEST_CASE("s32 LEB128: malformed encodings") {
  // The unused bits of the 5th byte must copy the sign bit (bit 3).
  expect_fail({0xff, 0xff, 0xff, 0xff, 0x0f}, s32, "integer too large", 0);  // positive, bit 3 set
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x70}, s32, "integer too large", 0);  // negative sign, bits clear
  expect_fail({0xff, 0xff, 0xff, 0xff, 0x4f}, s32, "integer too large", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x18}, s32, "integer too large", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, s32, "integer representation too long", 0);
  expect_fail({0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, s32, "integer representation too long", 0);
  expect_fail({0xff}, s32, "unexpected end", 1);
}

TEST_CASE("s33 LEB128 (block types)") {
  expect_value<int64_t>({0x40}, s33, -64);  // empty block type
  expect_value<int64_t>({0x7f}, s33, -1);   // i32
  expect_value<int64_t>({0x7b}, s33, -5);   // v128
  expect_value<int64_t>({0x05}, s33, 5);    // type index
  expect_value<int64_t>({0x80, 0x01}, s33, 128);
  expect_value<int64_t>({0xff, 0xff, 0xff, 0xff, 0x0f}, s33, 0xffffffffLL);
  expect_value<int64_t>({0x80, 0x80, 0x80, 0x80, 0x70}, s33, -(int64_t{1} << 32));
  expect_value<int64_t>({0xff, 0xff, 0xff, 0xff, 0x7f}, s33, -1);
  // Bit 4 of the 5th byte is the sign; bits 5 and 6 must copy it.
  expect_fail({0xff, 0xff, 0xff, 0xff, 0x1f}, s33, "integer too large", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x60}, s33, "integer too large", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x20}, s33, "integer too large", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, s33, "integer representation too long", 0);
}

TEST_CASE("u64 LEB128") {
  expect_value<uint64_t>({0x00}, u64, 0);
  expect_value<uint64_t>({0xff, 0xff, 0xff, 0xff, 0x0f}, u64, 0xffffffffull);
  expect_value<uint64_t>({0x80, 0x80, 0x80, 0x80, 0x10}, u64, 0x100000000ull);
  expect_value<uint64_t>({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, u64,
                         std::numeric_limits<uint64_t>::max());
  expect_value<uint64_t>({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, u64, 0);
  expect_value<uint64_t>({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, u64, 1ull << 63);
  expect_fail({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, u64, "integer too large", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e}, u64, "integer too large", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, u64,
              "integer representation too long", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80}, u64, "unexpected end", 9);
}

TEST_CASE("s64 LEB128") {
  expect_value<int64_t>({0x7f}, s64, -1);
  expect_value<int64_t>({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, s64,
                        std::numeric_limits<int64_t>::min());
  expect_value<int64_t>({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}, s64,
                        std::numeric_limits<int64_t>::max());
  expect_value<int64_t>({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, s64, -1);
  expect_value<int64_t>({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, s64, 0);
  expect_value<int64_t>({0x80, 0x80, 0x80, 0x80, 0x10}, s64, int64_t{1} << 32);  // beyond s33
  // The 10th byte holds one bit (the sign); bits 1..6 must copy it.
  expect_fail({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, s64, "integer too large", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40}, s64, "integer too large", 0);
  expect_fail({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e}, s64, "integer too large", 0);
  expect_fail({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, s64,
              "integer representation too long", 0);
}

TEST_CASE("fixed-width reads are little-endian and bounds-checked") {
  const Bytes r_bytes = Bytes{0x00, 0x61, 0x73, 0x6d, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  Reader r(r_bytes);
  CHECK(r.fixed_u32("magic") == 0x6d736100u);
  CHECK(r.fixed_u64("bits") == 0x0807060504030201ull);
  CHECK(r.at_end());
  expect_fail({0x01, 0x02, 0x03}, [](Reader& x) { return x.fixed_u32("t"); }, "unexpected end", 0);
  expect_fail({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07}, [](Reader& x) { return x.fixed_u64("t"); },
              "unexpected end", 0);
}

TEST_CASE("u8, peek and bytes") {
  const Bytes r_bytes = Bytes{1, 2, 3, 4};
  Reader r(r_bytes);
  CHECK(r.peek_u8() == 1);
  CHECK(r.u8("a") == 1);
  auto b = r.bytes(2, "b");
  REQUIRE(b.size() == 2);
  CHECK(b[0] == 2);
  CHECK(b[1] == 3);
  CHECK(r.remaining() == 1);
  auto too_many = r.bytes(2, "payload");
  CHECK(too_many.empty());
  REQUIRE(r.failed());
  CHECK(contains(message_of(r), "unexpected end"));
  CHECK(contains(message_of(r), "payload"));

  const Bytes e_bytes = Bytes{};
  Reader e(e_bytes);
  CHECK(e.u8("x") == 0);
  CHECK(e.failed());
  const Bytes huge_bytes = Bytes{1, 2};
  Reader huge(huge_bytes);
  CHECK(huge.bytes(SIZE_MAX, "huge").empty());
  CHECK(huge.failed());
}

TEST_CASE("errors are sticky: the first one wins and later reads return zero") {
  const Bytes r_bytes = Bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x05, 0x06};
  Reader r(r_bytes);
  CHECK(r.u32("first") == 0);
  REQUIRE(r.failed());
  std::string first = message_of(r);
  CHECK(contains(first, "too long"));
  CHECK(r.u32("second") == 0);
  CHECK(r.u8("third") == 0);
  CHECK(r.fixed_u32("fourth") == 0);
  CHECK(r.bytes(1, "fifth").empty());
  CHECK(r.name("sixth").empty());
  r.fail("a later failure");
  r.invalid("a later invalid");
  CHECK(message_of(r) == first);
  CHECK(r.error().kind() == ErrorKind::Malformed);
  CHECK(r.remaining() == 0);
}

TEST_CASE("context and kind of recorded errors") {
  const Bytes r_bytes = Bytes{0x01, 0x02};
  Reader r(r_bytes, 0x1f0);
  r.set_context("section 10 (code), function 3");
  (void)r.u8("x");
  r.invalid("type mismatch: expected i32");
  REQUIRE(r.failed());
  Error e = r.error();
  CHECK(e.kind() == ErrorKind::Invalid);
  CHECK(contains(e.message(), "section 10 (code), function 3"));
  CHECK(contains(e.message(), "offset 0x1f1"));
  CHECK(contains(e.message(), "type mismatch: expected i32"));
  // Context first, then offset, then what.
  CHECK(e.message().find("section 10") < e.message().find("offset"));
  CHECK(e.message().find("offset") < e.message().find("type mismatch"));

  const Bytes s_bytes = Bytes{0x01, 0x02, 0x03};
  Reader s(s_bytes, 0x100);
  s.fail_at(0x102, "custom place");
  CHECK(contains(message_of(s), "offset 0x102"));
  const Bytes t_bytes = Bytes{0x01};
  Reader t(t_bytes);
  t.invalid_at(0x7, "bad");
  CHECK(t.error().kind() == ErrorKind::Invalid);
  CHECK(contains(message_of(t), "offset 0x7"));
}

// ---- names (UTF-8) --------------------------------------------------------------------------

Bytes name_bytes(Bytes utf8) {
  Bytes out = test::leb_u(utf8.size());
  out.insert(out.end(), utf8.begin(), utf8.end());
  return out;
}

void expect_name(const Bytes& utf8) {
  const Bytes r_bytes = name_bytes(utf8);
  Reader r(r_bytes);
  std::string_view s = r.name("test name");
  REQUIRE_MESSAGE(r.ok(), message_of(r));
  CHECK(s == std::string_view(reinterpret_cast<const char*>(utf8.data()), utf8.size()));
  CHECK(r.at_end());
}

void expect_bad_utf8(const Bytes& utf8) {
  const Bytes r_bytes = name_bytes(utf8);
  Reader r(r_bytes, 0x40);
  CHECK(r.name("test name").empty());
  REQUIRE(r.failed());
  std::string msg = message_of(r);
  INFO("message: " << msg);
  CHECK(contains(msg, "malformed UTF-8 encoding"));
  CHECK(contains(msg, "offset 0x41"));  // the first byte of the name, after its 1-byte length
  CHECK(r.error().kind() == ErrorKind::Malformed);
}

TEST_CASE("name: valid UTF-8") {
  expect_name({});
  expect_name({'h', 'e', 'l', 'l', 'o'});
  expect_name({0x00});                    // NUL is a valid code point
  expect_name({0x7f});
  expect_name({0xc2, 0x80});              // U+0080, smallest 2-byte
  expect_name({0xc3, 0xa9});              // é
  expect_name({0xdf, 0xbf});              // U+07FF
  expect_name({0xe0, 0xa0, 0x80});        // U+0800, smallest 3-byte
  expect_name({0xe2, 0x82, 0xac});        // €
  expect_name({0xed, 0x9f, 0xbf});        // U+D7FF, just below the surrogates
  expect_name({0xee, 0x80, 0x80});        // U+E000, just above them
  expect_name({0xef, 0xbf, 0xbf});        // U+FFFF
  expect_name({0xf0, 0x90, 0x80, 0x80});  // U+10000, smallest 4-byte
  expect_name({0xf0, 0x9f, 0x98, 0x80});  // 😀
  expect_name({0xf4, 0x8f, 0xbf, 0xbf});  // U+10FFFF, the last code point
}

TEST_CASE("name: malformed UTF-8") {
  // Overlong forms.
  expect_bad_utf8({0xc0, 0x80});
  expect_bad_utf8({0xc1, 0xbf});
  expect_bad_utf8({0xe0, 0x80, 0x80});
  expect_bad_utf8({0xe0, 0x9f, 0xbf});
  expect_bad_utf8({0xf0, 0x80, 0x80, 0x80});
  expect_bad_utf8({0xf0, 0x8f, 0xbf, 0xbf});
  // Surrogates.
  expect_bad_utf8({0xed, 0xa0, 0x80});
  expect_bad_utf8({0xed, 0xbf, 0xbf});
  // Past U+10FFFF, and lead bytes that can never start a sequence.
  expect_bad_utf8({0xf4, 0x90, 0x80, 0x80});
  expect_bad_utf8({0xf7, 0xbf, 0xbf, 0xbf});
  expect_bad_utf8({0xf8, 0x88, 0x80, 0x80, 0x80});
  expect_bad_utf8({0xfc, 0x84, 0x80, 0x80, 0x80, 0x80});
  expect_bad_utf8({0xfe});
  expect_bad_utf8({0xff});
  // Continuation bytes on their own, and sequences cut short inside the name.
  expect_bad_utf8({0x80});
  expect_bad_utf8({0xbf});
  expect_bad_utf8({'a', 0x80});
  expect_bad_utf8({0xc3});
  expect_bad_utf8({0xe2, 0x82});
  expect_bad_utf8({0xf0, 0x9f, 0x98});
  expect_bad_utf8({0xe2, 0x82, 'a'});
  expect_bad_utf8({0xc3, 0xc3, 0xa9});
}

TEST_CASE("is_valid_utf8 agrees with name()") {
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\xe2\x82\xac"));
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));
  CHECK_FALSE(is_valid_utf8("\xc0\x80"));
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));
}

TEST_CASE("name: length beyond the input") {
  const Bytes r_bytes = Bytes{0x05, 'a', 'b'};
  Reader r(r_bytes);
  CHECK(r.name("export name").empty());
  REQUIRE(r.failed());
  std::string msg = message_of(r);
  CHECK((contains(msg, "length out of bounds") || contains(msg, "unexpected end")));
  CHECK(contains(msg, "export name"));

  const Bytes huge_bytes = Bytes{0xff, 0xff, 0xff, 0xff, 0x0f, 'a'};
  Reader huge(huge_bytes);
  CHECK(huge.name("n").empty());
  CHECK(huge.failed());

  const Bytes bad_len_bytes = Bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader bad_len(bad_len_bytes);
  CHECK(bad_len.name("n").empty());
  CHECK(contains(message_of(bad_len), "integer representation too long"));
}

// ---- sub-readers ------------------------------------------------------------------------------

TEST_CASE("sub: a window with absolute offsets") {
  const Bytes r_bytes = Bytes{0xaa, 0x01, 0x02, 0x03, 0xbb};
  Reader r(r_bytes, 0x100);
  r.set_context("section 1 (type)");
  CHECK(r.u8("a") == 0xaa);
  Reader s = r.sub(3, "section contents");
  REQUIRE(s.ok());
  REQUIRE(r.ok());
  CHECK(s.offset() == 0x101);
  CHECK(s.remaining() == 3);
  CHECK(r.offset() == 0x104);  // the parent moved past the window
  CHECK(r.u8("b") == 0xbb);
  CHECK(s.u8("x") == 1);
  CHECK(s.u8("y") == 2);
  CHECK(s.u8("z") == 3);
  CHECK(s.at_end());
  // Reading past the window fails inside it, at its end, with the parent's context.
  CHECK(s.u8("past") == 0);
  REQUIRE(s.failed());
  CHECK(contains(message_of(s), "offset 0x104"));
  CHECK(contains(message_of(s), "section 1 (type)"));
  CHECK(r.ok());  // the parent is unaffected
}

TEST_CASE("sub: a window larger than what is left fails both readers") {
  const Bytes r_bytes = Bytes{0x01, 0x02, 0x03};
  Reader r(r_bytes, 0x10);
  (void)r.u8("a");
  Reader s = r.sub(5, "section contents");
  REQUIRE(r.failed());
  CHECK(s.failed());
  CHECK(s.remaining() == 0);
  CHECK(s.u32("anything") == 0);
  std::string msg = message_of(r);
  CHECK(contains(msg, "length out of bounds"));
  CHECK(contains(msg, "offset 0x11"));
  CHECK(contains(message_of(s), "length out of bounds"));

  const Bytes big_bytes = Bytes{0x01};
  Reader big(big_bytes);
  Reader t = big.sub(SIZE_MAX, "huge");
  CHECK(big.failed());
  CHECK(t.failed());
}

TEST_CASE("sub of a failed reader is failed too, with the same error") {
  const Bytes r_bytes = Bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r(r_bytes);
  (void)r.u32("x");
  REQUIRE(r.failed());
  Reader s = r.sub(0, "after");
  CHECK(s.failed());
  CHECK(s.error().message() == r.error().message());
}

}  // namespace
}  // namespace tern
