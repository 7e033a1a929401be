// SIMD integer lane operators that are not one SSE instruction: comparisons, shifts, and the
// arithmetic SSE lacks for some lane width (i64x2 mul/abs/neg, i8x16 popcnt, extends, extmul,
// extadd_pairwise, q15mulr_sat_s). Each sequence is spelled out where it is emitted.
#include <asmjit/x86.h>

#include "jit/compiler/compiler.h"
#include "jit/compiler/simd.h"

namespace tern::jit {

using asmjit::InstId;
namespace Inst = x86::Inst;
using namespace simd;

namespace {

InstId by_width(uint32_t lb, InstId b, InstId w, InstId d, InstId q) {
  return lb == 1 ? b : lb == 2 ? w : lb == 4 ? d : q;
}

}  // namespace

void Compiler::emit_simd_int_compare(Op op) {
  std::string_view text = info(op).text;
  std::string_view cond = text.substr(text.find('.') + 1);
  uint32_t lb = lane_bytes(op);
  InstId eq = by_width(lb, Inst::kIdPcmpeqb, Inst::kIdPcmpeqw, Inst::kIdPcmpeqd, Inst::kIdPcmpeqq);
  InstId gt = by_width(lb, Inst::kIdPcmpgtb, Inst::kIdPcmpgtw, Inst::kIdPcmpgtd, Inst::kIdPcmpgtq);
  InstId mins = by_width(lb, Inst::kIdPminsb, Inst::kIdPminsw, Inst::kIdPminsd, Inst::kIdNone);
  InstId maxs = by_width(lb, Inst::kIdPmaxsb, Inst::kIdPmaxsw, Inst::kIdPmaxsd, Inst::kIdNone);
  InstId minu = by_width(lb, Inst::kIdPminub, Inst::kIdPminuw, Inst::kIdPminud, Inst::kIdNone);
  InstId maxu = by_width(lb, Inst::kIdPmaxub, Inst::kIdPmaxuw, Inst::kIdPmaxud, Inst::kIdNone);
  uint8_t rr = pop_reg();
  uint8_t lr = pop_reg();
  x86::Xmm s = xmm(kScratchXmm);
  auto invert = [&](x86::Xmm x) {
    a_.pcmpeqd(s, s);
    a_.pxor(x, s);
  };
  // dst = (dst > src) per lane, signed.
  auto greater = [&](x86::Xmm dst, x86::Xmm src) {
    if (lb != 8 || has_sse42()) return static_cast<void>(a_.emit(gt, dst, src));
    // i64x2 on SSE4.1: a lane is greater if its high dword is (signed) greater, or the high
    // dwords are equal and src - dst borrows (its high dword is all ones); then each
    // lane's high dword is broadcast over the lane.
    uint8_t tr = alloc_xmm();
    x86::Xmm t = xmm(tr);
    a_.movdqa(t, src);
    a_.psubq(t, dst);
    a_.movdqa(s, dst);
    a_.pcmpeqd(s, src);
    a_.pand(t, s);
    a_.movdqa(s, dst);
    a_.pcmpgtd(s, src);
    a_.por(t, s);
    a_.pshufd(dst, t, 0xf5);
    release(ValType::V128, tr);
  };
  x86::Xmm l = xmm(lr), r = xmm(rr);
  uint8_t out = lr;
  if (cond == "eq") {
    a_.emit(eq, l, r);
  } else if (cond == "ne") {
    a_.emit(eq, l, r);
    invert(l);
  } else if (cond == "gt_s") {
    greater(l, r);
  } else if (cond == "lt_s") {
    greater(r, l);
    out = rr;
  } else if (lb == 8) {  // i64x2 le_s / ge_s: negated gt / lt (no 64-bit min/max in SSE)
    if (cond == "le_s") {
      greater(l, r);
      invert(l);
    } else {
      greater(r, l);
      invert(r);
      out = rr;
    }
  } else {
    // Through min/max: a <= b <=> max(a, b) == b, a >= b <=> min(a, b) == b; the strict
    // unsigned forms are the negations of these (SSE has no unsigned pcmpgt).
    bool le = cond == "le_s" || cond == "le_u" || cond == "gt_u";
    bool is_signed = cond.ends_with("_s");
    a_.emit(le ? (is_signed ? maxs : maxu) : (is_signed ? mins : minu), l, r);
    a_.emit(eq, l, r);
    if (cond == "gt_u" || cond == "lt_u") invert(l);
  }
  release(ValType::V128, out == lr ? rr : lr);
  push_reg(ValType::V128, out);
}

// Shifts take the count modulo the lane width. SSE shifts words, dwords and qwords (by an
// immediate or by the low qword of an XMM register) but has no byte shifts and no 64-bit
// arithmetic right shift; those are built from the others.
void Compiler::emit_simd_shift(Op op) {
  std::string_view text = info(op).text;
  uint32_t lb = lane_bytes(op);
  uint32_t mask = lb * 8 - 1;
  enum { Shl, ShrS, ShrU } kind = text.ends_with("shl") ? Shl : text.ends_with("shr_s") ? ShrS : ShrU;
  x86::Xmm s = xmm(kScratchXmm);
  bool constant = stack_.back().loc == Loc::Const;
  uint32_t c = 0;
  uint8_t g = 0;
  if (constant) {
    c = static_cast<uint32_t>(stack_.back().bits) & mask;
    stack_.pop_back();
  } else {
    g = pop_reg();
    a_.and_(x86::gpd(g), mask);
  }
  uint8_t v = pop_reg();
  x86::Xmm x = xmm(v);
  if (constant && c == 0) return push_reg(ValType::V128, v);  // x << 0 vanishes
  // Shifts `dst` by the count (+ extra), as an immediate or through the scratch register.
  auto shift = [&](InstId id, x86::Xmm dst, uint32_t extra) {
    if (constant) return static_cast<void>(a_.emit(id, dst, asmjit::imm(c + extra)));
    if (extra) a_.lea(x86::r11d, x86::ptr(x86::gpq(g), static_cast<int32_t>(extra)));
    else a_.mov(x86::r11d, x86::gpd(g));
    a_.movd(s, x86::r11d);
    a_.emit(id, dst, s);
  };
  if (lb == 1 && kind == ShrS) {
    // Unpack each byte into the high half of a word, shift the words arithmetically by
    // count + 8, and pack back with signed saturation (the values fit, so nothing saturates).
    uint8_t tr = alloc_xmm();
    x86::Xmm t = xmm(tr);
    a_.movdqa(t, x);
    a_.punpckhbw(t, t);
    a_.punpcklbw(x, x);
    shift(Inst::kIdPsraw, t, 8);
    shift(Inst::kIdPsraw, x, 8);
    a_.packsswb(x, t);
    release(ValType::V128, tr);
  } else if (lb == 1) {
    // Shift words, then clear the bits that crossed into a neighbouring byte: shl keeps the
    // byte mask 0xff << c, shr_u keeps 0xff >> c.
    shift(kind == Shl ? Inst::kIdPsllw : Inst::kIdPsrlw, x, 0);
    if (constant) {
      uint32_t keep = kind == Shl ? (0xffu << c) & 0xff : 0xffu >> c;
      a_.pand(x, vsplat64(rep8(keep)));
    } else {
      // Build the mask: words 0xffff >> (c + 8) = 0xff >> c; for shl shift it back left by c
      // to (0xff >> c) << c; then pack the words to bytes.
      uint8_t tr = alloc_xmm();
      x86::Xmm t = xmm(tr);
      a_.pcmpeqw(t, t);
      shift(Inst::kIdPsrlw, t, 8);
      if (kind == Shl) shift(Inst::kIdPsllw, t, 0);
      a_.packuswb(t, t);
      a_.pand(x, t);
      release(ValType::V128, tr);
    }
  } else if (lb == 8 && kind == ShrS) {
    // No psraq: with m = (1 << 63) >> c (logical), ((x >> c) ^ m) - m sign-extends the
    // logically shifted value.
    uint8_t tr = alloc_xmm();
    x86::Xmm t = xmm(tr);
    a_.movdqa(t, vsplat64(uint64_t{1} << 63));
    shift(Inst::kIdPsrlq, t, 0);
    shift(Inst::kIdPsrlq, x, 0);
    a_.pxor(x, t);
    a_.psubq(x, t);
    release(ValType::V128, tr);
  } else {
    InstId id = kind == Shl ? by_width(lb, Inst::kIdNone, Inst::kIdPsllw, Inst::kIdPslld, Inst::kIdPsllq)
              : kind == ShrS ? by_width(lb, Inst::kIdNone, Inst::kIdPsraw, Inst::kIdPsrad, Inst::kIdNone)
                             : by_width(lb, Inst::kIdNone, Inst::kIdPsrlw, Inst::kIdPsrld, Inst::kIdPsrlq);
    shift(id, x, 0);
  }
  if (!constant) release(ValType::I32, g);
  push_reg(ValType::V128, v);
}

void Compiler::emit_simd_int(Op op) {
  const OpInfo& oi = info(op);
  x86::Xmm s = xmm(kScratchXmm);
  if (oi.sig.num_params == 2) {
    uint8_t rr = pop_reg();
    uint8_t lr = pop_reg();
    x86::Xmm l = xmm(lr), r = xmm(rr);
    switch (op) {
      case Op::I64x2Mul: {
        // No 64-bit multiply: with 32-bit halves, lo64(a * b) = a_lo * b_lo
        // + ((a_hi * b_lo + a_lo * b_hi) << 32), three pmuludq.
        uint8_t tr = alloc_xmm();
        x86::Xmm t = xmm(tr);
        a_.movdqa(s, l);
        a_.psrlq(s, 32);
        a_.pmuludq(s, r);  // a_hi * b_lo
        a_.movdqa(t, r);
        a_.psrlq(t, 32);
        a_.pmuludq(t, l);  // b_hi * a_lo
        a_.paddq(t, s);
        a_.psllq(t, 32);
        a_.pmuludq(l, r);  // a_lo * b_lo
        a_.paddq(l, t);
        release(ValType::V128, tr);
        break;
      }
      case Op::I16x8Q15mulrSatS:
        // pmulhrsw is q15mulr except 0x8000 * 0x8000, which gives 0x8000 instead of
        // saturating to 0x7fff; no other product rounds to 0x8000, so flip exactly those.
        a_.pmulhrsw(l, r);
        a_.movdqa(s, vsplat64(rep16(0x8000)));
        a_.pcmpeqw(s, l);
        a_.pxor(l, s);
        break;
      case Op::I16x8ExtmulLowI8x16S: case Op::I16x8ExtmulLowI8x16U:
      case Op::I16x8ExtmulHighI8x16S: case Op::I16x8ExtmulHighI8x16U: {
        // Widen both to words (low half: pmovsx/zx; high half: unpack, then arithmetic shift
        // or zero interleave), then pmullw: the 16-bit product of 8-bit values is exact.
        bool high = op == Op::I16x8ExtmulHighI8x16S || op == Op::I16x8ExtmulHighI8x16U;
        bool is_signed = op == Op::I16x8ExtmulLowI8x16S || op == Op::I16x8ExtmulHighI8x16S;
        for (x86::Xmm x : {l, r}) {
          if (!high) {
            is_signed ? a_.pmovsxbw(x, x) : a_.pmovzxbw(x, x);
          } else if (is_signed) {
            a_.punpckhbw(x, x);
            a_.psraw(x, 8);
          } else {
            a_.pxor(s, s);
            a_.punpckhbw(x, s);
          }
        }
        a_.pmullw(l, r);
        break;
      }
      case Op::I32x4ExtmulLowI16x8S: case Op::I32x4ExtmulLowI16x8U:
      case Op::I32x4ExtmulHighI16x8S: case Op::I32x4ExtmulHighI16x8U: {
        // Low and high 16 bits of the 32-bit products (pmullw, pmulhw/pmulhuw), interleaved.
        bool is_signed = op == Op::I32x4ExtmulLowI16x8S || op == Op::I32x4ExtmulHighI16x8S;
        a_.movdqa(s, l);
        is_signed ? a_.pmulhw(s, r) : a_.pmulhuw(s, r);
        a_.pmullw(l, r);
        if (op == Op::I32x4ExtmulLowI16x8S || op == Op::I32x4ExtmulLowI16x8U) a_.punpcklwd(l, s);
        else a_.punpckhwd(l, s);
        break;
      }
      default: {  // I64x2Extmul*: spread lanes 0,1 (or 2,3) to the even dwords, then pmul(u)dq
        bool high = op == Op::I64x2ExtmulHighI32x4S || op == Op::I64x2ExtmulHighI32x4U;
        bool is_signed = op == Op::I64x2ExtmulLowI32x4S || op == Op::I64x2ExtmulHighI32x4S;
        uint8_t order = high ? 0xfa : 0x50;  // dwords 2,2,3,3 or 0,0,1,1
        a_.pshufd(l, l, order);
        a_.pshufd(r, r, order);
        is_signed ? a_.pmuldq(l, r) : a_.pmuludq(l, r);
        break;
      }
    }
    release(ValType::V128, rr);
    return push_reg(ValType::V128, lr);
  }
  uint8_t v = pop_reg();
  x86::Xmm x = xmm(v);
  switch (op) {
    case Op::I8x16Neg: case Op::I16x8Neg: case Op::I32x4Neg:
      // psign by an all-ones (-1) vector negates every lane.
      a_.pcmpeqd(s, s);
      if (op == Op::I8x16Neg) a_.psignb(x, s);
      else if (op == Op::I16x8Neg) a_.psignw(x, s);
      else a_.psignd(x, s);
      break;
    case Op::I64x2Neg:
      a_.movdqa(s, x);
      a_.pxor(x, x);
      a_.psubq(x, s);
      break;
    case Op::I64x2Abs:
      // No pabsq: m = each lane's sign (high dword's sign broadcast), abs = (x ^ m) - m.
      a_.pshufd(s, x, 0xf5);
      a_.psrad(s, 31);
      a_.pxor(x, s);
      a_.psubq(x, s);
      break;
    case Op::I8x16Popcnt: {
      // Look up the bit count of each nibble with pshufb and add the two counts.
      constexpr uint64_t kLo = 0x0302020102010100, kHi = 0x0403030203020201;  // popcount 0..15
      uint8_t tr = alloc_xmm();
      x86::Xmm t = xmm(tr);
      a_.movdqa(t, x);
      a_.psrlw(t, 4);
      a_.movdqa(s, vsplat64(rep8(0x0f)));
      a_.pand(x, s);
      a_.pand(t, s);
      a_.movdqa(s, vconst(kLo, kHi));
      a_.pshufb(s, x);
      a_.movdqa(x, vconst(kLo, kHi));
      a_.pshufb(x, t);
      a_.paddb(x, s);
      release(ValType::V128, tr);
      break;
    }
    case Op::I16x8ExtaddPairwiseI8x16S:
      // pmaddubsw multiplies unsigned bytes of dst by signed bytes of src and adds pairs.
      a_.movdqa(s, vsplat64(rep8(1)));
      a_.pmaddubsw(s, x);
      a_.movdqa(x, s);
      break;
    case Op::I16x8ExtaddPairwiseI8x16U: a_.pmaddubsw(x, vsplat64(rep8(1))); break;
    case Op::I32x4ExtaddPairwiseI16x8S: a_.pmaddwd(x, vsplat64(rep16(1))); break;
    case Op::I32x4ExtaddPairwiseI16x8U:
      // pmaddwd is signed: bias each u16 by -0x8000 (flip the top bit), add pairs, and add
      // back 2 * 0x8000.
      a_.pxor(x, vsplat64(rep16(0x8000)));
      a_.pmaddwd(x, vsplat64(rep16(1)));
      a_.paddd(x, vsplat64(rep32(0x10000)));
      break;
    case Op::I16x8ExtendHighI8x16S:
      a_.punpckhbw(x, x);
      a_.psraw(x, 8);
      break;
    case Op::I16x8ExtendHighI8x16U:
      a_.pxor(s, s);
      a_.punpckhbw(x, s);
      break;
    case Op::I32x4ExtendHighI16x8S:
      a_.punpckhwd(x, x);
      a_.psrad(x, 16);
      break;
    case Op::I32x4ExtendHighI16x8U:
      a_.pxor(s, s);
      a_.punpckhwd(x, s);
      break;
    case Op::I64x2ExtendHighI32x4S:
      a_.pshufd(x, x, 0xee);  // dwords 2,3 to the low half
      a_.pmovsxdq(x, x);
      break;
    case Op::I64x2ExtendHighI32x4U:
      a_.pxor(s, s);
      a_.punpckhdq(x, s);
      break;
    default:
      return fail("internal: SIMD operator " + std::string(oi.text) + " not handled");
  }
  push_reg(ValType::V128, v);
}

}  // namespace tern::jit
