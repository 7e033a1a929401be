// SIMD float lane operators beyond one instruction: comparisons, min/max with the spec's NaN
// and signed-zero rules, pmin/pmax, abs/neg, rounding, and the conversions between float and
// integer vectors (saturating where the spec says so).
#include <bit>

#include "jit/compiler/compiler.h"
#include "jit/compiler/simd.h"

namespace tern::jit {

using namespace simd;

void Compiler::emit_simd_float(Op op) {
  std::string_view text = info(op).text;
  std::string_view name = text.substr(text.find('.') + 1);
  if (name.starts_with("convert") || name.starts_with("trunc_sat")) return emit_simd_convert(op);
  if (name == "min" || name == "max") return emit_simd_float_minmax(op);
  bool d = text.starts_with("f64x2");
  if (info(op).sig.num_params == 1) {
    uint8_t v = pop_reg();
    x86::Xmm x = xmm(v);
    uint64_t sign = d ? uint64_t{1} << 63 : rep32(0x80000000u);
    if (name == "abs") a_.andps(x, vsplat64(~sign));  // abs and neg only touch the sign bit
    else if (name == "neg") a_.xorps(x, vsplat64(sign));
    else {
      uint8_t mode = name == "ceil"    ? kRoundCeil
                     : name == "floor" ? kRoundFloor
                     : name == "trunc" ? kRoundTrunc
                                       : kRoundNearest;
      d ? a_.roundpd(x, x, mode) : a_.roundps(x, x, mode);
    }
    return push_reg(ValType::V128, v);
  }
  uint8_t rr = pop_reg();
  uint8_t lr = pop_reg();
  x86::Xmm l = xmm(lr), r = xmm(rr);
  auto cmp = [&](x86::Xmm a, x86::Xmm b, uint8_t pred) { d ? a_.cmppd(a, b, pred) : a_.cmpps(a, b, pred); };
  uint8_t out = lr;
  if (name == "eq") cmp(l, r, kCmpEq);
  else if (name == "ne") cmp(l, r, kCmpNeqUnord);  // true for NaN, as the spec wants
  else if (name == "lt") cmp(l, r, kCmpLt);
  else if (name == "le") cmp(l, r, kCmpLe);
  else if (name == "gt" || name == "ge") {  // a > b is b < a: the result lands in b's register
    cmp(r, l, name == "gt" ? kCmpLt : kCmpLe);
    out = rr;
  } else {
    // pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a are exactly minps/maxps with
    // b as the destination (they return the source operand for NaN and equal values).
    bool is_min = name == "pmin";
    if (d) is_min ? a_.minpd(r, l) : a_.maxpd(r, l);
    else is_min ? a_.minps(r, l) : a_.maxps(r, l);
    out = rr;
  }
  release(ValType::V128, out == lr ? rr : lr);
  push_reg(ValType::V128, out);
}

// minps/maxps return the second operand when either is NaN or both are zeros, so neither
// order alone propagates NaN or orders -0 < +0. Compute both orders: r1 = op(b, a) and
// r2 = op(a, b) differ only in those lanes. min = r1 | r2 (a NaN stays NaN, -0 wins), max =
// r1 & r2 (+0 wins) with NaN lanes forced to all-ones; then canonicalize the NaN lanes: a
// mask of them shifted right by 10 (f32) or 13 (f64) clears all but sign, exponent and quiet
// bit, so andn leaves exactly the canonical NaN.
void Compiler::emit_simd_float_minmax(Op op) {
  bool d = op == Op::F64x2Min || op == Op::F64x2Max;
  bool is_min = op == Op::F32x4Min || op == Op::F64x2Min;
  uint8_t rr = pop_reg();
  uint8_t lr = pop_reg();
  x86::Xmm a = xmm(lr), b = xmm(rr), s = xmm(kScratchXmm);
  auto minmax = [&](x86::Xmm dst, x86::Xmm src) {
    if (d) is_min ? a_.minpd(dst, src) : a_.maxpd(dst, src);
    else is_min ? a_.minps(dst, src) : a_.maxps(dst, src);
  };
  a_.movaps(s, b);
  minmax(s, a);  // s = r1
  minmax(a, b);  // a = r2
  if (is_min) {
    a_.orps(a, s);
    a_.movaps(b, a);
    d ? a_.cmppd(b, a, kCmpUnord) : a_.cmpps(b, a, kCmpUnord);  // b = NaN lanes
  } else {
    a_.movaps(b, a);
    d ? a_.cmppd(b, s, kCmpUnord) : a_.cmpps(b, s, kCmpUnord);  // one of r1, r2 is NaN iff an input is
    a_.andps(a, s);
  }
  a_.orps(a, b);
  d ? a_.psrlq(b, 13) : a_.psrld(b, 10);
  a_.andnps(b, a);
  release(ValType::V128, lr);
  push_reg(ValType::V128, rr);
}

void Compiler::emit_simd_convert(Op op) {
  uint8_t v = pop_reg();
  x86::Xmm x = xmm(v), s = xmm(kScratchXmm);
  switch (op) {
    case Op::F32x4ConvertI32x4U:
      // No unsigned cvtdq2ps: convert the low 16 bits (exact) and the high part halved (so it
      // is non-negative, and exact as it has at most 16 significant bits), double it back,
      // and add the two: the only rounding is in that final add.
      a_.movdqa(s, x);
      a_.pslld(s, 16);
      a_.psrld(s, 16);
      a_.psubd(x, s);
      a_.cvtdq2ps(s, s);
      a_.psrld(x, 1);
      a_.cvtdq2ps(x, x);
      a_.addps(x, x);
      a_.addps(x, s);
      break;
    case Op::F64x2ConvertLowI32x4U:
      // Pair each u32 with the high dword 0x43300000: the double 2^52 + u, exactly; then
      // subtract 2^52.
      a_.unpcklps(x, vsplat64(0x4330000043300000));
      a_.subpd(x, vsplat64(0x4330000000000000));
      break;
    case Op::I32x4TruncSatF32x4S:
      // cvttps2dq gives 0x80000000 for NaN and out-of-range lanes. Zero NaN lanes first (an
      // ordered self-compare is their mask); after converting, a lane whose input was
      // non-negative but whose result is negative overflowed: flip it to 0x7fffffff.
      a_.movaps(s, x);
      a_.cmpps(s, s, kCmpEq);
      a_.andps(x, s);
      a_.movaps(s, x);
      a_.cvttps2dq(x, x);
      a_.pandn(s, x);  // sign bit set: input >= 0 and result < 0
      a_.psrad(s, 31);
      a_.pxor(x, s);
      break;
    case Op::I32x4TruncSatF32x4U: {
      // Clamp NaN and negatives to 0 (maxps returns the zero source for NaN). Lanes below
      // 2^31 convert directly; for the others cvttps2dq gives 0x80000000 and we add the
      // conversion of x - 2^31, itself forced to 0x7fffffff when x >= 2^32 and to 0 when
      // x < 2^31 (where x - 2^31 is negative).
      uint8_t tr = alloc_xmm();
      x86::Xmm t = xmm(tr);
      a_.xorps(s, s);
      a_.maxps(x, s);
      a_.movaps(s, vsplat64(rep32(0x4f000000)));  // 2^31 as f32
      a_.movaps(t, x);
      a_.subps(t, s);
      a_.cmpps(s, t, kCmpLe);  // x - 2^31 >= 2^31
      a_.cvttps2dq(t, t);
      a_.pxor(t, s);
      a_.pxor(s, s);
      a_.pmaxsd(t, s);
      a_.cvttps2dq(x, x);
      a_.paddd(x, t);
      release(ValType::V128, tr);
      break;
    }
    case Op::I32x4TruncSatF64x2SZero:
      // min(x, INT32_MAX) saturates above (minpd returns the source, 0 for NaN lanes, when x
      // is NaN); cvttpd2dq's 0x80000000 is already right below INT32_MIN. It zeroes lanes 2, 3.
      a_.movapd(s, x);
      a_.cmppd(s, s, kCmpEq);
      a_.andpd(s, vsplat64(std::bit_cast<uint64_t>(2147483647.0)));
      a_.minpd(x, s);
      a_.cvttpd2dq(x, x);
      break;
    case Op::I32x4TruncSatF64x2UZero:
      // Clamp to [0, 2^32 - 1] (NaN to 0), truncate, and add 2^52: the low dword of each
      // double is then the integer. Gather the two low dwords and two zeros.
      a_.xorpd(s, s);
      a_.maxpd(x, s);
      a_.minpd(x, vsplat64(std::bit_cast<uint64_t>(4294967295.0)));
      a_.roundpd(x, x, kRoundTrunc);
      a_.addpd(x, vsplat64(0x4330000000000000));
      a_.shufps(x, s, 0x88);
      break;
    default:
      return fail("internal: SIMD conversion " + std::string(info(op).text) + " not handled");
  }
  push_reg(ValType::V128, v);
}

}  // namespace tern::jit
