// tern::Op and its properties, all expanded from jit/opcodes.def.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "jit/types.h"

namespace tern {

enum class Op : uint16_t {
#define TERN_OP(name, prefix, code, text, imm, sig, mem, feature) name,
#include "jit/opcodes.def"
  Count_
};
constexpr size_t kOpCount = static_cast<size_t>(Op::Count_);

// Immediate kinds (the imm column of opcodes.def).
enum class Imm : uint8_t {
  None, Block, Label, BrTable, Func, CallIndirect, SelectT, Local, Global, Table, Memory,
  MemArg, MemArgLane, I32, I64, F32, F64, V128, RefType, Data, Elem, MemoryInit, MemoryCopy,
  TableInit, TableCopy, Lane, Shuffle, Fence,
};

// A fixed operand signature; `special` operators are typed by the decoder by hand.
struct OpSig {
  bool special = true;
  uint8_t num_params = 0;
  uint8_t num_results = 0;
  std::array<ValType, 3> params{};
  std::array<ValType, 1> results{};
};

struct OpInfo {
  uint8_t prefix;
  uint32_t code;
  std::string_view text;
  Imm imm;
  OpSig sig;
  uint8_t mem_bytes;  // natural access width of memory operators
  Feature feature;
};

// Parses the sig column ("ii_i") at compile time.
consteval OpSig parse_sig(std::string_view s) {
  OpSig sig;
  if (s == "x") return sig;
  sig.special = false;
  auto type_of = [](char c) {
    switch (c) {
      case 'i': return ValType::I32;
      case 'l': return ValType::I64;
      case 'f': return ValType::F32;
      case 'd': return ValType::F64;
      case 'v': return ValType::V128;
      default: throw "opcodes.def: unknown type letter in sig";
    }
  };
  bool results = false;
  for (char c : s) {
    if (c == '_') { results = true; continue; }
    if (results) sig.results[sig.num_results++] = type_of(c);
    else sig.params[sig.num_params++] = type_of(c);
  }
  return sig;
}

inline constexpr std::array<OpInfo, kOpCount> kOpInfo = {{
#define TERN_OP(name, prefix, code, text, imm, sig, mem, feature) \
  {prefix, code, text, Imm::imm, parse_sig(#sig), mem, Feature::feature},
#include "jit/opcodes.def"
}};

constexpr const OpInfo& info(Op op) { return kOpInfo[static_cast<size_t>(op)]; }
constexpr std::string_view name(Op op) { return info(op).text; }

// Byte → Op lookup per prefix; kNoOp where no operator is assigned.
constexpr uint16_t kNoOp = 0xffff;
struct OpcodeMaps {
  std::array<uint16_t, 256> single{};
  std::array<uint16_t, 32> fc{};
  std::array<uint16_t, 256> fd{};
  std::array<uint16_t, 128> fe{};
};
consteval OpcodeMaps make_opcode_maps() {
  OpcodeMaps m;
  m.single.fill(kNoOp); m.fc.fill(kNoOp); m.fd.fill(kNoOp); m.fe.fill(kNoOp);
  for (size_t i = 0; i < kOpCount; ++i) {
    const OpInfo& o = kOpInfo[i];
    auto& slot = o.prefix == 0x00 ? m.single[o.code]
               : o.prefix == 0xfc ? m.fc[o.code]
               : o.prefix == 0xfd ? m.fd[o.code]
                                  : m.fe[o.code];
    if (slot != kNoOp) throw "opcodes.def: two operators with one encoding";
    slot = static_cast<uint16_t>(i);
  }
  return m;
}
inline constexpr OpcodeMaps kOpcodeMaps = make_opcode_maps();

// The operator for prefix + code, or kNoOp.
constexpr uint16_t lookup_op(uint8_t prefix, uint32_t code) {
  switch (prefix) {
    case 0x00: return code < 256 ? kOpcodeMaps.single[code] : kNoOp;
    case 0xfc: return code < kOpcodeMaps.fc.size() ? kOpcodeMaps.fc[code] : kNoOp;
    case 0xfd: return code < kOpcodeMaps.fd.size() ? kOpcodeMaps.fd[code] : kNoOp;
    case 0xfe: return code < kOpcodeMaps.fe.size() ? kOpcodeMaps.fe[code] : kNoOp;
    default: return kNoOp;
  }
}

constexpr bool is_prefix(uint8_t b) { return b == 0xfc || b == 0xfd || b == 0xfe; }

}  // namespace tern
