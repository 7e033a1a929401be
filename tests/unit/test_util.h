// Helpers shared by the unit tests: byte builders for hand-made modules, loading the WAT
// modules compiled at build time, and checks on decode results.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "jit/module.h"

namespace tern::test {

using Bytes = std::vector<uint8_t>;

inline Bytes leb_u(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out.push_back(b);
  } while (v != 0);
  return out;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes str(std::string_view s) { return cat({leb_u(s.size()), Bytes(s.begin(), s.end())}); }

// A vector: count, then the items' bytes.
inline Bytes vec(std::initializer_list<Bytes> items) {
  Bytes out = leb_u(items.size());
  for (const Bytes& i : items) out.insert(out.end(), i.begin(), i.end());
  return out;
}

inline Bytes section(uint8_t id, const Bytes& contents) { return cat({{id}, leb_u(contents.size()), contents}); }

inline const Bytes kHeader = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

inline Bytes wasm_module(std::initializer_list<Bytes> sections) {
  Bytes out = kHeader;
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

// Section ids and a few encodings, spelled as the binary format does.
enum : uint8_t {
  kCustom = 0, kType = 1, kImport = 2, kFunction = 3, kTable = 4, kMemory = 5, kGlobal = 6,
  kExport = 7, kStart = 8, kElement = 9, kCode = 10, kData = 11, kDataCount = 12,
};
enum : uint8_t { kI32 = 0x7f, kI64 = 0x7e, kF32 = 0x7d, kF64 = 0x7c, kV128 = 0x7b, kFuncRef = 0x70, kExternRef = 0x6f };

inline Bytes func_type(Bytes params, Bytes results) {
  return cat({{0x60}, leb_u(params.size()), params, leb_u(results.size()), results});
}

// A code section entry: locals ({count, type} pairs) and the body expression (with its end).
inline Bytes body(Bytes locals_groups_encoded, Bytes code) {
  Bytes inner = cat({locals_groups_encoded, code});
  return cat({leb_u(inner.size()), inner});
}
inline Bytes no_locals() { return {0x00}; }

// A module with one function of type `sig` (params, results), one memory of `mem_pages`
// (if mem_pages >= 0) and the given body code (which must end with 0x0b).
struct FuncModule {
  Bytes params;
  Bytes results;
  Bytes locals = no_locals();
  Bytes code = {0x0b};
  int mem_pages = -1;
  bool data_count = false;  // add a data count section (0 segments) and empty data section
};
inline Bytes func_module(const FuncModule& f) {
  Bytes out = kHeader;
  auto add = [&](const Bytes& s) { out.insert(out.end(), s.begin(), s.end()); };
  add(section(kType, vec({func_type(f.params, f.results)})));
  add(section(kFunction, vec({{0x00}})));
  if (f.mem_pages >= 0) add(section(kMemory, vec({cat({{0x00}, leb_u(static_cast<uint64_t>(f.mem_pages))})})));
  if (f.data_count) add(section(kDataCount, {0x00}));
  add(section(kCode, vec({body(f.locals, f.code)})));
  if (f.data_count) add(section(kData, {0x00}));
  return out;
}

inline DecodeOptions all_features() {
  DecodeOptions o;
  o.features.simd = true;
  o.features.threads = true;
  o.features.tail_call = true;
  o.features.extended_const = true;
  o.features.multi_memory = true;
  return o;
}

inline Bytes load_wasm(std::string_view name) {
  std::string path = std::string(TERN_UNIT_WASM_DIR) + "/" + std::string(name) + ".wasm";
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path << " (is it built?)");
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

using DecodeResult = Result<std::shared_ptr<const ModuleInfo>>;

inline DecodeResult decode(const Bytes& b, const DecodeOptions& o = {}) { return decode_module(b, o); }

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Decoding fails with `kind`, the message mentions `key` and gives a byte offset.
inline void expect_error(const DecodeResult& r, ErrorKind kind, std::string_view key) {
  REQUIRE_MESSAGE(!r.ok(), "expected an error mentioning \"" << key << "\", but the module decoded");
  const Error& e = r.error();
  INFO("message: " << e.message());
  CHECK(to_string(e.kind()) == to_string(kind));
  CHECK(contains(e.message(), key));
  CHECK(contains(e.message(), "offset 0x"));
}
// As expect_error, with any one of `keys` in the message (for wording that varies).
inline void expect_error_any(const DecodeResult& r, ErrorKind kind, std::initializer_list<std::string_view> keys) {
  REQUIRE_MESSAGE(!r.ok(), "expected an error, but the module decoded");
  const Error& e = r.error();
  INFO("message: " << e.message());
  CHECK(to_string(e.kind()) == to_string(kind));
  bool found = false;
  for (std::string_view k : keys) found = found || contains(e.message(), k);
  CHECK_MESSAGE(found, "none of the expected key words is in the message");
  CHECK(contains(e.message(), "offset 0x"));
}
// The message names this absolute offset.
inline void expect_offset(const DecodeResult& r, size_t offset) {
  REQUIRE(!r.ok());
  char off[32];
  std::snprintf(off, sizeof off, "offset 0x%zx", offset);
  INFO("message: " << r.error().message());
  CHECK(contains(r.error().message(), off));
}
inline void expect_malformed(const Bytes& b, std::string_view key, const DecodeOptions& o = {}) {
  expect_error(decode(b, o), ErrorKind::Malformed, key);
}
inline void expect_invalid(const Bytes& b, std::string_view key, const DecodeOptions& o = {}) {
  expect_error(decode(b, o), ErrorKind::Invalid, key);
}
inline std::shared_ptr<const ModuleInfo> expect_ok(const Bytes& b, const DecodeOptions& o = {}) {
  auto r = decode(b, o);
  INFO("message: " << (r.ok() ? std::string() : r.error().message()));
  REQUIRE(r.ok());
  return *r;
}

}  // namespace tern::test
