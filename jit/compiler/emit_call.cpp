// Calls (direct, imported, indirect), runtime helper calls, tables, references and bulk memory.
#include "jit/compiler/compiler.h"

namespace tern::jit {

using asmjit::Label;
using x86::CondCode;

namespace {
constexpr x86::Gp kArgRegs[] = {x86::rdi, x86::rsi, x86::rdx, x86::rcx, x86::r8, x86::r9};
}

// Stores the top `type.params.size()` values into the outgoing area at [rsp] and pops them.
void Compiler::store_call_args(const FuncType& type, bool tail) {
  AreaLayout args = area_layout(type.params);
  if (!tail) max_out_area_ = std::max(max_out_area_, call_area_size(type));
  uint32_t n = static_cast<uint32_t>(type.params.size());
  uint32_t base = static_cast<uint32_t>(stack_.size()) - n;
  for (uint32_t i = 0; i < n; ++i) {
    const Slot& s = stack_[base + i];
    // Operand values never alias the parameter slots (local.get copies), so a tail call may
    // overwrite this function's parameters in any order.
    x86::Mem dst = tail ? x86::ptr(x86::rbp, 16 + args.offsets[i]) : x86::ptr(x86::rsp, args.offsets[i]);
    if (s.loc == Loc::Stack) {
      if (s.type == ValType::V128) {
        a_.movdqu(xmm(kScratchXmm), slot_mem(base + i));
        a_.movdqu(dst, xmm(kScratchXmm));
      } else {
        a_.mov(x86::r11, slot_mem(base + i));
        a_.mov(dst, x86::r11);
      }
    } else {
      store_slot_to(s, dst);
    }
  }
  for (uint32_t i = 0; i < n; ++i) pop_slot();
}

void Compiler::push_call_results(const FuncType& type) {
  AreaLayout res = area_layout(type.results);
  for (size_t i = 0; i < type.results.size(); ++i) {
    ValType t = type.results[i];
    uint8_t r = alloc(t);
    x86::Mem src = x86::ptr(x86::rsp, res.offsets[i]);
    load_typed(t, r, src);
    push_reg(t, r);
  }
}

void Compiler::restore_vmctx() {
  a_.mov(x86::r15, x86::ptr(x86::rbp, -8));
  a_.mov(x86::r14, x86::ptr(x86::r15, vmctx_offset::kMem0Base));
}

void Compiler::leave_frame() {
  a_.mov(x86::rsp, x86::rbp);
  a_.pop(x86::rbp);
}

void Compiler::on_call(Op op, uint32_t func, const FuncType& type) {
  materialize_flags();
  // A real tail call never switches instances (invariant: r15 needs no restore after a direct
  // call), so an imported callee, possibly another instance's, gets an ordinary call.
  bool imported = func < m_.num_imported_functions;
  bool tail = op == Op::ReturnCall && tail_call_fits(type) && !imported;
  store_call_args(type, tail);
  spill_all();
  if (imported) {
    a_.mov(x86::rax, x86::ptr(x86::r15, vmctx_offset::kFuncs));
    a_.mov(x86::rax, x86::ptr(x86::rax, 8 * static_cast<int32_t>(func)));
    a_.mov(x86::r15, x86::ptr(x86::rax, funcref_offset::kVmctx));
    a_.mov(x86::r14, x86::ptr(x86::r15, vmctx_offset::kMem0Base));
    a_.mov(x86::rax, x86::ptr(x86::rax, funcref_offset::kCode));
  } else {
    a_.mov(x86::rax, x86::ptr(x86::r15, vmctx_offset::kFuncCode));
    a_.mov(x86::rax, x86::ptr(x86::rax, 8 * static_cast<int32_t>(func)));
  }
  if (tail) {  // reuse this frame's return address and argument area: constant stack
    leave_frame();
    a_.jmp(x86::rax);
    return;
  }
  a_.call(x86::rax);
  if (imported) restore_vmctx();
  push_call_results(type);
  if (op == Op::ReturnCall) emit_return_sequence();  // arguments too large for a tail call
}

void Compiler::on_call_indirect(Op op, uint32_t type_index, uint32_t table, const FuncType& type) {
  materialize_flags();
  bool tail = op == Op::ReturnCallIndirect && tail_call_fits(type);
  uint8_t idx = pop_reg();  // kTemp: survives spill_all
  store_call_args(type, tail);
  spill_all();
  a_.mov(x86::r11, x86::ptr(x86::r15, vmctx_offset::kTables));
  a_.mov(x86::r11, x86::ptr(x86::r11, 8 * static_cast<int32_t>(table)));
  a_.cmp(x86::gpd(idx), x86::dword_ptr(x86::r11, table_offset::kSize));
  a_.jae(trap_label(TrapKind::UndefinedElement));
  a_.mov(x86::r11, x86::ptr(x86::r11, table_offset::kElements));
  a_.mov(x86::r11, x86::ptr(x86::r11, x86::gpq(idx), 3));
  a_.test(x86::r11, x86::r11);
  a_.jz(trap_label(TrapKind::UninitializedElement));
  a_.mov(x86::gpq(idx), x86::ptr(x86::r15, vmctx_offset::kSigIds));
  a_.mov(x86::gpd(idx), x86::dword_ptr(x86::gpq(idx), 4 * static_cast<int32_t>(type_index)));
  a_.cmp(x86::gpd(idx), x86::dword_ptr(x86::r11, funcref_offset::kSigId));
  a_.jne(trap_label(TrapKind::IndirectCallTypeMismatch));
  release(ValType::I32, idx);
  if (tail) {
    // Same instance: reuse the frame. Another instance: an ordinary call from here, with the
    // arguments copied down to [rsp] and the results up to this function's own result area.
    Label cross = a_.newLabel();
    a_.cmp(x86::r15, x86::ptr(x86::r11, funcref_offset::kVmctx));
    a_.jne(cross);
    leave_frame();
    a_.jmp(x86::ptr(x86::r11, funcref_offset::kCode));
    a_.bind(cross);
    max_out_area_ = std::max(max_out_area_, call_area_size(type));
    for (int32_t off = 0; off < area_layout(type.params).size; off += 8) {
      a_.mov(x86::rax, x86::ptr(x86::rbp, 16 + off));
      a_.mov(x86::ptr(x86::rsp, off), x86::rax);
    }
    a_.mov(x86::r15, x86::ptr(x86::r11, funcref_offset::kVmctx));
    a_.mov(x86::r14, x86::ptr(x86::r15, vmctx_offset::kMem0Base));
    a_.call(x86::ptr(x86::r11, funcref_offset::kCode));
    restore_vmctx();
    for (int32_t off = 0; off < area_layout(type.results).size; off += 8) {
      a_.mov(x86::rax, x86::ptr(x86::rsp, off));
      a_.mov(x86::ptr(x86::rbp, 16 + off), x86::rax);
    }
    leave_frame();
    a_.ret();
    return;
  }
  a_.mov(x86::r15, x86::ptr(x86::r11, funcref_offset::kVmctx));
  a_.mov(x86::r14, x86::ptr(x86::r15, vmctx_offset::kMem0Base));
  a_.call(x86::ptr(x86::r11, funcref_offset::kCode));
  restore_vmctx();
  push_call_results(type);
  if (op == Op::ReturnCallIndirect) emit_return_sequence();
}

// ---- runtime helpers --------------------------------------------------------------------

// Spills everything, then loads the top regs.size() values into the given SysV argument
// registers (bottom-most value first) and pops them. rdi is the VMContext.
void Compiler::helper_args(std::initializer_list<x86::Gp> regs) {
  spill_all();
  uint32_t n = static_cast<uint32_t>(regs.size());
  uint32_t base = static_cast<uint32_t>(stack_.size()) - n;
  uint32_t i = 0;
  for (const x86::Gp& r : regs) {
    const Slot& s = stack_[base + i];
    if (s.loc == Loc::Const) move_const_gp(r, s.bits, s.type);
    else if (s.type == ValType::I32) a_.mov(r.r32(), slot_mem(base + i));
    else a_.mov(r.r64(), slot_mem(base + i));
    ++i;
  }
  stack_.resize(base);
  a_.mov(x86::rdi, x86::r15);
}

void Compiler::call_helper(Helper h) { a_.call(x86::ptr(x86::r15, vmctx_offset::helper(h))); }

void Compiler::trap_if_helper_failed() {
  if (!dynamic_trap_.isValid()) dynamic_trap_ = a_.newLabel();
  a_.test(x86::eax, x86::eax);
  a_.jnz(dynamic_trap_);
}

void Compiler::on_memory(Op op, uint32_t memory) {
  materialize_flags();
  if (op == Op::MemorySize) {
    helper_args({});
    a_.mov(x86::esi, memory);
    call_helper(Helper::MemorySize);
  } else {
    helper_args({x86::rsi});
    a_.mov(x86::edx, memory);
    call_helper(Helper::MemoryGrow);
  }
  push_reg(ValType::I32, 0);
}

void Compiler::emit_bulk(Op op, const Immediates& imm) {
  switch (op) {
    case Op::MemoryCopy:
      helper_args({x86::rsi, x86::rdx, x86::rcx});
      a_.mov(x86::r8d, imm.a);
      a_.mov(x86::r9d, imm.b);
      call_helper(Helper::MemoryCopy);
      return trap_if_helper_failed();
    case Op::MemoryFill:
      helper_args({x86::rsi, x86::rdx, x86::rcx});
      a_.mov(x86::r8d, imm.a);
      call_helper(Helper::MemoryFill);
      return trap_if_helper_failed();
    case Op::MemoryInit:
      helper_args({x86::rsi, x86::rdx, x86::rcx});
      a_.mov(x86::r8d, imm.a);
      a_.mov(x86::r9d, imm.b);
      call_helper(Helper::MemoryInit);
      return trap_if_helper_failed();
    case Op::DataDrop:
      helper_args({});
      a_.mov(x86::esi, imm.a);
      return call_helper(Helper::DataDrop);
    case Op::TableInit:  // (dst, src, n) with segment a, table b
      helper_args({x86::rdx, x86::rcx, x86::r8});
      a_.mov(x86::esi, imm.b);
      a_.mov(x86::r9d, imm.a);
      call_helper(Helper::TableInit);
      return trap_if_helper_failed();
    case Op::ElemDrop:
      helper_args({});
      a_.mov(x86::esi, imm.a);
      return call_helper(Helper::ElemDrop);
    case Op::TableCopy:  // (dst, src, n) with tables a (dst), b (src)
      helper_args({x86::rcx, x86::r8, x86::r9});
      a_.mov(x86::esi, imm.a);
      a_.mov(x86::edx, imm.b);
      call_helper(Helper::TableCopy);
      return trap_if_helper_failed();
    default:
      return fail("internal: bulk operator " + std::string(name(op)) + " not supported");
  }
}

void Compiler::on_table(Op op, uint32_t table) {
  materialize_flags();
  switch (op) {
    case Op::TableGet: {
      uint8_t idx = pop_reg();
      ValType t = m_.tables[table].elem;
      a_.mov(x86::r11, x86::ptr(x86::r15, vmctx_offset::kTables));
      a_.mov(x86::r11, x86::ptr(x86::r11, 8 * static_cast<int32_t>(table)));
      a_.cmp(x86::gpd(idx), x86::dword_ptr(x86::r11, table_offset::kSize));
      a_.jae(trap_label(TrapKind::TableOutOfBounds));
      a_.mov(x86::r11, x86::ptr(x86::r11, table_offset::kElements));
      a_.mov(x86::gpq(idx), x86::ptr(x86::r11, x86::gpq(idx), 3));
      return push_reg(t, idx);
    }
    case Op::TableSet: {
      ValType t = m_.tables[table].elem;
      if (t == ValType::FuncRef) {  // through the helper: the table keeps the function's owner alive
        helper_args({x86::rdx, x86::rcx});
        a_.mov(x86::esi, table);
        call_helper(Helper::TableSet);
        return trap_if_helper_failed();
      }
      uint8_t v = pop_reg();
      uint8_t idx = pop_reg();
      a_.mov(x86::r11, x86::ptr(x86::r15, vmctx_offset::kTables));
      a_.mov(x86::r11, x86::ptr(x86::r11, 8 * static_cast<int32_t>(table)));
      a_.cmp(x86::gpd(idx), x86::dword_ptr(x86::r11, table_offset::kSize));
      a_.jae(trap_label(TrapKind::TableOutOfBounds));
      a_.mov(x86::r11, x86::ptr(x86::r11, table_offset::kElements));
      a_.mov(x86::ptr(x86::r11, x86::gpq(idx), 3), x86::gpq(v));
      release(t, v);
      release(ValType::I32, idx);
      return;
    }
    case Op::TableSize: {
      uint8_t r = alloc_gp();
      a_.mov(x86::r11, x86::ptr(x86::r15, vmctx_offset::kTables));
      a_.mov(x86::r11, x86::ptr(x86::r11, 8 * static_cast<int32_t>(table)));
      a_.mov(x86::gpd(r), x86::dword_ptr(x86::r11, table_offset::kSize));
      return push_reg(ValType::I32, r);
    }
    case Op::TableGrow:  // (init, delta) -> old size or -1
      helper_args({x86::rdx, x86::rcx});
      a_.mov(x86::esi, table);
      call_helper(Helper::TableGrow);
      return push_reg(ValType::I32, 0);
    case Op::TableFill:  // (dst, value, n)
      helper_args({x86::rdx, x86::rcx, x86::r8});
      a_.mov(x86::esi, table);
      call_helper(Helper::TableFill);
      return trap_if_helper_failed();
    default:
      return fail("internal: table operator not supported");
  }
}

void Compiler::on_ref_null(ValType t) { push_const(t, 0); }

void Compiler::on_ref_is_null() {
  materialize_flags();
  ValType t = stack_.back().type;
  uint8_t r = pop_reg();
  a_.test(x86::gpq(r), x86::gpq(r));
  release(t, r);
  push_flags(CondCode::kE);
}

void Compiler::on_ref_func(uint32_t func) {
  materialize_flags();
  uint8_t r = alloc_gp();
  a_.mov(x86::gpq(r), x86::ptr(x86::r15, vmctx_offset::kFuncs));
  a_.mov(x86::gpq(r), x86::ptr(x86::gpq(r), 8 * static_cast<int32_t>(func)));
  push_reg(ValType::FuncRef, r);
}

}  // namespace tern::jit
