// The layout that generated code and the runtime share: VMContext, FuncRef, TableData, GlobalCell.
//
// DESIGN
// 1. Generated code reaches everything through r15 = VMContext* of the running instance and
//    r14 = base of memory 0 (memories never move, so r14 is constant for an instance).
// 2. No absolute address is baked into code: runtime helpers, function entries and signature
//    ids are read from the VMContext, so code can be copied anywhere (and cached on disk).
// 3. Wasm-to-wasm calls use tern's own convention: arguments are stored by the caller at
//    [rsp + slot offsets] right before `call`; the callee sees them at [rbp + 16 + offset] and
//    writes its results to the same area. All allocatable registers are caller-saved; r14, r15
//    and rbp are restored by the caller after a call (r15 from its frame slot [rbp - 8]).
// 4. Every value takes an 8-byte slot in the argument area, a v128 16 bytes (16-aligned).
// 5. The stack limit belongs to the thread, not to the instance: one instance may run on many
//    threads at once (imported by instances on other threads, or called by several host
//    threads), each on its own stack. Prologues compare rsp with the word at %fs:0x70
//    (kThreadStackLimitOffset), the slot glibc's x86-64 thread control block reserves for a
//    thread's stack limit (tcbhead_t.__private_ss, used by GCC's -fsplit-stack). It is a fixed
//    ABI offset, so code stays position-independent and cacheable. 0 means no limit. The
//    runtime sets it on a thread's outermost entry into wasm and restores it on leaving.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "jit/types.h"

namespace tern {

struct VMContext;
class Instance;

// A function as a value: an import, a table element, a funcref. Owned by its instance (or by a
// host function), so a pointer to it stays valid while that owner lives.
struct FuncRef {
  const void* code = nullptr;  // entry with tern's wasm calling convention
  void* vmctx = nullptr;       // the VMContext that code expects in r15 (for host functions: their HostFunc)
  uint32_t sig_id = 0;         // canonical signature id (equal types across modules, equal ids)
  uint32_t func_index = 0;     // index in the owning module (for names in backtraces)
  Instance* instance = nullptr;
};

// Table storage: funcref tables hold FuncRef*, externref tables hold opaque host pointers.
struct TableData {
  void** elements = nullptr;
  uint32_t size = 0;
  uint32_t max = 0xffffffff;
};

struct alignas(16) GlobalCell {
  uint64_t lo = 0;
  uint64_t hi = 0;  // upper half of a v128
};

// Runtime helpers generated code calls (SysV ABI, first argument the VMContext*).
// Helpers that can fail return 0 on success or 1 + TrapKind. Those with a result that can use
// all 32 bits (wait, notify) return it in the low half of a uint64_t and 0 or 1 + TrapKind in
// the high half.
#define TERN_HELPERS(X)                                                                    \
  X(RaiseTrap)     /* tern_raise_trap: [[noreturn]] void (uint32_t kind) */                \
  X(MemoryGrow)    /* uint32_t (VMContext*, uint32_t delta, uint32_t mem) */              \
  X(MemorySize)    /* uint32_t (VMContext*, uint32_t mem) */                              \
  X(MemoryCopy)    /* uint32_t (VMContext*, dst, src, n, dst_mem, src_mem) */              \
  X(MemoryFill)    /* uint32_t (VMContext*, dst, value, n, mem) */                        \
  X(MemoryInit)    /* uint32_t (VMContext*, dst, src, n, seg, mem) */                     \
  X(DataDrop)      /* void (VMContext*, seg) */                                            \
  X(TableGet)      /* uint32_t (VMContext*, table, index, void** out) */                   \
  X(TableSet)      /* uint32_t (VMContext*, table, index, void* value) */                  \
  X(TableSize)     /* uint32_t (VMContext*, table) */                                       \
  X(TableGrow)     /* uint32_t (VMContext*, table, void* init, delta) */                   \
  X(TableFill)     /* uint32_t (VMContext*, table, dst, void* value, n) */                 \
  X(TableCopy)     /* uint32_t (VMContext*, dst_table, src_table, dst, src, n) */          \
  X(TableInit)     /* uint32_t (VMContext*, table, seg, dst, src, n) */                    \
  X(ElemDrop)      /* void (VMContext*, seg) */                                            \
  X(RefFunc)       /* void* (VMContext*, func) */                                          \
  X(AtomicWait32)  /* uint64_t (VMContext*, addr, u32 expected, i64 timeout_ns, mem, u64 offset) */ \
  X(AtomicWait64)  /* uint64_t (VMContext*, addr, u64 expected, i64 timeout_ns, mem, u64 offset) */ \
  X(AtomicNotify)  /* uint64_t (VMContext*, addr, u32 count, mem, u64 offset) */ \
  X(GlobalSetRef)  /* void (VMContext*, global, void* funcref): keeps its owner */

enum class Helper : uint32_t {
#define TERN_HELPER_ENUM(name) name,
  TERN_HELPERS(TERN_HELPER_ENUM)
#undef TERN_HELPER_ENUM
  Count_
};
constexpr size_t kHelperCount = static_cast<size_t>(Helper::Count_);

// Fixed head of every VMContext; per-module arrays follow it in one allocation.
struct VMContext {
  uint8_t* mem0_base = nullptr;
  std::atomic<uint32_t> interrupt{0};     // loop headers and prologues trap when non-zero
  uint32_t pad_ = 0;
  Instance* instance = nullptr;
  const void* helpers[kHelperCount] = {};
  // Per-module arrays, set up by the instance:
  const void** func_code = nullptr;   // defined functions: code entry per function index
  FuncRef** funcs = nullptr;          // every function (imports: the provider's FuncRef)
  GlobalCell** globals = nullptr;     // every global (imports: the provider's cell)
  TableData** tables = nullptr;       // every table
  uint8_t** mem_bases = nullptr;      // every memory's base
  const uint32_t* sig_ids = nullptr;  // canonical signature id per type index
};

namespace vmctx_offset {
constexpr int32_t kMem0Base = offsetof(VMContext, mem0_base);
constexpr int32_t kInterrupt = offsetof(VMContext, interrupt);
constexpr int32_t kHelpers = offsetof(VMContext, helpers);
constexpr int32_t kFuncCode = offsetof(VMContext, func_code);
constexpr int32_t kFuncs = offsetof(VMContext, funcs);
constexpr int32_t kGlobals = offsetof(VMContext, globals);
constexpr int32_t kTables = offsetof(VMContext, tables);
constexpr int32_t kMemBases = offsetof(VMContext, mem_bases);
constexpr int32_t kSigIds = offsetof(VMContext, sig_ids);
constexpr int32_t helper(Helper h) { return kHelpers + 8 * static_cast<int32_t>(h); }
}  // namespace vmctx_offset

// The thread's stack limit in its thread control block (invariant 5): %fs:kThreadStackLimitOffset.
constexpr int32_t kThreadStackLimitOffset = 0x70;
inline uintptr_t thread_stack_limit_slot() {
  uintptr_t limit;
  asm volatile("movq %%fs:0x70, %0" : "=r"(limit));
  return limit;
}
inline void set_thread_stack_limit_slot(uintptr_t limit) { asm volatile("movq %0, %%fs:0x70" : : "r"(limit) : "memory"); }

namespace funcref_offset {
constexpr int32_t kCode = offsetof(FuncRef, code);
constexpr int32_t kVmctx = offsetof(FuncRef, vmctx);
constexpr int32_t kSigId = offsetof(FuncRef, sig_id);
}  // namespace funcref_offset

namespace table_offset {
constexpr int32_t kElements = offsetof(TableData, elements);
constexpr int32_t kSize = offsetof(TableData, size);
}  // namespace table_offset

// Offsets of each value in a signature's argument or result area (invariant 4).
struct AreaLayout {
  std::vector<int32_t> offsets;
  int32_t size = 0;  // rounded up to 16
};
inline AreaLayout area_layout(std::span<const ValType> types) {
  AreaLayout l;
  int32_t off = 0;
  for (ValType t : types) {
    if (t == ValType::V128) off = (off + 15) & ~15;
    l.offsets.push_back(off);
    off += t == ValType::V128 ? 16 : 8;
  }
  l.size = (off + 15) & ~15;
  return l;
}
// Every caller reserves at least this much argument area, so a tail call (which reuses the
// tail-calling function's incoming area) fits in place whenever its arguments need no more.
constexpr int32_t kMinCallArea = 256;
// The caller's area for a call: large enough for the arguments and for the results.
inline int32_t call_area_size(const FuncType& t) {
  return std::max({area_layout(t.params).size, area_layout(t.results).size, kMinCallArea});
}

}  // namespace tern
