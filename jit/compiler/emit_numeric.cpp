// Integer operators: arithmetic, bit operations, comparisons, division, shifts, and the
// dispatch of every fixed-signature operator (on_simple) to its family.
#include <bit>

#include "jit/compiler/compiler.h"

namespace tern::jit {

using asmjit::Label;
using x86::CondCode;

void Compiler::on_simple(Op op, const Immediates& imm) {
  const OpInfo& oi = info(op);
  if (op == Op::Nop) return;
  if (!(op == Op::I32Eqz && stack_.back().loc == Loc::Flags)) materialize_flags();
  if (oi.prefix == 0xfd) return emit_simd(op, imm);
  if (oi.prefix == 0xfe) return emit_atomic(op, imm.mem);
  if (oi.imm == Imm::MemArg) {
    if (oi.sig.num_results == 1) emit_load(op, imm.mem);
    else emit_store(op, imm.mem);
    return;
  }
  if (oi.prefix == 0xfc) {
    if (oi.code <= 7) return emit_trunc(op);
    return emit_bulk(op, imm);
  }
  ValType p0 = oi.sig.params[0];
  bool int_op = p0 == ValType::I32 || p0 == ValType::I64;
  switch (op) {
    case Op::I32Eqz: case Op::I64Eqz:
    case Op::I32Eq: case Op::I32Ne: case Op::I32LtS: case Op::I32LtU: case Op::I32GtS: case Op::I32GtU:
    case Op::I32LeS: case Op::I32LeU: case Op::I32GeS: case Op::I32GeU:
    case Op::I64Eq: case Op::I64Ne: case Op::I64LtS: case Op::I64LtU: case Op::I64GtS: case Op::I64GtU:
    case Op::I64LeS: case Op::I64LeU: case Op::I64GeS: case Op::I64GeU:
      return emit_int_compare(op);
    case Op::I32DivS: case Op::I32DivU: case Op::I32RemS: case Op::I32RemU:
    case Op::I64DivS: case Op::I64DivU: case Op::I64RemS: case Op::I64RemU:
      return emit_div_rem(op);
    case Op::I32Shl: case Op::I32ShrS: case Op::I32ShrU: case Op::I32Rotl: case Op::I32Rotr:
    case Op::I64Shl: case Op::I64ShrS: case Op::I64ShrU: case Op::I64Rotl: case Op::I64Rotr:
      return emit_shift(op);
    case Op::I32Add: case Op::I32Sub: case Op::I32Mul: case Op::I32And: case Op::I32Or: case Op::I32Xor:
    case Op::I64Add: case Op::I64Sub: case Op::I64Mul: case Op::I64And: case Op::I64Or: case Op::I64Xor:
      return emit_int_binary(op);
    case Op::I32Clz: case Op::I32Ctz: case Op::I32Popcnt: case Op::I64Clz: case Op::I64Ctz: case Op::I64Popcnt:
    case Op::I32Extend8S: case Op::I32Extend16S: case Op::I64Extend8S: case Op::I64Extend16S: case Op::I64Extend32S:
      return emit_int_unary(op);
    default:
      break;
  }
  if (oi.sig.num_params == 2 && oi.sig.results[0] == ValType::I32 && !int_op) return emit_float_compare(op);
  if (oi.sig.num_params == 2 && !int_op) return emit_float_binary(op);
  if (oi.sig.num_params == 1 && p0 == oi.sig.results[0] && !int_op) return emit_float_unary(op);
  return emit_conversion(op);
}

namespace {
bool fits_imm32(uint64_t bits, ValType t) {
  return t == ValType::I32 || static_cast<int64_t>(bits) == static_cast<int32_t>(bits);
}

uint64_t fold_binary(Op op, uint64_t a, uint64_t b) {
  switch (op) {
    case Op::I32Add: return static_cast<uint32_t>(a + b);
    case Op::I32Sub: return static_cast<uint32_t>(a - b);
    case Op::I32Mul: return static_cast<uint32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
    case Op::I32And: case Op::I64And: return a & b;
    case Op::I32Or: case Op::I64Or: return a | b;
    case Op::I32Xor: case Op::I64Xor: return a ^ b;
    case Op::I64Add: return a + b;
    case Op::I64Sub: return a - b;
    default: return a * b;  // I64Mul
  }
}
}  // namespace

void Compiler::emit_int_binary(Op op) {
  ValType t = info(op).sig.params[0];
  Slot& rhs = stack_[stack_.size() - 1];
  Slot& lhs = stack_[stack_.size() - 2];
  if (lhs.loc == Loc::Const && rhs.loc == Loc::Const) {
    uint64_t v = fold_binary(op, lhs.bits, rhs.bits);
    stack_.pop_back();
    stack_.pop_back();
    return push_const(t, v);
  }
  bool commutative = op != Op::I32Sub && op != Op::I64Sub;
  if (commutative && lhs.loc == Loc::Const && rhs.loc != Loc::Const) {
    // A spilled slot's value lives at its own index's spill address (and flags only on top),
    // so the operand goes to a register before it changes place (the differential fuzzer's
    // find: `i32.and` of a constant and a multi-value block's spilled result read the
    // constant's never-written spill slot).
    to_reg(static_cast<uint32_t>(stack_.size()) - 1);
    std::swap(lhs, rhs);
  }
  // A swap moves slots; re-own their registers.
  for (uint32_t i = static_cast<uint32_t>(stack_.size()) - 2; i < stack_.size(); ++i)
    if (stack_[i].loc == Loc::Reg) regs_.gp[stack_[i].reg] = static_cast<int>(i);
  if (stack_.back().loc == Loc::Const && fits_imm32(stack_.back().bits, t)) {
    uint64_t c = stack_.back().bits;
    stack_.pop_back();
    bool identity = (c == 0 && (op == Op::I32Add || op == Op::I64Add || op == Op::I32Sub || op == Op::I64Sub ||
                                op == Op::I32Or || op == Op::I64Or || op == Op::I32Xor || op == Op::I64Xor)) ||
                    (c == 1 && (op == Op::I32Mul || op == Op::I64Mul));
    if (identity) return;  // x + 0, x * 1, ... vanish
    uint8_t r = pop_reg();
    x86::Gp g = gp(r, t);
    auto i = asmjit::imm(static_cast<int32_t>(c));
    switch (op) {
      case Op::I32Add: case Op::I64Add: a_.add(g, i); break;
      case Op::I32Sub: case Op::I64Sub: a_.sub(g, i); break;
      case Op::I32Mul: case Op::I64Mul: a_.imul(g, g, i); break;
      case Op::I32And: case Op::I64And: a_.and_(g, i); break;
      case Op::I32Or: case Op::I64Or: a_.or_(g, i); break;
      default: a_.xor_(g, i); break;
    }
    return push_reg(t, r);
  }
  uint8_t rr = pop_reg();
  uint8_t lr = pop_reg();
  x86::Gp l = gp(lr, t), r = gp(rr, t);
  switch (op) {
    case Op::I32Add: case Op::I64Add: a_.add(l, r); break;
    case Op::I32Sub: case Op::I64Sub: a_.sub(l, r); break;
    case Op::I32Mul: case Op::I64Mul: a_.imul(l, r); break;
    case Op::I32And: case Op::I64And: a_.and_(l, r); break;
    case Op::I32Or: case Op::I64Or: a_.or_(l, r); break;
    default: a_.xor_(l, r); break;
  }
  release(t, rr);
  push_reg(t, lr);
}

void Compiler::emit_int_compare(Op op) {
  if (op == Op::I32Eqz || op == Op::I64Eqz) {
    Slot& top = stack_.back();
    if (op == Op::I32Eqz && top.loc == Loc::Flags) {
      top.cond = negate(top.cond);
      return;
    }
    ValType t = op == Op::I32Eqz ? ValType::I32 : ValType::I64;
    uint8_t r = pop_reg();
    a_.test(gp(r, t), gp(r, t));
    release(t, r);
    return push_flags(CondCode::kE);
  }
  ValType t = info(op).sig.params[0];
  CondCode cc;
  switch (op) {
    case Op::I32Eq: case Op::I64Eq: cc = CondCode::kE; break;
    case Op::I32Ne: case Op::I64Ne: cc = CondCode::kNE; break;
    case Op::I32LtS: case Op::I64LtS: cc = CondCode::kL; break;
    case Op::I32LtU: case Op::I64LtU: cc = CondCode::kB; break;
    case Op::I32GtS: case Op::I64GtS: cc = CondCode::kG; break;
    case Op::I32GtU: case Op::I64GtU: cc = CondCode::kA; break;
    case Op::I32LeS: case Op::I64LeS: cc = CondCode::kLE; break;
    case Op::I32LeU: case Op::I64LeU: cc = CondCode::kBE; break;
    case Op::I32GeS: case Op::I64GeS: cc = CondCode::kGE; break;
    default: cc = CondCode::kAE; break;
  }
  if (stack_.back().loc == Loc::Const && fits_imm32(stack_.back().bits, t)) {
    uint64_t c = stack_.back().bits;
    stack_.pop_back();
    uint8_t l = pop_reg();
    a_.cmp(gp(l, t), asmjit::imm(static_cast<int32_t>(c)));
    release(t, l);
    return push_flags(cc);
  }
  uint8_t r = pop_reg();
  uint8_t l = pop_reg();
  a_.cmp(gp(l, t), gp(r, t));
  release(t, r);
  release(t, l);
  push_flags(cc);
}

void Compiler::emit_div_rem(Op op) {
  bool is64 = op == Op::I64DivS || op == Op::I64DivU || op == Op::I64RemS || op == Op::I64RemU;
  ValType t = is64 ? ValType::I64 : ValType::I32;
  bool is_signed = op == Op::I32DivS || op == Op::I32RemS || op == Op::I64DivS || op == Op::I64RemS;
  bool is_rem = op == Op::I32RemS || op == Op::I32RemU || op == Op::I64RemS || op == Op::I64RemU;
  take_gp(0);  // rax
  take_gp(2);  // rdx
  uint8_t rr = pop_reg();
  uint8_t lr = pop_reg();
  x86::Gp rax = gp(0, t), rdx = gp(2, t), r = gp(rr, t), l = gp(lr, t);
  a_.test(r, r);
  a_.jz(trap_label(TrapKind::IntegerDivideByZero));
  Label done = a_.newLabel();
  if (is_signed) {
    Label normal = a_.newLabel();
    a_.cmp(r, -1);
    a_.jne(normal);
    if (is_rem) {
      a_.xor_(x86::edx, x86::edx);  // x rem -1 == 0 (idiv would fault on INT_MIN)
      a_.jmp(done);
    } else {
      // INT_MIN / -1 overflows; any other x / -1 is -x.
      if (is64) {
        a_.mov(x86::r11, uint64_t{1} << 63);
        a_.cmp(l, x86::r11);
      } else {
        a_.cmp(l, asmjit::imm(static_cast<int32_t>(0x80000000u)));
      }
      a_.je(trap_label(TrapKind::IntegerOverflow));
    }
    a_.bind(normal);
    a_.mov(rax, l);
    if (is64) a_.cqo();
    else a_.cdq();
    a_.idiv(r);
  } else {
    a_.mov(rax, l);
    a_.xor_(x86::edx, x86::edx);
    a_.div(r);
  }
  a_.bind(done);
  (void)rdx;
  release(t, rr);
  release(t, lr);
  if (is_rem) {
    release(t, 0);
    push_reg(t, 2);
  } else {
    release(t, 2);
    push_reg(t, 0);
  }
}

void Compiler::emit_shift(Op op) {
  ValType t = info(op).sig.params[0];
  auto emit = [&](const x86::Gp& g, const auto& count) {
    switch (op) {
      case Op::I32Shl: case Op::I64Shl: a_.shl(g, count); break;
      case Op::I32ShrS: case Op::I64ShrS: a_.sar(g, count); break;
      case Op::I32ShrU: case Op::I64ShrU: a_.shr(g, count); break;
      case Op::I32Rotl: case Op::I64Rotl: a_.rol(g, count); break;
      default: a_.ror(g, count); break;
    }
  };
  if (stack_.back().loc == Loc::Const) {
    uint32_t c = static_cast<uint32_t>(stack_.back().bits) & (t == ValType::I32 ? 31 : 63);
    stack_.pop_back();
    if (c == 0) return;  // x << 0 vanishes
    uint8_t r = pop_reg();
    emit(gp(r, t), asmjit::imm(c));
    return push_reg(t, r);
  }
  take_gp(1);  // rcx: the count register
  uint8_t cr = pop_reg();
  uint8_t lr = pop_reg();
  a_.mov(x86::ecx, x86::gpd(cr));
  emit(gp(lr, t), x86::cl);
  release(t, cr);
  release(t, 1);
  push_reg(t, lr);
}

void Compiler::emit_int_unary(Op op) {
  ValType t = info(op).sig.params[0];
  uint8_t r = pop_reg();
  x86::Gp g = gp(r, t);
  switch (op) {
    case Op::I32Clz: case Op::I64Clz: {
      // bsr leaves the destination undefined for 0: select all-ones-after-xor instead.
      bool w = t == ValType::I64;
      a_.bsr(g, g);
      a_.mov(x86::r11d, w ? 127 : 63);
      a_.cmovz(g, gp(kScratchGp, t));
      a_.xor_(g, w ? 63 : 31);
      break;
    }
    case Op::I32Ctz: case Op::I64Ctz:
      a_.bsf(g, g);
      a_.mov(x86::r11d, t == ValType::I64 ? 64 : 32);
      a_.cmovz(g, gp(kScratchGp, t));
      break;
    case Op::I32Popcnt: case Op::I64Popcnt: a_.popcnt(g, g); break;
    case Op::I32Extend8S: a_.movsx(g, x86::gpb(r)); break;
    case Op::I32Extend16S: a_.movsx(g, x86::gpw(r)); break;
    case Op::I64Extend8S: a_.movsx(g, x86::gpb(r)); break;
    case Op::I64Extend16S: a_.movsx(g, x86::gpw(r)); break;
    default: a_.movsxd(g, x86::gpd(r)); break;  // I64Extend32S
  }
  push_reg(t, r);
}

}  // namespace tern::jit
