// DESIGN (jit/compiler/value_stack.h)
// The compiler's abstract operand stack and register cache, after Liftoff's CacheState.
// 1. A slot is in exactly one place: a register, a constant, its spill slot, or (only on top
//    of the stack, right after a comparison) the CPU flags.
// 2. A register holds at most one slot. Spilling never moves a slot's spill offset: slot i
//    lives at a fixed rbp-relative address, so a spilled value never needs to be found.
// 3. r14 (memory 0 base), r15 (VMContext), rbp, rsp are pinned; r11 and xmm15 are scratch
//    registers that the allocator never hands out, for use inside one operator's emission.
// 4. At control-flow boundaries everything below the block is spilled; merges agree on a
//    layout for the block's results only (see compiler.h).
// 5. A register may instead cache a local's value (write-through: the frame slot is always
//    current). Caches live only in straight-line code: labels, calls and spills drop them, and
//    the allocator drops a cache before it spills a value.
#pragma once

#include <asmjit/x86.h>

#include <array>
#include <cstdint>
#include <vector>

#include "jit/types.h"

namespace tern::jit {

namespace x86 = asmjit::x86;

enum class Loc : uint8_t { Reg, Const, Stack, Flags };

struct Slot {
  ValType type = ValType::I32;
  Loc loc = Loc::Stack;
  uint8_t reg = 0;                      // register id (GP or XMM by type) when loc == Reg
  x86::CondCode cond = x86::CondCode::kE;  // when loc == Flags: the i32 result is (cond ? 1 : 0)
  uint64_t bits = 0;                    // constant bits when loc == Const
};

inline bool is_fp(ValType t) { return t == ValType::F32 || t == ValType::F64 || t == ValType::V128; }

// Register ids are asmjit's physical ids: rax=0, rcx=1, rdx=2, rbx=3, rsp=4, rbp=5, rsi=6, rdi=7, r8..r15.
constexpr std::array<uint8_t, 11> kAllocGp = {0, 1, 2, 3, 6, 7, 8, 9, 10, 12, 13};
constexpr uint8_t kScratchGp = 11;
constexpr std::array<uint8_t, 15> kAllocXmm = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
constexpr uint8_t kScratchXmm = 15;

constexpr int kFree = -1;
constexpr int kTemp = -2;  // held by the current operator, not by a slot
// Owners <= kLocalBase cache local (kLocalBase - owner): a copy of the local's current value
// (locals are written through to their frame slot, so a cached copy is dropped, never spilled).
constexpr int kLocalBase = -3;
inline bool is_local_owner(int owner) { return owner <= kLocalBase; }
inline uint32_t local_of(int owner) { return static_cast<uint32_t>(kLocalBase - owner); }
inline int local_owner(uint32_t local) { return kLocalBase - static_cast<int>(local); }

// Owners of each register: a stack index, kFree or kTemp.
struct RegFile {
  std::array<int, 16> gp;
  std::array<int, 16> xmm;
  RegFile() { reset(); }
  void reset() {
    gp.fill(kFree);
    xmm.fill(kFree);
  }
};

}  // namespace tern::jit
