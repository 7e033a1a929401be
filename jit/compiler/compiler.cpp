// The compiler's core: frame, operand stack and registers, control flow. Operator families
// live in emit_*.cpp. See compiler.h for the design.
#include "jit/compiler/compiler.h"

#include <cstring>

namespace tern::jit {

using asmjit::Label;
using x86::CondCode;

Compiler::Compiler(const ModuleInfo& m, uint32_t func, asmjit::CodeHolder& code)
    : m_(m), func_(func), code_(code), a_(&code) {}

// ---- frame and slots --------------------------------------------------------------------

x86::Gp Compiler::gp(uint8_t id, ValType t) const {
  if (t == ValType::I32) return x86::gpd(id);
  return x86::gpq(id);
}

int32_t Compiler::slot_offset(uint32_t index) const { return -(16 + locals_bytes_ + 16 * static_cast<int32_t>(index + 1)); }

x86::Mem Compiler::slot_mem(uint32_t index) const { return x86::ptr(x86::rbp, slot_offset(index)); }

x86::Mem Compiler::local_mem(uint32_t index) const { return x86::ptr(x86::rbp, local_offsets_[index]); }

void Compiler::begin_function(const FuncType& type, std::span<const ValType> locals) {
  type_ = &type;
  param_area_ = area_layout(type.params);
  result_area_ = area_layout(type.results);
  local_types_.assign(locals.begin(), locals.end());
  // Params live in the caller's argument area; other locals in the frame below [rbp-8].
  int32_t off = 16;  // [rbp-8] holds the VMContext; locals start below [rbp-16]
  for (size_t i = 0; i < local_types_.size(); ++i) {
    if (i < type.params.size()) {
      local_offsets_.push_back(16 + param_area_.offsets[i]);
      continue;
    }
    int32_t size = local_types_[i] == ValType::V128 ? 16 : 8;
    off += size;
    if (size == 16) off = (off + 15) & ~15;
    local_offsets_.push_back(-off);
  }
  locals_bytes_ = ((off - 16) + 15) & ~15;
  local_reg_.assign(local_types_.size(), -1);

  a_.push(x86::rbp);
  a_.mov(x86::rbp, x86::rsp);
  frame_patch_offset_ = code_.textSection()->bufferSize();
  a_.long_().sub(x86::rsp, 0x7fffffff);  // patched in end_function
  a_.mov(x86::ptr(x86::rbp, -8), x86::r15);
  x86::Mem stack_limit = x86::ptr_abs(kThreadStackLimitOffset, 8);  // jit/vmctx.h, invariant 5
  stack_limit.setSegment(x86::fs);
  a_.cmp(x86::rsp, stack_limit);
  a_.jb(trap_label(TrapKind::StackExhausted));
  check_interrupt();  // recursion and tail-call loops never pass a loop header
  // Zero the non-parameter locals.
  int32_t zero_bytes = locals_bytes_;
  if (zero_bytes > 0) {
    if (zero_bytes <= 128) {
      a_.xor_(x86::eax, x86::eax);
      for (int32_t o = 16 + 8; o <= 16 + zero_bytes; o += 8) a_.mov(x86::qword_ptr(x86::rbp, -o), x86::rax);
    } else {
      a_.lea(x86::rdi, x86::ptr(x86::rbp, -(16 + zero_bytes)));
      a_.mov(x86::ecx, zero_bytes / 8);
      a_.xor_(x86::eax, x86::eax);
      a_.rep().stosq();
    }
  }
  controls_.push_back(Control{Op::Block, BlockSig{{}, type.results}, 0, a_.newLabel(), {}, true, {}});
}

void Compiler::end_function() {
  emit_trap_stubs();
  for (const Constant& c : constants_) {
    a_.align(asmjit::AlignMode::kData, 16);
    a_.bind(c.label);
    a_.embedUInt64(c.lo);
    a_.embedUInt64(c.hi);
  }
  int32_t frame = 16 + locals_bytes_ + 16 * static_cast<int32_t>(max_depth_ + 1) + max_out_area_;
  frame = (frame + 15) & ~15;
  // `sub rsp, imm32` ends with the immediate.
  auto& buf = code_.textSection()->buffer();
  size_t imm_at = frame_patch_offset_ + 3;  // REX.W 81 /5 imm32
  std::memcpy(buf.data() + imm_at, &frame, 4);
}

// ---- operand stack ----------------------------------------------------------------------

void Compiler::push_reg(ValType t, uint8_t reg) {
  Slot s;
  s.type = t;
  s.loc = Loc::Reg;
  s.reg = reg;
  stack_.push_back(s);
  (is_fp(t) ? regs_.xmm : regs_.gp)[reg] = static_cast<int>(stack_.size() - 1);
  max_depth_ = std::max<uint32_t>(max_depth_, static_cast<uint32_t>(stack_.size()));
}

void Compiler::push_const(ValType t, uint64_t bits) {
  Slot s;
  s.type = t;
  s.loc = Loc::Const;
  s.bits = bits;
  stack_.push_back(s);
  max_depth_ = std::max<uint32_t>(max_depth_, static_cast<uint32_t>(stack_.size()));
}

void Compiler::push_flags(CondCode cc) {
  Slot s;
  s.type = ValType::I32;
  s.loc = Loc::Flags;
  s.cond = cc;
  stack_.push_back(s);
  max_depth_ = std::max<uint32_t>(max_depth_, static_cast<uint32_t>(stack_.size()));
}

Slot Compiler::pop_slot() {
  Slot s = stack_.back();
  stack_.pop_back();
  if (s.loc == Loc::Reg) release(s.type, s.reg);
  return s;
}

void Compiler::free_slot(const Slot& s) {
  if (s.loc == Loc::Reg) release(s.type, s.reg);
}

void Compiler::release(ValType t, uint8_t reg) { (is_fp(t) ? regs_.xmm : regs_.gp)[reg] = kFree; }

// A free register of the class; else a local's cached copy is dropped; else the register
// holding the deepest value (the one needed last) is spilled.
uint8_t Compiler::alloc_in(bool fp) {
  auto& owners = fp ? regs_.xmm : regs_.gp;
  std::span<const uint8_t> order = fp ? std::span<const uint8_t>(kAllocXmm) : std::span<const uint8_t>(kAllocGp);
  for (uint8_t r : order)
    if (owners[r] == kFree) {
      owners[r] = kTemp;
      return r;
    }
  if (evict_local_cache(fp)) return alloc_in(fp);
  int best = -1;
  for (uint8_t r : order)
    if (owners[r] >= 0 && (best < 0 || owners[r] < owners[best])) best = r;
  if (best < 0) {
    fail(fp ? "internal: out of XMM registers" : "internal: out of GP registers");
    return order[0];
  }
  spill_slot(static_cast<uint32_t>(owners[best]));
  owners[best] = kTemp;
  return static_cast<uint8_t>(best);
}

void Compiler::spill_slot(uint32_t index) {
  Slot& s = stack_[index];
  if (s.loc == Loc::Flags) materialize_flags();
  if (s.loc != Loc::Reg) return;
  if (s.type == ValType::V128) a_.movdqu(slot_mem(index), xmm(s.reg));
  else if (s.type == ValType::F32) a_.movss(slot_mem(index), xmm(s.reg));
  else if (s.type == ValType::F64) a_.movsd(slot_mem(index), xmm(s.reg));
  else a_.mov(slot_mem(index), x86::gpq(s.reg));
  release(s.type, s.reg);
  s.loc = Loc::Stack;
}

void Compiler::spill_all() {
  for (uint32_t i = 0; i < stack_.size(); ++i) spill_slot(i);
  drop_local_caches();  // spills precede calls and labels, which end every cache
}

void Compiler::drop_local_cache(uint32_t local) {
  int8_t r = local_reg_[local];
  if (r < 0) return;
  (is_fp(local_types_[local]) ? regs_.xmm : regs_.gp)[r] = kFree;
  local_reg_[local] = -1;
}

void Compiler::drop_local_caches() {
  for (uint32_t i = 0; i < local_reg_.size(); ++i) drop_local_cache(i);
}

bool Compiler::evict_local_cache(bool fp) {
  auto& owners = fp ? regs_.xmm : regs_.gp;
  for (int r = 0; r < 16; ++r)
    if (is_local_owner(owners[r])) {
      drop_local_cache(local_of(owners[r]));
      return true;
    }
  return false;
}

void Compiler::take_gp(uint8_t reg) {
  int owner = regs_.gp[reg];
  if (owner == kTemp) {
    fail("internal: register already taken");
    return;
  }
  if (is_local_owner(owner)) {
    drop_local_cache(local_of(owner));
    owner = kFree;
  }
  if (owner >= 0) {
    regs_.gp[reg] = kTemp;  // keep alloc from returning it
    uint8_t other = alloc_gp();
    a_.mov(x86::gpq(other), x86::gpq(reg));
    stack_[owner].reg = other;
    regs_.gp[other] = owner;
  }
  regs_.gp[reg] = kTemp;
}

void Compiler::load_typed(ValType t, uint8_t reg, const x86::Mem& m) {
  switch (t) {
    case ValType::V128: a_.movdqu(xmm(reg), m); break;
    case ValType::F32: a_.movss(xmm(reg), m); break;
    case ValType::F64: a_.movsd(xmm(reg), m); break;
    case ValType::I32: a_.mov(x86::gpd(reg), m); break;
    default: a_.mov(x86::gpq(reg), m); break;
  }
}

void Compiler::store_typed(ValType t, const x86::Mem& m, uint8_t reg) {
  switch (t) {
    case ValType::V128: a_.movdqu(m, xmm(reg)); break;
    case ValType::F32: a_.movss(m, xmm(reg)); break;
    case ValType::F64: a_.movsd(m, xmm(reg)); break;
    case ValType::I32: a_.mov(m, x86::gpd(reg)); break;
    default: a_.mov(m, x86::gpq(reg)); break;
  }
}

void Compiler::move_const_gp(const x86::Gp& r, uint64_t bits, ValType t) {
  // Never `xor r, r`: a pending comparison may still live in the flags.
  if (t == ValType::I32 || bits <= 0xffffffffu) a_.mov(r.r32(), static_cast<uint32_t>(bits));
  else a_.mov(r.r64(), bits);
}

void Compiler::load_slot(const Slot& s, ValType t, uint8_t reg) {
  switch (s.loc) {
    case Loc::Reg:
      if (s.reg == reg) return;
      if (t == ValType::V128) a_.movdqa(xmm(reg), xmm(s.reg));
      else if (is_fp(t)) a_.movaps(xmm(reg), xmm(s.reg));
      else a_.mov(x86::gpq(reg), x86::gpq(s.reg));
      return;
    case Loc::Const:
      if (t == ValType::V128) {
        a_.movdqa(xmm(reg), x86::ptr(const_label(s.bits, 0)));
      } else if (is_fp(t)) {
        if (s.bits == 0) {
          a_.xorps(xmm(reg), xmm(reg));
        } else if (t == ValType::F32) {
          a_.movss(xmm(reg), x86::ptr(const_label(s.bits, 0)));
        } else {
          a_.movsd(xmm(reg), x86::ptr(const_label(s.bits, 0)));
        }
      } else {
        move_const_gp(x86::gpq(reg), s.bits, t);
      }
      return;
    case Loc::Stack:
    case Loc::Flags:
      fail("internal: load_slot of a stack/flags slot needs its index");
      return;
  }
}

uint8_t Compiler::to_reg(uint32_t index) {
  Slot& s = stack_[index];
  if (s.loc == Loc::Reg) return s.reg;
  if (s.loc == Loc::Flags) {
    materialize_flags();
    return stack_[index].reg;
  }
  uint8_t r = alloc(s.type);
  Slot& s2 = stack_[index];  // alloc may spill but never resizes the stack
  if (s2.loc == Loc::Const) {
    load_slot(s2, s2.type, r);
  } else {
    switch (s2.type) {
      case ValType::V128: a_.movdqu(xmm(r), slot_mem(index)); break;
      case ValType::F32: a_.movss(xmm(r), slot_mem(index)); break;
      case ValType::F64: a_.movsd(xmm(r), slot_mem(index)); break;
      case ValType::I32: a_.mov(x86::gpd(r), slot_mem(index)); break;
      default: a_.mov(x86::gpq(r), slot_mem(index)); break;
    }
  }
  s2.loc = Loc::Reg;
  s2.reg = r;
  (is_fp(s2.type) ? regs_.xmm : regs_.gp)[r] = static_cast<int>(index);
  return r;
}

uint8_t Compiler::pop_reg() {
  uint8_t r = to_reg(static_cast<uint32_t>(stack_.size() - 1));
  ValType t = stack_.back().type;
  stack_.pop_back();
  (is_fp(t) ? regs_.xmm : regs_.gp)[r] = kTemp;
  return r;
}

void Compiler::materialize_flags() {
  for (uint32_t i = 0; i < stack_.size(); ++i) {
    Slot& s = stack_[i];
    if (s.loc != Loc::Flags) continue;
    // setcc does not change the flags; the register is zero-extended after.
    uint8_t r = alloc_gp();
    a_.set(s.cond, x86::gpb(r));
    a_.movzx(x86::gpd(r), x86::gpb(r));
    s.loc = Loc::Reg;
    s.reg = r;
    regs_.gp[r] = static_cast<int>(i);
  }
}

CondCode Compiler::pop_cond() {
  Slot& top = stack_.back();
  if (top.loc == Loc::Flags) {
    CondCode cc = top.cond;
    stack_.pop_back();
    return cc;
  }
  materialize_flags();  // `test` below would clobber a comparison pending deeper in the stack
  if (stack_.back().loc == Loc::Const) {
    Slot& top2 = stack_.back();
    (void)top2;
    uint32_t v = static_cast<uint32_t>(stack_.back().bits);
    stack_.pop_back();
    a_.mov(x86::r11d, v);
    a_.test(x86::r11d, x86::r11d);
    return CondCode::kNE;
  }
  uint8_t r = pop_reg();
  a_.test(x86::gpd(r), x86::gpd(r));
  release(ValType::I32, r);
  return CondCode::kNE;
}

void Compiler::store_slot_to(const Slot& s, const x86::Mem& dst) {
  // `s` is a Reg or Const slot (callers resolve Stack slots through the scratch registers).
  if (s.loc == Loc::Const) {
    if (s.type == ValType::V128) {
      a_.movdqa(xmm(kScratchXmm), x86::ptr(const_label(s.bits, 0)));
      a_.movdqu(dst, xmm(kScratchXmm));
    } else if (s.type == ValType::I32 || s.type == ValType::F32 || static_cast<int64_t>(s.bits) == static_cast<int32_t>(s.bits)) {
      x86::Mem d = dst;
      d.setSize(s.type == ValType::I32 || s.type == ValType::F32 ? 4 : 8);
      if (d.size() == 8 && s.type != ValType::I32 && s.type != ValType::F32) {
        a_.mov(d, asmjit::imm(static_cast<int32_t>(s.bits)));
      } else {
        a_.mov(d, asmjit::imm(static_cast<uint32_t>(s.bits)));
      }
    } else {
      a_.mov(x86::r11, s.bits);
      a_.mov(dst, x86::r11);
    }
    return;
  }
  if (s.type == ValType::V128) a_.movdqu(dst, xmm(s.reg));
  else if (s.type == ValType::F32) a_.movss(dst, xmm(s.reg));
  else if (s.type == ValType::F64) a_.movsd(dst, xmm(s.reg));
  else a_.mov(dst, x86::gpq(s.reg));
}

Label Compiler::const_label(uint64_t lo, uint64_t hi) {
  for (const Constant& c : constants_)
    if (c.lo == lo && c.hi == hi) return c.label;
  constants_.push_back(Constant{lo, hi, a_.newLabel()});
  return constants_.back().label;
}

// ---- traps ------------------------------------------------------------------------------

Label Compiler::trap_label(TrapKind kind) {
  Label& l = trap_labels_[static_cast<size_t>(kind)];
  if (!l.isValid()) l = a_.newLabel();
  return l;
}

void Compiler::emit_trap_stubs() {
  for (size_t k = 0; k < trap_labels_.size(); ++k) {
    if (!trap_labels_[k].isValid()) continue;
    a_.bind(trap_labels_[k]);
    // r15 may belong to a callee's instance only between a call and its restore; stubs are
    // reached with our own r15.
    a_.mov(x86::edi, static_cast<uint32_t>(k));
    a_.call(x86::ptr(x86::r15, vmctx_offset::helper(Helper::RaiseTrap)));
    a_.ud2();
  }
  if (dynamic_trap_.isValid()) {
    a_.bind(dynamic_trap_);
    a_.lea(x86::edi, x86::ptr(x86::eax, -1));
    a_.call(x86::ptr(x86::r15, vmctx_offset::helper(Helper::RaiseTrap)));
    a_.ud2();
  }
}

void Compiler::check_interrupt() {
  a_.cmp(x86::dword_ptr(x86::r15, vmctx_offset::kInterrupt), 0);
  a_.jne(trap_label(TrapKind::Interrupted));
}

// ---- variables --------------------------------------------------------------------------

void Compiler::on_drop(ValType) { pop_slot(); }

void Compiler::on_local(Op op, uint32_t index, ValType t) {
  x86::Mem mem = local_mem(index);
  auto& owners = is_fp(t) ? regs_.xmm : regs_.gp;
  auto copy = [&](uint8_t dst, uint8_t src) {
    if (t == ValType::V128) a_.movdqa(xmm(dst), xmm(src));
    else if (is_fp(t)) a_.movaps(xmm(dst), xmm(src));
    else a_.mov(x86::gpq(dst), x86::gpq(src));
  };
  if (op == Op::LocalGet) {
    materialize_flags();
    int8_t cached = local_reg_[index];
    if (cached >= 0) {
      owners[cached] = kTemp;  // keep the allocator from evicting the copy we read
      uint8_t r = alloc(t);
      owners[cached] = local_owner(index);
      copy(r, static_cast<uint8_t>(cached));
      return push_reg(t, r);
    }
    uint8_t r = alloc(t);
    load_typed(t, r, mem);
    return push_reg(t, r);
  }
  // set / tee: written through to the local's slot; the register keeps a cached copy.
  drop_local_cache(index);
  uint32_t top = static_cast<uint32_t>(stack_.size() - 1);
  if (stack_[top].loc == Loc::Const && op == Op::LocalSet) {
    store_slot_to(stack_[top], mem);
    stack_.pop_back();
    return;
  }
  uint8_t r = to_reg(top);
  store_typed(t, mem, r);
  if (op == Op::LocalSet) {
    stack_.pop_back();  // the register passes from the operand to the local's cache
    owners[r] = local_owner(index);
    local_reg_[index] = static_cast<int8_t>(r);
    return;
  }
  owners[r] = kTemp;  // tee: the value stays on the stack; cache a copy
  uint8_t c = alloc(t);
  owners[r] = static_cast<int>(top);
  copy(c, r);
  owners[c] = local_owner(index);
  local_reg_[index] = static_cast<int8_t>(c);
}

void Compiler::on_global(Op op, uint32_t index, ValType t) {
  materialize_flags();
  if (op == Op::GlobalSet && t == ValType::FuncRef) {  // through the helper: the global keeps the owner alive
    helper_args({x86::rdx});
    a_.mov(x86::esi, index);
    return call_helper(Helper::GlobalSetRef);
  }
  uint8_t cell = alloc_gp();
  a_.mov(x86::gpq(cell), x86::ptr(x86::r15, vmctx_offset::kGlobals));
  a_.mov(x86::gpq(cell), x86::ptr(x86::gpq(cell), 8 * static_cast<int32_t>(index)));
  x86::Mem mem = x86::ptr(x86::gpq(cell));
  if (op == Op::GlobalGet) {
    uint8_t r = alloc(t);
    load_typed(t, r, mem);
    release(ValType::I64, cell);
    push_reg(t, r);
    return;
  }
  uint8_t r = pop_reg();
  store_typed(t, mem, r);
  release(t, r);
  release(ValType::I64, cell);
}

void Compiler::on_const(Op op, uint64_t bits) {
  ValType t = op == Op::I32Const ? ValType::I32 : op == Op::I64Const ? ValType::I64 : op == Op::F32Const ? ValType::F32 : ValType::F64;
  push_const(t, bits);
}

void Compiler::on_select(ValType t) {
  CondCode cc = pop_cond();
  // pop_cond emitted at most a test; loading the operands below only moves (flags survive).
  uint8_t b = pop_reg();
  uint8_t a = pop_reg();
  if (is_fp(t)) {
    Label done = a_.newLabel();
    a_.j(cc, done);
    if (t == ValType::V128) a_.movdqa(xmm(a), xmm(b));
    else a_.movaps(xmm(a), xmm(b));
    a_.bind(done);
  } else {
    a_.cmov(negate(cc), gp(a, t == ValType::I32 ? ValType::I32 : ValType::I64),
            gp(b, t == ValType::I32 ? ValType::I32 : ValType::I64));
  }
  release(t, b);
  release(t, a);
  push_reg(t, a);
}

}  // namespace tern::jit

namespace tern::jit {

Result<CompiledFunction> compile_function(const ModuleInfo& m, uint32_t func, const Features& features) {
  asmjit::CodeHolder code;
  asmjit::Environment env(asmjit::Arch::kX64);
  code.init(env);
  Compiler compiler(m, func, code);
  FunctionDecoder<Compiler> decoder(m, func, features, DecodeLimits{}, compiler);
  Status st = decoder.decode();
  if (!st.ok()) return std::move(st).error();
  if (compiler.failed())
    return Error(ErrorKind::Limit, m.describe_function(func) + ": " + compiler.error());
  code.flatten();
  code.resolveUnresolvedLinks();
  CompiledFunction out;
  out.code.resize(code.codeSize());
  code.relocateToBase(0);
  code.copyFlattenedData(out.code.data(), out.code.size());
  return out;
}

}  // namespace tern::jit
