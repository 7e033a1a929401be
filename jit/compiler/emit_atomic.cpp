// Atomic operators of the threads proposal (prefix 0xfe).
//
// x86-64 is TSO, which gives wasm's sequentially consistent atomics cheaply:
// 1. An aligned load is a plain mov: TSO never reorders it with earlier loads or later
//    accesses, and a seq-cst store (below) already drains the store buffer.
// 2. A store is `xchg [mem], r` (implicitly locked, a full barrier). A plain mov would let a
//    later load pass it, which seq-cst forbids.
// 3. add/sub use `lock xadd` (sub negates the operand first); xchg is `xchg`; and/or/xor have
//    no fetching instruction, so they loop on `lock cmpxchg`; cmpxchg is `lock cmpxchg`,
//    whose narrow forms compare only the access width: wasm wraps `expected` to that width.
// 4. Every result is zero-extended to its type (narrow forms are the `_u` variants).
// 5. The effective address (index + offset) is checked for natural alignment before the access
//    and traps "unaligned atomic"; bounds are left to the guard pages, as for plain accesses
//    (emit_memory.cpp). wait and notify call runtime helpers (host/runtime/helpers.cpp), which
//    check alignment, bounds and sharedness themselves.
#include "jit/compiler/compiler.h"

namespace tern::jit {

using asmjit::Label;

namespace {

enum class AtomicKind { Load, Store, Add, Sub, And, Or, Xor, Xchg, Cmpxchg };

// opcodes.def lays the 0xfe rows out in groups of seven (i32, i64, i32 8/16, i64 8/16/32):
// loads from 0x10, stores from 0x17, then one group per read-modify-write operation.
constexpr uint32_t kFirstAtomicLoad = 0x10;
constexpr uint32_t kGroup = 7;
static_assert(info(Op::I32AtomicLoad).code == kFirstAtomicLoad);
static_assert(info(Op::I32AtomicStore).code == kFirstAtomicLoad + 1 * kGroup);
static_assert(info(Op::I32AtomicRmwAdd).code == kFirstAtomicLoad + 2 * kGroup);
static_assert(info(Op::I32AtomicRmwSub).code == kFirstAtomicLoad + 3 * kGroup);
static_assert(info(Op::I32AtomicRmwAnd).code == kFirstAtomicLoad + 4 * kGroup);
static_assert(info(Op::I32AtomicRmwOr).code == kFirstAtomicLoad + 5 * kGroup);
static_assert(info(Op::I32AtomicRmwXor).code == kFirstAtomicLoad + 6 * kGroup);
static_assert(info(Op::I32AtomicRmwXchg).code == kFirstAtomicLoad + 7 * kGroup);
static_assert(info(Op::I32AtomicRmwCmpxchg).code == kFirstAtomicLoad + 8 * kGroup);
static_assert(info(Op::I64AtomicRmw32CmpxchgU).code == kFirstAtomicLoad + 9 * kGroup - 1);

AtomicKind atomic_kind(const OpInfo& oi) { return static_cast<AtomicKind>((oi.code - kFirstAtomicLoad) / kGroup); }

// The low `bytes` of a register, as an operand of that width.
x86::Gp sized(uint8_t reg, uint32_t bytes) {
  switch (bytes) {
    case 1: return x86::gpb(reg);
    case 2: return x86::gpw(reg);
    case 4: return x86::gpd(reg);
    default: return x86::gpq(reg);
  }
}

}  // namespace

// With the index on top of the stack: traps "unaligned atomic" unless index + offset is a
// multiple of `bytes`. Leaves the stack as it was (the index may now live in a register).
void Compiler::check_atomic_alignment(const MemArg& m, uint32_t bytes) {
  if (bytes == 1) return;
  const uint32_t mask = bytes - 1;
  const uint32_t top = static_cast<uint32_t>(stack_.size() - 1);
  if (stack_[top].loc == Loc::Const) {
    // Known now: trap unconditionally or not at all. The code after the jump stays valid.
    if (((stack_[top].bits & 0xffffffffu) + m.offset) & mask) a_.jmp(trap_label(TrapKind::UnalignedAtomic));
    return;
  }
  uint8_t idx = to_reg(top);
  if ((m.offset & mask) == 0) {
    a_.test(x86::gpd(idx), mask);
  } else {
    // Only the low bits matter, and a 32-bit sum (even one that wraps) has them right.
    a_.lea(x86::r11d, x86::ptr(x86::gpq(idx), static_cast<int32_t>(static_cast<uint32_t>(m.offset))));
    a_.test(x86::r11d, mask);
  }
  a_.jnz(trap_label(TrapKind::UnalignedAtomic));
}

// The helpers return the trap code (0 or 1 + TrapKind) in the upper half of rax and the wasm
// result in the lower half; a notify count can use all 32 bits, so they cannot share eax.
void Compiler::push_wait_notify_result() {
  a_.ror(x86::rax, 32);  // swap halves: eax = trap code
  trap_if_helper_failed();
  a_.shr(x86::rax, 32);  // rax = the result, zero-extended (invariant 5)
  push_reg(ValType::I32, 0);
}

void Compiler::emit_wait_notify(Op op, const MemArg& m) {
  // SysV: rdi = VMContext, then the operands in order, then memory index and offset.
  if (op == Op::MemoryAtomicNotify) {
    helper_args({x86::rsi, x86::rdx});  // addr, count
    a_.mov(x86::ecx, m.memory);
    a_.mov(x86::r8, m.offset);
    call_helper(Helper::AtomicNotify);
    return push_wait_notify_result();
  }
  helper_args({x86::rsi, x86::rdx, x86::rcx});  // addr, expected, timeout
  a_.mov(x86::r8d, m.memory);
  a_.mov(x86::r9, m.offset);
  call_helper(op == Op::MemoryAtomicWait32 ? Helper::AtomicWait32 : Helper::AtomicWait64);
  push_wait_notify_result();
}

void Compiler::emit_atomic(Op op, const MemArg& m) {
  if (op == Op::AtomicFence) {
    a_.mfence();
    return;
  }
  if (op == Op::MemoryAtomicNotify || op == Op::MemoryAtomicWait32 || op == Op::MemoryAtomicWait64)
    return emit_wait_notify(op, m);
  const OpInfo& oi = info(op);
  const uint32_t bytes = oi.mem_bytes;
  const AtomicKind kind = atomic_kind(oi);
  uint8_t temp = kScratchGp;

  if (kind == AtomicKind::Load) {
    check_atomic_alignment(m, bytes);
    x86::Mem mem = pop_address(m, temp);
    mem.setSize(bytes);
    uint8_t r = alloc_gp();
    if (bytes < 4) a_.movzx(x86::gpd(r), mem);
    else a_.mov(sized(r, bytes), mem);  // a 32-bit mov zero-extends
    if (temp != kScratchGp) release(ValType::I64, temp);
    return push_reg(oi.sig.results[0], r);
  }

  // cmpxchg needs rax for `expected`, the cmpxchg loops need it for the old value: claim it
  // before popping, so no operand is left in it.
  const bool uses_rax = kind == AtomicKind::And || kind == AtomicKind::Or || kind == AtomicKind::Xor ||
                        kind == AtomicKind::Cmpxchg;
  if (uses_rax) take_gp(0);
  uint8_t v = pop_reg();  // the value (cmpxchg: the replacement)
  uint8_t expected = kind == AtomicKind::Cmpxchg ? pop_reg() : kScratchGp;
  check_atomic_alignment(m, bytes);
  x86::Mem mem = pop_address(m, temp);
  mem.setSize(bytes);
  const ValType t = kind == AtomicKind::Store ? oi.sig.params[1] : oi.sig.results[0];
  const x86::Gp val = sized(v, bytes);
  uint8_t result = v;

  switch (kind) {
    case AtomicKind::Store: a_.xchg(mem, val); break;
    case AtomicKind::Sub: a_.neg(val); [[fallthrough]];
    case AtomicKind::Add: a_.lock().xadd(mem, val); break;
    case AtomicKind::Xchg: a_.xchg(mem, val); break;
    case AtomicKind::Cmpxchg:
      a_.mov(x86::rax, x86::gpq(expected));
      a_.lock().cmpxchg(mem, val);
      release(ValType::I64, expected);
      result = 0;
      break;
    default: {  // and, or, xor: retry until no other thread wrote in between
      uint8_t next = alloc_gp();
      if (bytes < 4) a_.movzx(x86::eax, mem);
      else a_.mov(sized(0, bytes), mem);
      Label retry = a_.newLabel();
      a_.bind(retry);
      // Narrow widths compute in 32 bits; cmpxchg stores only the low bits.
      const uint32_t wide = bytes == 8 ? 8 : 4;
      const x86::Gp n = sized(next, wide);
      a_.mov(n, sized(0, wide));
      const x86::Gp w = sized(v, wide);
      if (kind == AtomicKind::And) a_.and_(n, w);
      else if (kind == AtomicKind::Or) a_.or_(n, w);
      else a_.xor_(n, w);
      // On failure cmpxchg reloads only the access width of rax; its upper bits stay zero.
      a_.lock().cmpxchg(mem, sized(next, bytes));
      a_.jne(retry);
      release(ValType::I64, next);
      result = 0;
      break;
    }
  }
  if (temp != kScratchGp) release(ValType::I64, temp);
  if (kind == AtomicKind::Store) return release(t, v);
  if (result != v) release(t, v);
  // Zero-extend the old value (invariant 4). A 32-bit cmpxchg that succeeds leaves rax's upper
  // half as `expected` had it, and an i64 `expected` may have one.
  if (bytes == 1) a_.movzx(x86::gpd(result), x86::gpb(result));
  else if (bytes == 2) a_.movzx(x86::gpd(result), x86::gpw(result));
  else if (bytes == 4 && kind == AtomicKind::Cmpxchg) a_.mov(x86::gpd(result), x86::gpd(result));
  push_reg(t, result);
}

}  // namespace tern::jit
