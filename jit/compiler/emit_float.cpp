// Float operators and conversions, with the spec's NaN, signed-zero and trapping rules.
#include <bit>
#include <cstring>

#include "jit/compiler/compiler.h"

namespace tern::jit {

using asmjit::Label;
using x86::CondCode;

namespace {
uint64_t f32_bits(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t f64_bits(double d) { return std::bit_cast<uint64_t>(d); }
}  // namespace

void Compiler::emit_float_binary(Op op) {
  bool d = info(op).sig.params[0] == ValType::F64;
  ValType t = d ? ValType::F64 : ValType::F32;
  uint8_t rr = pop_reg();
  uint8_t lr = pop_reg();
  x86::Xmm l = xmm(lr), r = xmm(rr);
  switch (op) {
    case Op::F32Add: a_.addss(l, r); break;
    case Op::F64Add: a_.addsd(l, r); break;
    case Op::F32Sub: a_.subss(l, r); break;
    case Op::F64Sub: a_.subsd(l, r); break;
    case Op::F32Mul: a_.mulss(l, r); break;
    case Op::F64Mul: a_.mulsd(l, r); break;
    case Op::F32Div: a_.divss(l, r); break;
    case Op::F64Div: a_.divsd(l, r); break;
    case Op::F32Min: case Op::F64Min: case Op::F32Max: case Op::F64Max: {
      // minss/maxss return the second operand for NaN and either zero for ±0: handle both.
      bool is_min = op == Op::F32Min || op == Op::F64Min;
      Label nan = a_.newLabel(), equal = a_.newLabel(), done = a_.newLabel();
      if (d) a_.ucomisd(l, r);
      else a_.ucomiss(l, r);
      a_.jp(nan);
      a_.je(equal);
      if (is_min) d ? a_.minsd(l, r) : a_.minss(l, r);
      else d ? a_.maxsd(l, r) : a_.maxss(l, r);
      a_.jmp(done);
      a_.bind(equal);  // equal values: only ±0 differ; min ORs the signs, max ANDs them
      if (is_min) a_.orps(l, r);
      else a_.andps(l, r);
      a_.jmp(done);
      a_.bind(nan);
      d ? a_.addsd(l, r) : a_.addss(l, r);  // a quiet NaN
      a_.bind(done);
      break;
    }
    default: {  // copysign
      uint64_t sign = d ? uint64_t{1} << 63 : uint64_t{1} << 31;
      a_.andps(r, x86::ptr(const_label(sign, 0)));
      a_.andps(l, x86::ptr(const_label(~sign & (d ? ~uint64_t{0} : 0xffffffffu), 0)));
      a_.orps(l, r);
      break;
    }
  }
  release(t, rr);
  push_reg(t, lr);
}

void Compiler::emit_float_unary(Op op) {
  bool d = info(op).sig.params[0] == ValType::F64;
  ValType t = d ? ValType::F64 : ValType::F32;
  uint8_t r = pop_reg();
  x86::Xmm x = xmm(r);
  uint64_t sign = d ? uint64_t{1} << 63 : uint64_t{1} << 31;
  switch (op) {
    case Op::F32Abs: case Op::F64Abs: a_.andps(x, x86::ptr(const_label(~sign & (d ? ~uint64_t{0} : 0xffffffffu), 0))); break;
    case Op::F32Neg: case Op::F64Neg: a_.xorps(x, x86::ptr(const_label(sign, 0))); break;
    case Op::F32Sqrt: a_.sqrtss(x, x); break;
    case Op::F64Sqrt: a_.sqrtsd(x, x); break;
    case Op::F32Ceil: a_.roundss(x, x, 0x0a); break;  // toward +inf, suppress precision exception
    case Op::F64Ceil: a_.roundsd(x, x, 0x0a); break;
    case Op::F32Floor: a_.roundss(x, x, 0x09); break;
    case Op::F64Floor: a_.roundsd(x, x, 0x09); break;
    case Op::F32Trunc: a_.roundss(x, x, 0x0b); break;
    case Op::F64Trunc: a_.roundsd(x, x, 0x0b); break;
    case Op::F32Nearest: a_.roundss(x, x, 0x08); break;  // ties to even
    default: a_.roundsd(x, x, 0x08); break;             // F64Nearest
  }
  push_reg(t, r);
}

void Compiler::emit_float_compare(Op op) {
  bool d = info(op).sig.params[0] == ValType::F64;
  ValType t = d ? ValType::F64 : ValType::F32;
  uint8_t rr = pop_reg();
  uint8_t lr = pop_reg();
  x86::Xmm l = xmm(lr), r = xmm(rr);
  auto ucomi = [&](const x86::Xmm& a, const x86::Xmm& b) { d ? a_.ucomisd(a, b) : a_.ucomiss(a, b); };
  release(t, rr);
  release(t, lr);
  switch (op) {
    // Unordered sets ZF, PF and CF: "above" conditions are false for NaN as the spec wants.
    case Op::F32Gt: case Op::F64Gt: ucomi(l, r); return push_flags(CondCode::kA);
    case Op::F32Ge: case Op::F64Ge: ucomi(l, r); return push_flags(CondCode::kAE);
    case Op::F32Lt: case Op::F64Lt: ucomi(r, l); return push_flags(CondCode::kA);
    case Op::F32Le: case Op::F64Le: ucomi(r, l); return push_flags(CondCode::kAE);
    default: break;
  }
  // eq / ne need two flags (ZF and PF): compute into a register.
  uint8_t out = alloc_gp();
  ucomi(l, r);
  if (op == Op::F32Eq || op == Op::F64Eq) {
    a_.setnp(x86::r11b);
    a_.sete(x86::gpb(out));
    a_.and_(x86::gpb(out), x86::r11b);
  } else {
    a_.setp(x86::r11b);
    a_.setne(x86::gpb(out));
    a_.or_(x86::gpb(out), x86::r11b);
  }
  a_.movzx(x86::gpd(out), x86::gpb(out));
  push_reg(ValType::I32, out);
}

void Compiler::emit_conversion(Op op) {
  const OpInfo& oi = info(op);
  ValType from = oi.sig.params[0], to = oi.sig.results[0];
  if (is_fp(from) && !is_fp(to) && oi.text.find(".trunc_") != std::string_view::npos) return emit_trunc(op);
  if (op == Op::I64ExtendI32U) {  // i32 registers are already zero-extended
    uint8_t r = pop_reg();
    a_.mov(x86::gpd(r), x86::gpd(r));
    return push_reg(ValType::I64, r);
  }
  if (op == Op::I32WrapI64) {
    uint8_t r = pop_reg();
    a_.mov(x86::gpd(r), x86::gpd(r));
    return push_reg(ValType::I32, r);
  }
  if (op == Op::I64ExtendI32S) {
    uint8_t r = pop_reg();
    a_.movsxd(x86::gpq(r), x86::gpd(r));
    return push_reg(ValType::I64, r);
  }
  uint8_t src = pop_reg();
  uint8_t dst = alloc(to);
  switch (op) {
    case Op::I32ReinterpretF32: a_.movd(x86::gpd(dst), xmm(src)); break;
    case Op::I64ReinterpretF64: a_.movq(x86::gpq(dst), xmm(src)); break;
    case Op::F32ReinterpretI32: a_.movd(xmm(dst), x86::gpd(src)); break;
    case Op::F64ReinterpretI64: a_.movq(xmm(dst), x86::gpq(src)); break;
    case Op::F32DemoteF64: a_.cvtsd2ss(xmm(dst), xmm(src)); break;
    case Op::F64PromoteF32: a_.cvtss2sd(xmm(dst), xmm(src)); break;
    case Op::F32ConvertI32S: a_.xorps(xmm(dst), xmm(dst)); a_.cvtsi2ss(xmm(dst), x86::gpd(src)); break;
    case Op::F64ConvertI32S: a_.xorps(xmm(dst), xmm(dst)); a_.cvtsi2sd(xmm(dst), x86::gpd(src)); break;
    // A zero-extended u32 is a non-negative i64.
    case Op::F32ConvertI32U: a_.xorps(xmm(dst), xmm(dst)); a_.cvtsi2ss(xmm(dst), x86::gpq(src)); break;
    case Op::F64ConvertI32U: a_.xorps(xmm(dst), xmm(dst)); a_.cvtsi2sd(xmm(dst), x86::gpq(src)); break;
    case Op::F32ConvertI64S: a_.xorps(xmm(dst), xmm(dst)); a_.cvtsi2ss(xmm(dst), x86::gpq(src)); break;
    case Op::F64ConvertI64S: a_.xorps(xmm(dst), xmm(dst)); a_.cvtsi2sd(xmm(dst), x86::gpq(src)); break;
    case Op::F32ConvertI64U:
    case Op::F64ConvertI64U: {
      // Values >= 2^63: halve (keeping the low bit for rounding), convert, double.
      bool dd = op == Op::F64ConvertI64U;
      Label big = a_.newLabel(), done = a_.newLabel();
      a_.xorps(xmm(dst), xmm(dst));
      a_.test(x86::gpq(src), x86::gpq(src));
      a_.js(big);
      dd ? a_.cvtsi2sd(xmm(dst), x86::gpq(src)) : a_.cvtsi2ss(xmm(dst), x86::gpq(src));
      a_.jmp(done);
      a_.bind(big);
      a_.mov(x86::r11, x86::gpq(src));
      a_.shr(x86::r11, 1);
      a_.and_(x86::gpd(src), 1);
      a_.or_(x86::r11, x86::gpq(src));
      dd ? a_.cvtsi2sd(xmm(dst), x86::r11) : a_.cvtsi2ss(xmm(dst), x86::r11);
      dd ? a_.addsd(xmm(dst), xmm(dst)) : a_.addss(xmm(dst), xmm(dst));
      a_.bind(done);
      break;
    }
    default:
      return fail("internal: conversion " + std::string(oi.text) + " not handled");
  }
  release(from, src);
  push_reg(to, dst);
}

// i32/i64.trunc_f32/f64_s/u (trapping) and the _sat forms (saturating).
void Compiler::emit_trunc(Op op) {
  const OpInfo& oi = info(op);
  ValType from = oi.sig.params[0], to = oi.sig.results[0];
  bool d = from == ValType::F64;
  bool to64 = to == ValType::I64;
  bool sat = oi.prefix == 0xfc;
  std::string_view text = oi.text;
  bool is_unsigned = text.ends_with("_u");
  uint8_t src = pop_reg();
  uint8_t dst = alloc_gp();
  x86::Xmm x = xmm(src);
  x86::Gp out = x86::gpq(dst);
  auto fconst = [&](double v) { return x86::ptr(const_label(d ? f64_bits(v) : f32_bits(static_cast<float>(v)), 0)); };
  auto ucomi = [&](const x86::Mem& m) { d ? a_.ucomisd(x, m) : a_.ucomiss(x, m); };
  auto cvtt = [&](const x86::Gp& g, const x86::Xmm& v) { d ? a_.cvttsd2si(g, v) : a_.cvttss2si(g, v); };

  // Range of values whose truncation fits: lo < x < hi (exclusive bounds, exact in float).
  double lo, hi;
  if (!to64 && !is_unsigned) { lo = d ? -2147483649.0 : -2147483904.0; hi = 2147483648.0; }
  else if (!to64) { lo = -1.0; hi = 4294967296.0; }
  else if (!is_unsigned) { lo = d ? -9223372036854777856.0 : -9223373136366403584.0; hi = 9223372036854775808.0; }
  else { lo = -1.0; hi = 18446744073709551616.0; }

  Label done = a_.newLabel();
  Label nan = sat ? a_.newLabel() : trap_label(TrapKind::InvalidConversion);
  Label too_low = sat ? a_.newLabel() : trap_label(TrapKind::IntegerOverflow);
  Label too_high = sat ? a_.newLabel() : trap_label(TrapKind::IntegerOverflow);
  d ? a_.ucomisd(x, x) : a_.ucomiss(x, x);
  a_.jp(nan);
  ucomi(fconst(lo));
  a_.jbe(too_low);
  ucomi(fconst(hi));
  a_.jae(too_high);
  if (to64 && is_unsigned) {
    // >= 2^63: subtract 2^63 before converting, set the top bit after.
    Label small = a_.newLabel();
    ucomi(fconst(9223372036854775808.0));
    a_.jb(small);
    d ? a_.subsd(x, fconst(9223372036854775808.0)) : a_.subss(x, fconst(9223372036854775808.0));
    cvtt(out, x);
    a_.btc(out, 63);
    a_.jmp(done);
    a_.bind(small);
    cvtt(out, x);
  } else if (to64 || is_unsigned) {
    cvtt(out, x);  // u32 via the 64-bit form
    if (!to64) a_.mov(out.r32(), out.r32());
  } else {
    cvtt(out.r32(), x);
  }
  if (sat) {
    a_.jmp(done);
    a_.bind(nan);
    a_.xor_(out.r32(), out.r32());
    a_.jmp(done);
    a_.bind(too_low);
    if (is_unsigned) a_.xor_(out.r32(), out.r32());
    else if (to64) a_.mov(out, uint64_t{1} << 63);
    else a_.mov(out.r32(), 0x80000000u);
    a_.jmp(done);
    a_.bind(too_high);
    if (to64) a_.mov(out, is_unsigned ? ~uint64_t{0} : (uint64_t{1} << 63) - 1);
    else a_.mov(out.r32(), is_unsigned ? 0xffffffffu : 0x7fffffffu);
  }
  a_.bind(done);
  release(from, src);
  push_reg(to, dst);
}

}  // namespace tern::jit
