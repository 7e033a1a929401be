// SIMD (WebAssembly 2.0 fixed-width vectors) on SSE4.1 + SSSE3: dispatch, constants, memory,
// shuffles, splats, lanes, bitwise operators and the whole-vector tests. Lane arithmetic lives
// in emit_simd_int.cpp and emit_simd_float.cpp.
//
// V128 values are ordinary slots in XMM registers (value_stack.h). An operator pops its operands
// into registers it owns, works in place on the left one (x86's two-operand form), releases the
// others and pushes the result. xmm15 is the scratch register of one operator; constant vectors
// (masks, lookup tables) come from the function's 16-byte aligned constant pool, because SSE
// memory operands other than movdqu must be aligned.
#include <cstring>

#include "jit/compiler/compiler.h"
#include "jit/compiler/simd.h"

namespace tern::jit {

using asmjit::InstId;
namespace Inst = x86::Inst;
using namespace simd;

namespace {

// Operators that are exactly one instruction `op lhs, rhs` with the result in lhs.
InstId binary_inst(Op op) {
  switch (op) {
    case Op::V128And: return Inst::kIdPand;
    case Op::V128Or: return Inst::kIdPor;
    case Op::V128Xor: return Inst::kIdPxor;
    case Op::I8x16Add: return Inst::kIdPaddb;
    case Op::I8x16AddSatS: return Inst::kIdPaddsb;
    case Op::I8x16AddSatU: return Inst::kIdPaddusb;
    case Op::I8x16Sub: return Inst::kIdPsubb;
    case Op::I8x16SubSatS: return Inst::kIdPsubsb;
    case Op::I8x16SubSatU: return Inst::kIdPsubusb;
    case Op::I8x16MinS: return Inst::kIdPminsb;
    case Op::I8x16MinU: return Inst::kIdPminub;
    case Op::I8x16MaxS: return Inst::kIdPmaxsb;
    case Op::I8x16MaxU: return Inst::kIdPmaxub;
    case Op::I8x16AvgrU: return Inst::kIdPavgb;
    case Op::I8x16NarrowI16x8S: return Inst::kIdPacksswb;
    case Op::I8x16NarrowI16x8U: return Inst::kIdPackuswb;  // signed words saturated to u8
    case Op::I16x8Add: return Inst::kIdPaddw;
    case Op::I16x8AddSatS: return Inst::kIdPaddsw;
    case Op::I16x8AddSatU: return Inst::kIdPaddusw;
    case Op::I16x8Sub: return Inst::kIdPsubw;
    case Op::I16x8SubSatS: return Inst::kIdPsubsw;
    case Op::I16x8SubSatU: return Inst::kIdPsubusw;
    case Op::I16x8Mul: return Inst::kIdPmullw;
    case Op::I16x8MinS: return Inst::kIdPminsw;
    case Op::I16x8MinU: return Inst::kIdPminuw;
    case Op::I16x8MaxS: return Inst::kIdPmaxsw;
    case Op::I16x8MaxU: return Inst::kIdPmaxuw;
    case Op::I16x8AvgrU: return Inst::kIdPavgw;
    case Op::I16x8NarrowI32x4S: return Inst::kIdPackssdw;
    case Op::I16x8NarrowI32x4U: return Inst::kIdPackusdw;
    case Op::I32x4Add: return Inst::kIdPaddd;
    case Op::I32x4Sub: return Inst::kIdPsubd;
    case Op::I32x4Mul: return Inst::kIdPmulld;
    case Op::I32x4MinS: return Inst::kIdPminsd;
    case Op::I32x4MinU: return Inst::kIdPminud;
    case Op::I32x4MaxS: return Inst::kIdPmaxsd;
    case Op::I32x4MaxU: return Inst::kIdPmaxud;
    case Op::I32x4DotI16x8S: return Inst::kIdPmaddwd;
    case Op::I64x2Add: return Inst::kIdPaddq;
    case Op::I64x2Sub: return Inst::kIdPsubq;
    // x86 arithmetic already gives the results the spec allows for NaN operands: a quieted
    // input NaN (arithmetic) or the default NaN (canonical).
    case Op::F32x4Add: return Inst::kIdAddps;
    case Op::F32x4Sub: return Inst::kIdSubps;
    case Op::F32x4Mul: return Inst::kIdMulps;
    case Op::F32x4Div: return Inst::kIdDivps;
    case Op::F64x2Add: return Inst::kIdAddpd;
    case Op::F64x2Sub: return Inst::kIdSubpd;
    case Op::F64x2Mul: return Inst::kIdMulpd;
    case Op::F64x2Div: return Inst::kIdDivpd;
    default: return Inst::kIdNone;
  }
}

// Operators that are exactly one instruction `op x, x`.
InstId unary_inst(Op op) {
  switch (op) {
    case Op::I8x16Abs: return Inst::kIdPabsb;
    case Op::I16x8Abs: return Inst::kIdPabsw;
    case Op::I32x4Abs: return Inst::kIdPabsd;
    case Op::I16x8ExtendLowI8x16S: return Inst::kIdPmovsxbw;
    case Op::I16x8ExtendLowI8x16U: return Inst::kIdPmovzxbw;
    case Op::I32x4ExtendLowI16x8S: return Inst::kIdPmovsxwd;
    case Op::I32x4ExtendLowI16x8U: return Inst::kIdPmovzxwd;
    case Op::I64x2ExtendLowI32x4S: return Inst::kIdPmovsxdq;
    case Op::I64x2ExtendLowI32x4U: return Inst::kIdPmovzxdq;
    case Op::F32x4Sqrt: return Inst::kIdSqrtps;
    case Op::F64x2Sqrt: return Inst::kIdSqrtpd;
    case Op::F32x4ConvertI32x4S: return Inst::kIdCvtdq2ps;
    case Op::F64x2ConvertLowI32x4S: return Inst::kIdCvtdq2pd;
    case Op::F64x2PromoteLowF32x4: return Inst::kIdCvtps2pd;
    case Op::F32x4DemoteF64x2Zero: return Inst::kIdCvtpd2ps;  // zeroes the upper two lanes
    default: return Inst::kIdNone;
  }
}

bool is_int_compare(const OpInfo& oi) {
  return (oi.code >= 0x23 && oi.code <= 0x40) || (oi.code >= 0xd6 && oi.code <= 0xdb);
}

}  // namespace

void Compiler::emit_simd(Op op, const Immediates& imm) {
  const OpInfo& oi = info(op);
  if (!has_simd_baseline()) return fail("SIMD operators need a CPU with SSE4.1 and SSSE3");
  if (oi.imm == Imm::MemArg || oi.imm == Imm::MemArgLane) return emit_simd_memory(op, imm);
  if (oi.imm == Imm::Lane) return emit_simd_lane(op, imm.lane);
  if (op == Op::I8x16Shuffle) return emit_shuffle(imm.bytes16);
  if (op == Op::V128Const) {
    uint64_t lo, hi;
    std::memcpy(&lo, imm.bytes16, 8);
    std::memcpy(&hi, imm.bytes16 + 8, 8);
    uint8_t r = alloc_xmm();
    if (lo == 0 && hi == 0) a_.pxor(xmm(r), xmm(r));
    else if (lo == ~uint64_t{0} && hi == ~uint64_t{0}) a_.pcmpeqd(xmm(r), xmm(r));
    else a_.movdqa(xmm(r), vconst(lo, hi));
    return push_reg(ValType::V128, r);
  }
  if (InstId id = binary_inst(op); id != Inst::kIdNone) {
    uint8_t rr = pop_reg();
    uint8_t lr = pop_reg();
    a_.emit(id, xmm(lr), xmm(rr));
    release(ValType::V128, rr);
    return push_reg(ValType::V128, lr);
  }
  if (InstId id = unary_inst(op); id != Inst::kIdNone) {
    uint8_t r = pop_reg();
    a_.emit(id, xmm(r), xmm(r));
    return push_reg(ValType::V128, r);
  }
  if (is_int_compare(oi)) return emit_simd_int_compare(op);
  if (oi.text.find(".sh") != std::string_view::npos) return emit_simd_shift(op);
  switch (op) {
    case Op::I8x16Splat: case Op::I16x8Splat: case Op::I32x4Splat: case Op::I64x2Splat:
    case Op::F32x4Splat: case Op::F64x2Splat:
      return emit_simd_splat(op);
    case Op::V128AnyTrue: case Op::I8x16AllTrue: case Op::I16x8AllTrue: case Op::I32x4AllTrue:
    case Op::I64x2AllTrue: case Op::I8x16Bitmask: case Op::I16x8Bitmask: case Op::I32x4Bitmask:
    case Op::I64x2Bitmask:
      return emit_simd_test(op);
    case Op::I8x16Swizzle: {
      // pshufb zeroes a lane whose index has bit 7 set and otherwise uses the low 4 bits; a
      // saturating add of 0x70 maps 0..15 to 0x70..0x7f and every index >= 16 to >= 0x80.
      uint8_t ir = pop_reg();
      uint8_t vr = pop_reg();
      a_.paddusb(xmm(ir), vsplat64(rep8(0x70)));
      a_.pshufb(xmm(vr), xmm(ir));
      release(ValType::V128, ir);
      return push_reg(ValType::V128, vr);
    }
    case Op::V128Not: {
      uint8_t r = pop_reg();
      a_.pcmpeqd(xmm(kScratchXmm), xmm(kScratchXmm));
      a_.pxor(xmm(r), xmm(kScratchXmm));
      return push_reg(ValType::V128, r);
    }
    case Op::V128Andnot: {
      // pandn computes ~dst & src, so the right operand is the destination.
      uint8_t rr = pop_reg();
      uint8_t lr = pop_reg();
      a_.pandn(xmm(rr), xmm(lr));
      release(ValType::V128, lr);
      return push_reg(ValType::V128, rr);
    }
    case Op::V128Bitselect: {
      // ((v1 ^ v2) & c) ^ v2 takes v1's bit where c is 1 and v2's where it is 0.
      uint8_t c = pop_reg();
      uint8_t v2 = pop_reg();
      uint8_t v1 = pop_reg();
      a_.pxor(xmm(v1), xmm(v2));
      a_.pand(xmm(v1), xmm(c));
      a_.pxor(xmm(v1), xmm(v2));
      release(ValType::V128, c);
      release(ValType::V128, v2);
      return push_reg(ValType::V128, v1);
    }
    default:
      break;
  }
  if (oi.text.starts_with("f") || oi.text.find("trunc_sat") != std::string_view::npos) return emit_simd_float(op);
  emit_simd_int(op);
}

void Compiler::emit_simd_memory(Op op, const Immediates& imm) {
  const OpInfo& oi = info(op);
  uint8_t temp;
  bool lane_op = oi.imm == Imm::MemArgLane;
  if (op == Op::V128Store || lane_op) {
    // The vector is on top of the address.
    uint8_t v = pop_reg();
    x86::Mem mem = pop_address(imm.mem, temp);
    mem.setSize(oi.mem_bytes);
    x86::Xmm x = xmm(v);
    uint8_t lane = imm.lane;
    switch (op) {
      case Op::V128Store: a_.movdqu(mem, x); break;
      case Op::V128Store8Lane: a_.pextrb(mem, x, lane); break;
      case Op::V128Store16Lane: a_.pextrw(mem, x, lane); break;
      case Op::V128Store32Lane: lane == 0 ? a_.movd(mem, x) : a_.pextrd(mem, x, lane); break;
      case Op::V128Store64Lane: lane == 0 ? a_.movq(mem, x) : a_.pextrq(mem, x, lane); break;
      case Op::V128Load8Lane: a_.pinsrb(x, mem, lane); break;
      case Op::V128Load16Lane: a_.pinsrw(x, mem, lane); break;
      case Op::V128Load32Lane: a_.pinsrd(x, mem, lane); break;
      default: a_.pinsrq(x, mem, lane); break;  // V128Load64Lane
    }
    if (temp != kScratchGp) release(ValType::I64, temp);
    if (oi.sig.num_results == 1) return push_reg(ValType::V128, v);
    return release(ValType::V128, v);
  }
  x86::Mem mem = pop_address(imm.mem, temp);
  mem.setSize(oi.mem_bytes);
  uint8_t r = alloc_xmm();
  x86::Xmm x = xmm(r), s = xmm(kScratchXmm);
  switch (op) {
    case Op::V128Load: a_.movdqu(x, mem); break;
    case Op::V128Load8x8S: a_.pmovsxbw(x, mem); break;
    case Op::V128Load8x8U: a_.pmovzxbw(x, mem); break;
    case Op::V128Load16x4S: a_.pmovsxwd(x, mem); break;
    case Op::V128Load16x4U: a_.pmovzxwd(x, mem); break;
    case Op::V128Load32x2S: a_.pmovsxdq(x, mem); break;
    case Op::V128Load32x2U: a_.pmovzxdq(x, mem); break;
    case Op::V128Load8Splat:  // byte 0, then a pshufb with an all-zero index vector
      a_.pinsrb(x, mem, 0);
      a_.pxor(s, s);
      a_.pshufb(x, s);
      break;
    case Op::V128Load16Splat:
      a_.pinsrw(x, mem, 0);
      a_.pshuflw(x, x, 0);
      a_.punpcklqdq(x, x);
      break;
    case Op::V128Load32Splat:
      a_.movss(x, mem);
      a_.shufps(x, x, 0);
      break;
    case Op::V128Load64Splat: a_.movddup(x, mem); break;
    case Op::V128Load32Zero: a_.movd(x, mem); break;
    case Op::V128Load64Zero: a_.movq(x, mem); break;
    default: return fail("internal: SIMD memory operator " + std::string(oi.text) + " not handled");
  }
  if (temp != kScratchGp) release(ValType::I64, temp);
  push_reg(ValType::V128, r);
}

// i8x16.shuffle: one pshufb per source with a constant index vector; lanes taken from the
// other source get index 0x80 (zero), so OR-ing the two halves merges them.
void Compiler::emit_shuffle(const uint8_t* lanes) {
  uint8_t rr = pop_reg();
  uint8_t lr = pop_reg();
  uint8_t from_l[16], from_r[16];
  bool use_l = false, use_r = false;
  for (int i = 0; i < 16; ++i) {
    bool left = lanes[i] < 16;
    from_l[i] = left ? lanes[i] : 0x80;
    from_r[i] = left ? 0x80 : static_cast<uint8_t>(lanes[i] - 16);
    (left ? use_l : use_r) = true;
  }
  auto pool = [&](const uint8_t* m) {
    uint64_t lo, hi;
    std::memcpy(&lo, m, 8);
    std::memcpy(&hi, m + 8, 8);
    return vconst(lo, hi);
  };
  if (use_l) a_.pshufb(xmm(lr), pool(from_l));
  if (use_r) a_.pshufb(xmm(rr), pool(from_r));
  if (use_l && use_r) a_.por(xmm(lr), xmm(rr));
  if (!use_l) {
    release(ValType::V128, lr);
    return push_reg(ValType::V128, rr);
  }
  release(ValType::V128, rr);
  push_reg(ValType::V128, lr);
}

void Compiler::emit_simd_splat(Op op) {
  ValType t = info(op).sig.params[0];
  uint32_t lb = lane_bytes(op);
  if (stack_.back().loc == Loc::Const) {  // a constant splat is a pool constant
    uint64_t v = rep(lb, stack_.back().bits);
    stack_.pop_back();
    uint8_t r = alloc_xmm();
    if (v == 0) a_.pxor(xmm(r), xmm(r));
    else a_.movdqa(xmm(r), vsplat64(v));
    return push_reg(ValType::V128, r);
  }
  if (is_fp(t)) {
    uint8_t r = pop_reg();
    if (t == ValType::F32) a_.shufps(xmm(r), xmm(r), 0);
    else a_.movddup(xmm(r), xmm(r));
    return push_reg(ValType::V128, r);
  }
  uint8_t g = pop_reg();
  uint8_t r = alloc_xmm();
  x86::Xmm x = xmm(r);
  if (lb == 8) a_.movq(x, x86::gpq(g));
  else a_.movd(x, x86::gpd(g));
  switch (lb) {
    case 1:  // pshufb with all-zero indices broadcasts byte 0
      a_.pxor(xmm(kScratchXmm), xmm(kScratchXmm));
      a_.pshufb(x, xmm(kScratchXmm));
      break;
    case 2:
      a_.pshuflw(x, x, 0);
      a_.pshufd(x, x, 0);
      break;
    case 4: a_.pshufd(x, x, 0); break;
    default: a_.punpcklqdq(x, x); break;
  }
  release(t, g);
  push_reg(ValType::V128, r);
}

void Compiler::emit_simd_lane(Op op, uint8_t lane) {
  const OpInfo& oi = info(op);
  if (oi.sig.num_params == 1) {  // extract_lane
    ValType t = oi.sig.results[0];
    uint8_t v = pop_reg();
    x86::Xmm x = xmm(v);
    if (t == ValType::F32 || t == ValType::F64) {
      // Scalar floats use only the low lane of their register: move the lane there.
      if (lane != 0 && t == ValType::F32) a_.pshufd(x, x, lane);
      if (lane != 0 && t == ValType::F64) a_.movhlps(x, x);
      return push_reg(t, v);
    }
    uint8_t g = alloc_gp();
    x86::Gp d = x86::gpd(g);
    switch (op) {
      case Op::I8x16ExtractLaneS: a_.pextrb(d, x, lane); a_.movsx(d, x86::gpb(g)); break;
      case Op::I8x16ExtractLaneU: a_.pextrb(d, x, lane); break;
      case Op::I16x8ExtractLaneS: a_.pextrw(d, x, lane); a_.movsx(d, x86::gpw(g)); break;
      case Op::I16x8ExtractLaneU: a_.pextrw(d, x, lane); break;
      case Op::I32x4ExtractLane: lane == 0 ? a_.movd(d, x) : a_.pextrd(d, x, lane); break;
      default: lane == 0 ? a_.movq(x86::gpq(g), x) : a_.pextrq(x86::gpq(g), x, lane); break;
    }
    release(ValType::V128, v);
    return push_reg(t, g);
  }
  // replace_lane: the scalar is on top of the vector.
  ValType t = oi.sig.params[1];
  uint8_t s = pop_reg();
  uint8_t v = pop_reg();
  x86::Xmm x = xmm(v);
  switch (op) {
    case Op::I8x16ReplaceLane: a_.pinsrb(x, x86::gpd(s), lane); break;
    case Op::I16x8ReplaceLane: a_.pinsrw(x, x86::gpd(s), lane); break;
    case Op::I32x4ReplaceLane: a_.pinsrd(x, x86::gpd(s), lane); break;
    case Op::I64x2ReplaceLane: a_.pinsrq(x, x86::gpq(s), lane); break;
    case Op::F32x4ReplaceLane: a_.insertps(x, xmm(s), lane << 4); break;  // source lane 0 to `lane`
    default:  // F64x2ReplaceLane
      if (lane == 0) a_.movsd(x, xmm(s));  // register movsd replaces only the low lane
      else a_.movlhps(x, xmm(s));
      break;
  }
  release(t, s);
  push_reg(ValType::V128, v);
}

// any_true, all_true and bitmask. The tests leave their answer in the flags (ptest), so a
// following br_if or select needs no setcc.
void Compiler::emit_simd_test(Op op) {
  uint8_t v = pop_reg();
  x86::Xmm x = xmm(v), s = xmm(kScratchXmm);
  if (op == Op::V128AnyTrue) {
    a_.ptest(x, x);
    release(ValType::V128, v);
    return push_flags(x86::CondCode::kNE);
  }
  std::string_view text = info(op).text;
  if (text.ends_with("all_true")) {
    // All lanes non-zero <=> comparing with zero finds no equal lane.
    a_.pxor(s, s);
    switch (lane_bytes(op)) {
      case 1: a_.pcmpeqb(s, x); break;
      case 2: a_.pcmpeqw(s, x); break;
      case 4: a_.pcmpeqd(s, x); break;
      default: a_.pcmpeqq(s, x); break;
    }
    a_.ptest(s, s);
    release(ValType::V128, v);
    return push_flags(x86::CondCode::kE);
  }
  uint8_t g = alloc_gp();
  x86::Gp d = x86::gpd(g);
  switch (lane_bytes(op)) {
    case 1: a_.pmovmskb(d, x); break;
    case 2:  // signed saturation keeps each word's sign in a byte; the zero half adds 0 bits
      a_.pxor(s, s);
      a_.packsswb(x, s);
      a_.pmovmskb(d, x);
      break;
    case 4: a_.movmskps(d, x); break;
    default: a_.movmskpd(d, x); break;
  }
  release(ValType::V128, v);
  push_reg(ValType::I32, g);
}

}  // namespace tern::jit
