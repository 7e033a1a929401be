// The opcode table (jit/opcodes.def): encodings round-trip, names are unique, memory and
// atomic rows carry their access width, signatures parse.
#include <set>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "jit/opcodes.h"

namespace tern {
namespace {

// The sig column is parsed at compile time.
static_assert(!parse_sig("ii_i").special);
static_assert(parse_sig("ii_i").num_params == 2 && parse_sig("ii_i").num_results == 1);
static_assert(parse_sig("x").special);
static_assert(parse_sig("_").num_params == 0 && parse_sig("_").num_results == 0 && !parse_sig("_").special);
static_assert(parse_sig("iil_i").params[2] == ValType::I64);
static_assert(lookup_op(0x00, 0x6a) == static_cast<uint16_t>(Op::I32Add));

bool is_prefixed_family(uint8_t p) { return p == 0xfc || p == 0xfd || p == 0xfe; }

bool has_memarg(Imm imm) { return imm == Imm::MemArg || imm == Imm::MemArgLane; }

TEST_CASE("every row's encoding maps back to its operator") {
  for (size_t i = 0; i < kOpCount; ++i) {
    const OpInfo& o = kOpInfo[i];
    INFO("operator " << o.text);
    CHECK((o.prefix == 0x00 || is_prefixed_family(o.prefix)));
    if (o.prefix == 0x00) CHECK_FALSE(is_prefix(static_cast<uint8_t>(o.code)));
    CHECK(lookup_op(o.prefix, o.code) == i);
    CHECK(name(static_cast<Op>(i)) == o.text);
  }
}

TEST_CASE("rows are grouped by prefix and sorted by code within a prefix") {
  std::set<uint8_t> finished;
  uint8_t prefix = kOpInfo[0].prefix;
  uint32_t last = kOpInfo[0].code;
  for (size_t i = 1; i < kOpCount; ++i) {
    const OpInfo& o = kOpInfo[i];
    INFO("operator " << o.text);
    if (o.prefix != prefix) {
      finished.insert(prefix);
      CHECK(finished.count(o.prefix) == 0);
      prefix = o.prefix;
    } else {
      CHECK(o.code > last);
    }
    last = o.code;
  }
}

TEST_CASE("unassigned encodings look up as kNoOp") {
  CHECK(lookup_op(0x00, 0x06) == kNoOp);   // was try (exception handling), not in tern
  CHECK(lookup_op(0x00, 0x27) == kNoOp);
  CHECK(lookup_op(0x00, 0xfc) == kNoOp);   // a prefix is not an operator
  CHECK(lookup_op(0x00, 0x100) == kNoOp);
  CHECK(lookup_op(0xfc, 0x12) == kNoOp);
  CHECK(lookup_op(0xfc, 1000) == kNoOp);
  CHECK(lookup_op(0xfd, 0x100) == kNoOp);
  CHECK(lookup_op(0xfd, 0xffffffffu) == kNoOp);
  CHECK(lookup_op(0xfe, 0x04) == kNoOp);
  CHECK(lookup_op(0xfe, 0x80) == kNoOp);
  CHECK(lookup_op(0xfb, 0x00) == kNoOp);   // GC prefix: not supported
  CHECK(lookup_op(0xff, 0x00) == kNoOp);
  CHECK(is_prefix(0xfc));
  CHECK(is_prefix(0xfd));
  CHECK(is_prefix(0xfe));
  CHECK_FALSE(is_prefix(0xfb));
  CHECK_FALSE(is_prefix(0x00));
}

TEST_CASE("names are unique and look like text-format names") {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < kOpCount; ++i) {
    std::string_view t = kOpInfo[i].text;
    INFO("operator " << t);
    CHECK(!t.empty());
    CHECK(seen.insert(t).second);
    for (char c : t) CHECK(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'));
  }
  CHECK(seen.size() == kOpCount);
}

TEST_CASE("memory operators carry a power-of-two access width, others none") {
  for (size_t i = 0; i < kOpCount; ++i) {
    const OpInfo& o = kOpInfo[i];
    INFO("operator " << o.text);
    if (has_memarg(o.imm)) {
      CHECK(o.mem_bytes >= 1);
      CHECK(o.mem_bytes <= 16);
      CHECK((o.mem_bytes & (o.mem_bytes - 1)) == 0);
    } else {
      CHECK(o.mem_bytes == 0);
    }
  }
  CHECK(info(Op::I32Load).mem_bytes == 4);
  CHECK(info(Op::I64Load).mem_bytes == 8);
  CHECK(info(Op::I64Load32U).mem_bytes == 4);
  CHECK(info(Op::I32Store8).mem_bytes == 1);
  CHECK(info(Op::I64Store16).mem_bytes == 2);
  CHECK(info(Op::V128Load).mem_bytes == 16);
  CHECK(info(Op::V128Load8x8S).mem_bytes == 8);
  CHECK(info(Op::V128Load32Zero).mem_bytes == 4);
  CHECK(info(Op::V128Load16Lane).mem_bytes == 2);
  CHECK(info(Op::V128Store64Lane).mem_bytes == 8);
}

TEST_CASE("atomic rows have a memory argument and their width") {
  int atomics = 0;
  for (size_t i = 0; i < kOpCount; ++i) {
    const OpInfo& o = kOpInfo[i];
    if (o.prefix != 0xfe) continue;
    INFO("operator " << o.text);
    CHECK(o.feature == Feature::Threads);
    if (o.imm == Imm::Fence) {
      CHECK(o.mem_bytes == 0);
      continue;
    }
    ++atomics;
    CHECK(o.imm == Imm::MemArg);
    CHECK(o.mem_bytes >= 1);
    CHECK(o.mem_bytes <= 8);
    // The width in the name agrees with the column: i32.atomic.rmw8.add_u is 1 byte, ...
    std::string_view t = o.text;
    if (t.find("8_u") != std::string_view::npos || t.find("rmw8.") != std::string_view::npos) CHECK(o.mem_bytes == 1);
    if (t.find("16") != std::string_view::npos) CHECK(o.mem_bytes == 2);
    if (t.find("32_u") != std::string_view::npos || t.find("rmw32") != std::string_view::npos) CHECK(o.mem_bytes == 4);
  }
  CHECK(atomics == 66);  // the threads proposal: notify, 2 waits, 63 loads/stores/rmw/cmpxchg
  CHECK(info(Op::MemoryAtomicNotify).mem_bytes == 4);
  CHECK(info(Op::MemoryAtomicWait32).mem_bytes == 4);
  CHECK(info(Op::MemoryAtomicWait64).mem_bytes == 8);
  CHECK(info(Op::I32AtomicLoad8U).mem_bytes == 1);
  CHECK(info(Op::I64AtomicLoad).mem_bytes == 8);
}

TEST_CASE("signatures") {
  const OpSig& add = info(Op::I32Add).sig;
  CHECK_FALSE(add.special);
  REQUIRE(add.num_params == 2);
  REQUIRE(add.num_results == 1);
  CHECK(add.params[0] == ValType::I32);
  CHECK(add.params[1] == ValType::I32);
  CHECK(add.results[0] == ValType::I32);

  const OpSig& store = info(Op::I64Store).sig;
  REQUIRE(store.num_params == 2);
  CHECK(store.params[0] == ValType::I32);
  CHECK(store.params[1] == ValType::I64);
  CHECK(store.num_results == 0);

  const OpSig& wait = info(Op::MemoryAtomicWait64).sig;
  REQUIRE(wait.num_params == 3);
  CHECK(wait.params[2] == ValType::I64);
  CHECK(wait.results[0] == ValType::I32);

  const OpSig& bitselect = info(Op::V128Bitselect).sig;
  REQUIRE(bitselect.num_params == 3);
  CHECK(bitselect.results[0] == ValType::V128);

  CHECK(info(Op::F64Lt).sig.params[0] == ValType::F64);
  CHECK(info(Op::F32Load).sig.results[0] == ValType::F32);
  CHECK(info(Op::Block).sig.special);
  CHECK(info(Op::LocalGet).sig.special);
  CHECK(info(Op::I32Const).sig.special);
  CHECK_FALSE(info(Op::Nop).sig.special);
  CHECK(info(Op::Nop).sig.num_params == 0);
}

TEST_CASE("operator families have the expected immediates and features") {
  CHECK(info(Op::Br).imm == Imm::Label);
  CHECK(info(Op::BrTable).imm == Imm::BrTable);
  CHECK(info(Op::CallIndirect).imm == Imm::CallIndirect);
  CHECK(info(Op::MemoryInit).imm == Imm::MemoryInit);
  CHECK(info(Op::MemoryInit).feature == Feature::BulkMemory);
  CHECK(info(Op::I8x16Shuffle).imm == Imm::Shuffle);
  CHECK(info(Op::I8x16ExtractLaneS).imm == Imm::Lane);
  CHECK(info(Op::V128Load8Lane).imm == Imm::MemArgLane);
  CHECK(info(Op::ReturnCall).feature == Feature::TailCall);
  CHECK(info(Op::I32TruncSatF32S).feature == Feature::SatConv);
  for (size_t i = 0; i < kOpCount; ++i) {
    const OpInfo& o = kOpInfo[i];
    INFO("operator " << o.text);
    if (o.prefix == 0xfd) CHECK(o.feature == Feature::Simd);
    if (o.sig.special) continue;
    for (int p = 0; p < o.sig.num_params; ++p) CHECK(o.sig.params[p] != ValType::Unknown);
    for (int r = 0; r < o.sig.num_results; ++r) CHECK(o.sig.results[r] != ValType::Unknown);
  }
}

}  // namespace
}  // namespace tern
