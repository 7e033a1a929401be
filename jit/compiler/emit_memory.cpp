// Loads and stores. No bounds checks: a 32-bit index plus a 32-bit offset always lands in the
// memory's 8 GiB reservation, and pages past the memory's size fault (DESIGN.md, jit/).
#include "jit/compiler/compiler.h"

namespace tern::jit {

using asmjit::Label;

// Pops the address operand and returns the memory operand for [base + index + offset].
// `temp` receives a register the caller releases (kScratchGp if none was needed).
x86::Mem Compiler::pop_address(const MemArg& m, uint8_t& temp) {
  temp = kScratchGp;
  x86::Gp base = x86::r14;
  if (m.memory != 0) {
    a_.mov(x86::r11, x86::ptr(x86::r15, vmctx_offset::kMemBases));
    a_.mov(x86::r11, x86::ptr(x86::r11, 8 * static_cast<int32_t>(m.memory)));
    base = x86::r11;
  }
  Slot& top = stack_.back();
  if (top.loc == Loc::Const) {
    uint64_t ea = static_cast<uint32_t>(top.bits) + m.offset;
    stack_.pop_back();
    if (ea <= 0x7fffffff) return x86::ptr(base, static_cast<int32_t>(ea));
    uint8_t r = alloc_gp();
    a_.mov(x86::gpq(r), ea);
    temp = r;
    return x86::ptr(base, x86::gpq(r));
  }
  uint8_t r = pop_reg();  // zero-extended (compiler.h, invariant 5)
  temp = r;
  if (m.offset <= 0x7fffffff) return x86::ptr(base, x86::gpq(r), 0, static_cast<int32_t>(m.offset));
  // Offsets >= 2^31 do not fit a displacement: add them in a register (no overflow in 64 bits).
  uint8_t o = alloc_gp();
  a_.mov(x86::gpq(o), m.offset);
  a_.add(x86::gpq(r), x86::gpq(o));
  release(ValType::I64, o);
  return x86::ptr(base, x86::gpq(r));
}

void Compiler::emit_load(Op op, const MemArg& m) {
  const OpInfo& oi = info(op);
  ValType t = oi.sig.results[0];
  uint8_t temp;
  x86::Mem mem = pop_address(m, temp);
  uint8_t r = alloc(t);
  x86::Gp g32 = x86::gpd(r), g64 = x86::gpq(r);
  switch (op) {
    case Op::I32Load: mem.setSize(4); a_.mov(g32, mem); break;
    case Op::I64Load: mem.setSize(8); a_.mov(g64, mem); break;
    case Op::F32Load: mem.setSize(4); a_.movss(xmm(r), mem); break;
    case Op::F64Load: mem.setSize(8); a_.movsd(xmm(r), mem); break;
    case Op::I32Load8S: mem.setSize(1); a_.movsx(g32, mem); break;
    case Op::I32Load8U: mem.setSize(1); a_.movzx(g32, mem); break;
    case Op::I32Load16S: mem.setSize(2); a_.movsx(g32, mem); break;
    case Op::I32Load16U: mem.setSize(2); a_.movzx(g32, mem); break;
    case Op::I64Load8S: mem.setSize(1); a_.movsx(g64, mem); break;
    case Op::I64Load8U: mem.setSize(1); a_.movzx(g32, mem); break;
    case Op::I64Load16S: mem.setSize(2); a_.movsx(g64, mem); break;
    case Op::I64Load16U: mem.setSize(2); a_.movzx(g32, mem); break;
    case Op::I64Load32S: mem.setSize(4); a_.movsxd(g64, mem); break;
    case Op::I64Load32U: mem.setSize(4); a_.mov(g32, mem); break;
    default: return fail("internal: load " + std::string(oi.text) + " not supported");
  }
  if (temp != kScratchGp) release(ValType::I64, temp);
  push_reg(t, r);
}

void Compiler::emit_store(Op op, const MemArg& m) {
  const OpInfo& oi = info(op);
  ValType t = oi.sig.params[1];
  // The value is on top, the address below it.
  Slot value = stack_.back();
  stack_.pop_back();
  bool value_const = value.loc == Loc::Const && !is_fp(t) &&
                     (t == ValType::I32 || static_cast<int64_t>(value.bits) == static_cast<int32_t>(value.bits));
  uint8_t vr = 0;
  if (!value_const) {
    stack_.push_back(value);
    vr = pop_reg();
  }
  uint8_t temp;
  x86::Mem mem = pop_address(m, temp);
  mem.setSize(oi.mem_bytes);
  if (value_const) {
    uint64_t b = value.bits;
    switch (oi.mem_bytes) {
      case 1: a_.mov(mem, asmjit::imm(static_cast<uint8_t>(b))); break;
      case 2: a_.mov(mem, asmjit::imm(static_cast<uint16_t>(b))); break;
      case 4: a_.mov(mem, asmjit::imm(static_cast<uint32_t>(b))); break;
      default: a_.mov(mem, asmjit::imm(static_cast<int32_t>(b))); break;
    }
  } else {
    switch (op) {
      case Op::F32Store: a_.movss(mem, xmm(vr)); break;
      case Op::F64Store: a_.movsd(mem, xmm(vr)); break;
      default:
        switch (oi.mem_bytes) {
          case 1: a_.mov(mem, x86::gpb(vr)); break;
          case 2: a_.mov(mem, x86::gpw(vr)); break;
          case 4: a_.mov(mem, x86::gpd(vr)); break;
          default: a_.mov(mem, x86::gpq(vr)); break;
        }
    }
    release(t, vr);
  }
  if (temp != kScratchGp) release(ValType::I64, temp);
}

}  // namespace tern::jit
