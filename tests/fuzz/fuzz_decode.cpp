// libFuzzer target: decode_module on arbitrary bytes, with the default features and with
// every feature on. Besides "no crash, no sanitizer report, no hang", it checks a few
// invariants that hold for any input:
// 1. A failure is Malformed, Invalid or Limit, with a non-empty message; Malformed and
//    Invalid errors name a byte offset.
// 2. A module valid with the default features is valid with every feature on.
// 3. Every byte range in a decoded ModuleInfo lies inside its copy of the bytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "jit/module.h"

namespace {

using tern::ByteRange;
using tern::DecodeOptions;
using tern::ErrorKind;
using tern::ModuleInfo;

[[noreturn]] void invariant_broken(const char* what) {
  std::fprintf(stderr, "fuzz_decode: invariant broken: %s\n", what);
  std::abort();
}

void check_error(const tern::Error& e) {
  if (e.message().empty()) invariant_broken("empty error message");
  switch (e.kind()) {
    case ErrorKind::Malformed:
    case ErrorKind::Invalid:
      if (e.message().find("offset 0x") == std::string::npos) invariant_broken("error without an offset");
      return;
    case ErrorKind::Limit:
      return;
    default:
      invariant_broken("unexpected error kind");
  }
}

void check_range(const ModuleInfo& m, ByteRange r) {
  if (uint64_t{r.offset} + r.size > m.bytes.size()) invariant_broken("byte range outside the module");
}

void check_module(const ModuleInfo& m) {
  for (const auto& f : m.functions) check_range(m, f.body);
  for (const auto& d : m.datas) check_range(m, d.init);
  for (const auto& c : m.customs) check_range(m, c.contents);
  if (m.functions.size() < m.num_imported_functions) invariant_broken("fewer functions than imports");
  for (const auto& f : m.functions)
    if (f.type_index >= m.types.size()) invariant_broken("function with an unknown type");
  for (const auto& e : m.exports) (void)e.name.size();
}

DecodeOptions all_features() {
  DecodeOptions o;
  o.features.simd = true;
  o.features.threads = true;
  o.features.tail_call = true;
  o.features.extended_const = true;
  o.features.multi_memory = true;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  static const DecodeOptions kDefault;
  static const DecodeOptions kAll = all_features();

  auto plain = tern::decode_module(bytes, kDefault);
  if (plain.ok()) check_module(**plain);
  else check_error(plain.error());

  auto all = tern::decode_module(bytes, kAll);
  if (all.ok()) check_module(**all);
  else check_error(all.error());

  if (plain.ok() && !all.ok()) invariant_broken("valid by default but invalid with every feature on");
  return 0;
}
