// Control flow: blocks, loops, if/else, branches, br_table, return. See compiler.h,
// invariants 2 and 3, for the merge layout these functions agree on.
#include "jit/compiler/compiler.h"

namespace tern::jit {

using asmjit::Label;
using x86::CondCode;

// Moves the top `count` values into the layout of `target`'s label without changing the
// compiler's state (invariant 3).
void Compiler::emit_merge_moves(const Control& target, uint32_t count, bool for_loop) {
  uint32_t src_base = static_cast<uint32_t>(stack_.size()) - count;
  uint32_t dst_base = target.base;
  if (count == 1 && !for_loop) {
    const Slot& s = stack_[src_base];
    uint8_t dst = 0;  // rax or xmm0
    switch (s.loc) {
      case Loc::Reg:
      case Loc::Const: load_slot(s, s.type, dst); break;
      case Loc::Flags:
        a_.set(s.cond, x86::al);
        a_.movzx(x86::eax, x86::al);
        break;
      case Loc::Stack:
        switch (s.type) {
          case ValType::V128: a_.movdqu(x86::xmm0, slot_mem(src_base)); break;
          case ValType::F32: a_.movss(x86::xmm0, slot_mem(src_base)); break;
          case ValType::F64: a_.movsd(x86::xmm0, slot_mem(src_base)); break;
          case ValType::I32: a_.mov(x86::eax, slot_mem(src_base)); break;
          default: a_.mov(x86::rax, slot_mem(src_base)); break;
        }
        break;
    }
    return;
  }
  // Several values (or loop params): each to its spill slot at the target position. Sources
  // are at or above their targets, so ascending order never overwrites an unread source.
  for (uint32_t i = 0; i < count; ++i) {
    const Slot& s = stack_[src_base + i];
    uint32_t dst = dst_base + i;
    switch (s.loc) {
      case Loc::Reg:
      case Loc::Const: store_slot_to(s, slot_mem(dst)); break;
      case Loc::Flags:
        a_.set(s.cond, x86::r11b);
        a_.movzx(x86::r11d, x86::r11b);
        a_.mov(slot_mem(dst), x86::r11);
        break;
      case Loc::Stack:
        if (src_base + i == dst) break;
        if (s.type == ValType::V128) {
          a_.movdqu(xmm(kScratchXmm), slot_mem(src_base + i));
          a_.movdqu(slot_mem(dst), xmm(kScratchXmm));
        } else {
          a_.mov(x86::r11, slot_mem(src_base + i));
          a_.mov(slot_mem(dst), x86::r11);
        }
        break;
    }
  }
}

// After a merge label: the stack holds the block's base values (unchanged, spilled) and the
// merged values in the layout of emit_merge_moves.
void Compiler::set_merge_state(const Control& c, std::span<const ValType> types) {
  for (size_t i = stack_.size(); i > c.base; --i) free_slot(stack_[i - 1]);
  stack_.resize(c.base);
  regs_.reset();
  local_reg_.assign(local_reg_.size(), -1);
  for (uint32_t i = 0; i < c.base; ++i)
    if (stack_[i].loc == Loc::Reg || stack_[i].loc == Loc::Flags) fail("internal: live register below a block");
  if (types.size() == 1) {
    push_reg(types[0], 0);
    return;
  }
  for (ValType t : types) {
    Slot s;
    s.type = t;
    s.loc = Loc::Stack;
    stack_.push_back(s);
  }
  max_depth_ = std::max<uint32_t>(max_depth_, static_cast<uint32_t>(stack_.size()));
}

// A block entered from dead code: its body still validates as reachable, so the decoder
// hands its operators to the compiler, which emits them (never executed). Its params came from
// the polymorphic stack and are not on stack_: stand-ins in spill slots take their place, so
// the body finds its operands (the fuzzer's find: `unreachable` then `loop (param i64 i64)`
// around a call underflowed stack_). Also used for the else arm of a dead `if`.
void Compiler::enter_dead_frame(const Control& c) {
  for (size_t i = stack_.size(); i > c.base; --i) free_slot(stack_[i - 1]);
  if (stack_.size() > c.base) stack_.resize(c.base);
  for (ValType t : c.sig.params) {
    Slot s;
    s.type = t;
    s.loc = Loc::Stack;
    stack_.push_back(s);
  }
  max_depth_ = std::max<uint32_t>(max_depth_, static_cast<uint32_t>(stack_.size()));
}

void Compiler::on_block(Op op, const BlockSig& sig, bool reachable) {
  if (!reachable) {
    // Dead code: keep the nesting so that `end` matches, emit nothing for the block itself.
    controls_.push_back(Control{op, sig, static_cast<uint32_t>(stack_.size()), a_.newLabel(), a_.newLabel(), false, {}});
    enter_dead_frame(controls_.back());
    return;
  }
  Control c{op, sig, 0, a_.newLabel(), Label(), true, {}};
  // For `if` the condition is on top of the params.
  CondCode cc = op == Op::If ? pop_cond() : CondCode::kNE;
  spill_all();  // moves only: a condition in the flags survives
  c.base = static_cast<uint32_t>(stack_.size() - sig.params.size());
  if (op == Op::Loop) {
    // Back-edges store the params into their slots, so the body must read them from there.
    for (uint32_t i = c.base; i < stack_.size(); ++i) {
      if (stack_[i].loc != Loc::Const) continue;
      store_slot_to(stack_[i], slot_mem(i));
      stack_[i].loc = Loc::Stack;
    }
    a_.bind(c.label);
    check_interrupt();
  } else if (op == Op::If) {
    c.else_label = a_.newLabel();
    a_.j(negate(cc), c.else_label);
    c.params_at_entry.assign(stack_.end() - static_cast<ptrdiff_t>(sig.params.size()), stack_.end());
  }
  controls_.push_back(std::move(c));
}

// The else arm starts from the state at `if`: everything below spilled, params as they were.
void Compiler::restore_if_entry(const Control& c) {
  for (size_t i = stack_.size(); i > c.base; --i) free_slot(stack_[i - 1]);
  stack_.resize(c.base);
  regs_.reset();
  local_reg_.assign(local_reg_.size(), -1);
  for (const Slot& s : c.params_at_entry) stack_.push_back(s);
}

void Compiler::on_else(bool reachable) {
  Control& c = controls_.back();
  if (!c.entry_reachable) {
    enter_dead_frame(c);
    return;
  }
  if (reachable) {
    emit_merge_moves(c, static_cast<uint32_t>(c.sig.results.size()), false);
    a_.jmp(c.label);
  }
  restore_if_entry(c);
  a_.bind(c.else_label);
  c.else_label = Label();  // bound
}

void Compiler::on_end(bool reachable) {
  if (controls_.size() == 1) {  // the function body's end
    if (reachable) emit_return_sequence();
    controls_.pop_back();
    return;
  }
  Control c = std::move(controls_.back());
  controls_.pop_back();
  if (!c.entry_reachable) {
    // What the dead body left goes: the code after it is dead too (its values, if any, come
    // from the polymorphic stack, as the params did).
    for (size_t i = stack_.size(); i > c.base; --i) free_slot(stack_[i - 1]);
    if (stack_.size() > c.base) stack_.resize(c.base);
    return;
  }
  uint32_t nresults = static_cast<uint32_t>(c.sig.results.size());
  if (reachable) emit_merge_moves(c, nresults, false);
  if (c.op == Op::If && c.else_label.isValid()) {
    // An if without else: the params flow through as results.
    Label skip = a_.newLabel();
    if (reachable) a_.jmp(skip);
    restore_if_entry(c);
    a_.bind(c.else_label);
    emit_merge_moves(c, nresults, false);
    a_.bind(skip);
  }
  if (c.op != Op::Loop) a_.bind(c.label);
  set_merge_state(c, c.sig.results);
}

void Compiler::branch_to(uint32_t depth) {
  Control& target = control_at(depth);
  bool loop = target.op == Op::Loop;
  uint32_t arity = static_cast<uint32_t>(loop ? target.sig.params.size() : target.sig.results.size());
  if (depth == controls_.size() - 1) {
    // The function's outermost block: a branch to it is a return.
    emit_return_sequence();
    return;
  }
  emit_merge_moves(target, arity, loop);
  a_.jmp(target.label);
}

void Compiler::on_br(uint32_t depth) { branch_to(depth); }

void Compiler::on_br_if(uint32_t depth) {
  CondCode cc = pop_cond();
  Control& target = control_at(depth);
  bool is_return = depth == controls_.size() - 1;
  size_t arity = target.op == Op::Loop ? target.sig.params.size() : target.sig.results.size();
  if (!is_return && arity == 0) {  // nothing to move: branch straight to the target
    a_.j(cc, target.label);
    return;
  }
  Label skip = a_.newLabel();
  a_.j(negate(cc), skip);
  branch_to(depth);
  a_.bind(skip);
}

void Compiler::on_br_table(std::span<const uint32_t> targets) {
  uint8_t idx = pop_reg();
  // Compare chain for small tables, a jump table of relative offsets for large ones.
  std::vector<Label> stubs(targets.size());
  for (auto& l : stubs) l = a_.newLabel();
  uint32_t n = static_cast<uint32_t>(targets.size() - 1);
  a_.cmp(x86::gpd(idx), n);
  a_.jae(stubs[n]);
  if (n <= 4) {
    for (uint32_t i = 0; i < n; ++i) {
      a_.cmp(x86::gpd(idx), i);
      a_.je(stubs[i]);
    }
    a_.jmp(stubs[n]);
  } else {
    Label table = a_.newLabel();
    a_.lea(x86::r11, x86::ptr(table));
    a_.movsxd(x86::gpq(idx), x86::dword_ptr(x86::r11, x86::gpq(idx), 2));
    a_.add(x86::gpq(idx), x86::r11);
    a_.jmp(x86::gpq(idx));
    a_.align(asmjit::AlignMode::kData, 4);
    a_.bind(table);
    for (uint32_t i = 0; i < n; ++i) a_.embedLabelDelta(stubs[i], table, 4);
  }
  release(ValType::I32, idx);
  for (size_t i = 0; i < targets.size(); ++i) {
    a_.bind(stubs[i]);
    branch_to(targets[i]);
  }
}

void Compiler::emit_return_sequence() {
  uint32_t n = static_cast<uint32_t>(type_->results.size());
  uint32_t src_base = static_cast<uint32_t>(stack_.size()) - n;
  for (uint32_t i = 0; i < n; ++i) {
    const Slot& s = stack_[src_base + i];
    x86::Mem dst = x86::ptr(x86::rbp, 16 + result_area_.offsets[i]);
    switch (s.loc) {
      case Loc::Reg:
      case Loc::Const: store_slot_to(s, dst); break;
      case Loc::Flags:
        a_.set(s.cond, x86::r11b);
        a_.movzx(x86::r11d, x86::r11b);
        a_.mov(dst, x86::r11);
        break;
      case Loc::Stack:
        if (s.type == ValType::V128) {
          a_.movdqu(xmm(kScratchXmm), slot_mem(src_base + i));
          a_.movdqu(dst, xmm(kScratchXmm));
        } else {
          a_.mov(x86::r11, slot_mem(src_base + i));
          a_.mov(dst, x86::r11);
        }
        break;
    }
  }
  a_.mov(x86::rsp, x86::rbp);
  a_.pop(x86::rbp);
  a_.ret();
}

void Compiler::on_return() { emit_return_sequence(); }

void Compiler::on_unreachable() { a_.jmp(trap_label(TrapKind::Unreachable)); }

}  // namespace tern::jit
