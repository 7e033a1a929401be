// DESIGN (jit/compiler/compiler.h)
// The single-pass x86-64 compiler: a FunctionDecoder consumer that emits machine code with
// asmjit's Assembler while the decoder validates, one function at a time.
// 1. Frame (rbp-relative): [rbp+16..] argument/result area (see jit/vmctx.h), [rbp-8] own
//    VMContext, [rbp-16-L, rbp-16) locals, then one 16-byte spill slot per operand stack
//    position, and the outgoing argument area at [rsp]. The frame size is known only at the
//    end, so the prologue's `sub rsp, imm32` is patched then.
// 2. Control flow: at block/loop/if entry every register is spilled, so the values below a
//    block never change inside it. A block's results meet at its end in one layout: a single
//    result in rax (integers, references) or xmm0 (floats, v128); several results in their
//    spill slots. Loop parameters always meet in their spill slots.
// 3. Moves along a branch do not change the compiler's state (br_if's fall-through path keeps
//    the state the branch path saw).
// 4. Traps jump to one out-of-line stub per kind, emitted after the function body; the stub
//    calls the RaiseTrap helper, which unwinds to the entry.
// 5. i32 values in registers always have their upper 32 bits zero, so they can index memory.
// 6. SIMD (emit_simd*.cpp) targets SSE4.1 + SSSE3, no AVX; a v128 lives in an XMM register
//    like a float, and f32/f64 use only their register's low lane, so extract_lane may leave
//    other lanes behind. Vector constants and masks live in the per-function constant pool,
//    16-byte aligned as SSE memory operands require.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "jit/compiler/value_stack.h"
#include "jit/function_decoder.h"
#include "jit/trap.h"
#include "jit/vmctx.h"

namespace tern::jit {


// The output for one function: position-independent code.
struct CompiledFunction {
  std::vector<uint8_t> code;
};

inline x86::CondCode negate(x86::CondCode cc) { return static_cast<x86::CondCode>(static_cast<uint8_t>(cc) ^ 1); }

class Compiler : public NullConsumer {
 public:
  Compiler(const ModuleInfo& m, uint32_t func, asmjit::CodeHolder& code);

  // FunctionDecoder consumer interface.
  void begin_function(const FuncType& type, std::span<const ValType> locals);
  void end_function();
  void on_block(Op op, const BlockSig& sig, bool reachable);
  void on_else(bool reachable);
  void on_end(bool reachable);
  void on_unreachable();
  void on_br(uint32_t depth);
  void on_br_if(uint32_t depth);
  void on_br_table(std::span<const uint32_t> targets);
  void on_return();
  void on_call(Op op, uint32_t func, const FuncType& type);
  void on_call_indirect(Op op, uint32_t type_index, uint32_t table, const FuncType& type);
  void on_drop(ValType t);
  void on_select(ValType t);
  void on_local(Op op, uint32_t index, ValType t);
  void on_global(Op op, uint32_t index, ValType t);
  void on_table(Op op, uint32_t table);
  void on_memory(Op op, uint32_t memory);
  void on_const(Op op, uint64_t bits);
  void on_ref_null(ValType t);
  void on_ref_is_null();
  void on_ref_func(uint32_t func);
  void on_simple(Op op, const Immediates& imm);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  struct Control {
    Op op;
    BlockSig sig;
    uint32_t base;            // operand stack height below the block's params
    asmjit::Label label;      // branch target: end (block, if) or head (loop)
    asmjit::Label else_label; // if: start of the else arm
    bool entry_reachable = true;
    std::vector<Slot> params_at_entry;  // if: the params as the else arm starts with them
  };

  // ---- emission helpers (compiler.cpp) ----
  x86::Gp gp(uint8_t id, ValType t) const;
  static x86::Xmm xmm(uint8_t id) { return x86::xmm(id); }
  x86::Mem slot_mem(uint32_t index) const;
  x86::Mem local_mem(uint32_t index) const;
  int32_t slot_offset(uint32_t index) const;

  void push_reg(ValType t, uint8_t reg);
  void push_const(ValType t, uint64_t bits);
  void push_flags(x86::CondCode cc);
  Slot pop_slot();
  void free_slot(const Slot& s);

  uint8_t alloc_in(bool fp);
  uint8_t alloc_gp() { return alloc_in(false); }
  uint8_t alloc_xmm() { return alloc_in(true); }
  uint8_t alloc(ValType t) { return is_fp(t) ? alloc_xmm() : alloc_gp(); }
  void release(ValType t, uint8_t reg);
  void spill_slot(uint32_t index);
  void drop_local_caches();
  void drop_local_cache(uint32_t local);
  bool evict_local_cache(bool fp);  // frees one cache register of the class; false if none
  void spill_all();
  void take_gp(uint8_t reg);  // frees a specific GP register (moving its value) and marks it kTemp
  uint8_t to_reg(uint32_t index);  // makes the slot live in a register; returns its id
  uint8_t pop_reg();              // pops the top into a register it now owns (marked kTemp)
  void materialize_flags();
  x86::CondCode pop_cond();       // pops an i32 condition, returns the cc that means "true"
  void load_slot(const Slot& s, ValType t, uint8_t reg);  // loads any location into a register
  void store_slot_to(const Slot& s, const x86::Mem& dst);  // stores any location to memory
  void move_const_gp(const x86::Gp& r, uint64_t bits, ValType t);
  // A value of type t between a register and memory (i32 loads zero-extend, invariant 5).
  void load_typed(ValType t, uint8_t reg, const x86::Mem& m);
  void store_typed(ValType t, const x86::Mem& m, uint8_t reg);

  // ---- control (compiler.cpp) ----
  void emit_merge_moves(const Control& target, uint32_t count, bool for_loop);
  void set_merge_state(const Control& c, std::span<const ValType> types);
  void restore_if_entry(const Control& c);  // the state an else arm starts from
  void enter_dead_frame(const Control& c);  // a block entered from dead code (emit_control.cpp)
  Control& control_at(uint32_t depth) { return controls_[controls_.size() - 1 - depth]; }
  void branch_to(uint32_t depth);
  void emit_return_sequence();
  void check_interrupt();

  // ---- calls (emit_call.cpp) ----
  // Stores the arguments to the outgoing area at [rsp], or for a tail call over this
  // function's own incoming area at [rbp+16], and pops them.
  void store_call_args(const FuncType& type, bool tail);
  bool tail_call_fits(const FuncType& type) const { return area_layout(type.params).size <= kMinCallArea; }
  void leave_frame();
  void push_call_results(const FuncType& type);
  void restore_vmctx();
  void call_helper(Helper h);
  void helper_args(std::initializer_list<x86::Gp> regs);  // pops stack values into SysV arg registers
  void trap_if_helper_failed();

  // ---- traps ----
  asmjit::Label trap_label(TrapKind kind);
  void emit_trap_stubs();

  // ---- operators (emit_*.cpp) ----
  void emit_int_binary(Op op);
  void emit_int_unary(Op op);
  void emit_int_compare(Op op);
  void emit_div_rem(Op op);
  void emit_shift(Op op);
  void emit_float_binary(Op op);
  void emit_float_unary(Op op);
  void emit_float_compare(Op op);
  void emit_conversion(Op op);
  void emit_trunc(Op op);
  void emit_load(Op op, const MemArg& m);
  void emit_store(Op op, const MemArg& m);
  void emit_atomic(Op op, const MemArg& m);  // emit_atomic.cpp
  void check_atomic_alignment(const MemArg& m, uint32_t bytes);
  void emit_wait_notify(Op op, const MemArg& m);
  void push_wait_notify_result();
  void emit_bulk(Op op, const Immediates& imm);
  x86::Mem pop_address(const MemArg& m, uint8_t& temp_reg);
  asmjit::Label const_label(uint64_t lo, uint64_t hi);

  // ---- SIMD (emit_simd.cpp, emit_simd_int.cpp, emit_simd_float.cpp) ----
  // Every 0xfd operator; SSE4.1 + SSSE3 only. Operators work in place on the left operand's
  // register and release the right one (x86's two-operand form).
  void emit_simd(Op op, const Immediates& imm);
  void emit_simd_memory(Op op, const Immediates& imm);
  void emit_simd_lane(Op op, uint8_t lane);
  void emit_simd_splat(Op op);
  void emit_shuffle(const uint8_t* lanes);
  void emit_simd_test(Op op);
  void emit_simd_int(Op op);
  void emit_simd_int_compare(Op op);
  void emit_simd_shift(Op op);
  void emit_simd_float(Op op);
  void emit_simd_float_minmax(Op op);
  void emit_simd_convert(Op op);
  // A 16-byte-aligned constant pool entry (SSE memory operands must be aligned).
  x86::Mem vconst(uint64_t lo, uint64_t hi) { return x86::ptr(const_label(lo, hi), 0, 16); }
  x86::Mem vsplat64(uint64_t v) { return vconst(v, v); }

  void fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
  }

  const ModuleInfo& m_;
  uint32_t func_;
  asmjit::CodeHolder& code_;
  x86::Assembler a_;

  const FuncType* type_ = nullptr;
  AreaLayout param_area_;
  AreaLayout result_area_;
  std::vector<ValType> local_types_;
  std::vector<int32_t> local_offsets_;  // rbp-relative
  std::vector<int8_t> local_reg_;       // register caching each local, or -1 (value_stack.h, 5)
  int32_t locals_bytes_ = 0;
  uint32_t max_depth_ = 0;
  int32_t max_out_area_ = 0;
  size_t frame_patch_offset_ = 0;

  std::vector<Slot> stack_;
  RegFile regs_;
  std::vector<Control> controls_;
  bool reachable_ = true;

  std::array<asmjit::Label, 32> trap_labels_{};
  asmjit::Label dynamic_trap_;  // helpers that failed: eax = 1 + TrapKind
  struct Constant {
    uint64_t lo, hi;
    asmjit::Label label;
  };
  std::vector<Constant> constants_;
  std::string error_;
};

// Compiles one function; on failure returns the error message.
Result<CompiledFunction> compile_function(const ModuleInfo& m, uint32_t func, const Features& features);

}  // namespace tern::jit
