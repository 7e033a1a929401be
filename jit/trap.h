// Trap kinds, activations, and the one way host code enters wasm code: call_with_trap_handling.
//
// DESIGN (jit/trap.h, jit/trap.cpp, jit/signals.cpp, jit/code_registry.cpp)
// 1. Every entry from host code into wasm code runs inside call_with_trap_handling(), which
//    pushes an Activation on this thread's activation list and _setjmp()s in its own frame.
//    That frame outlives every wasm frame it calls, so a _longjmp to it is always valid.
// 2. A trap is raised exactly two ways: a hardware fault at a PC inside registered code
//    (jit/signals.cpp), or a call to tern_raise_trap() from JIT code or a host function. Both
//    record a TrapInfo in the innermost Activation and _longjmp to it. Nothing else longjmps.
// 3. A _longjmp skips every frame between the fault and the activation: wasm frames (which own
//    nothing) and host-function frames. So a host function called from wasm must not hold
//    objects with destructors (locks, strings, unique_ptrs) across a call back into wasm code or
//    across tern_raise_trap(). The callable passed to call_with_trap_handling() is itself called
//    inside the activation: it too must not have live destructors when wasm code traps.
// 4. Signals are installed with SA_NODEFER, so no signal is blocked while the handler runs and
//    _longjmp (which does not restore the signal mask) leaves the mask as it was at _setjmp.
// 5. Activations nest: a host function may enter wasm again; the inner trap unwinds only to the
//    inner activation. Popping restores `prev`, even if an inner activation was abandoned.
// 6. Traps never cross threads: the activation list is thread_local (initial-exec TLS, so the
//    signal handler can read it without calling into the dynamic loader).
// 7. The wasm backtrace is recorded where the trap is raised (signal handler or tern_raise_trap),
//    before _longjmp: afterwards the frames' memory may be reused. The walk follows the rbp chain
//    (every wasm frame is `push rbp; mov rbp, rsp`), reads only between the trap's stack pointer
//    and the Activation (live stack of this thread), keeps return addresses that lie in
//    registered code, and stops at the first one that does not (the entry trampoline or a host
//    frame), at a non-increasing frame pointer, or after kMaxTrapFrames frames.
#pragma once

#include <setjmp.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace tern {

enum class TrapKind : uint8_t {
#define TERN_TRAP(name, message) name,
#include "jit/traps.def"
#undef TERN_TRAP
};

inline constexpr uint32_t kTrapKindCount = 0
#define TERN_TRAP(name, message) +1
#include "jit/traps.def"
#undef TERN_TRAP
    ;

// The spec test message, e.g. "integer divide by zero". "unknown trap" for an invalid value.
std::string_view trap_message(TrapKind kind);
// The enumerator's name, e.g. "IntegerDivideByZero".
std::string_view trap_name(TrapKind kind);

inline constexpr uint32_t kMaxTrapFrames = 64;

struct TrapInfo {
  TrapKind kind = TrapKind::Unreachable;
  uintptr_t pc = 0;  // faulting instruction (signal) or return address of the tern_raise_trap call
  uintptr_t fp = 0;  // frame pointer (rbp) of the wasm frame that trapped
  // The backtrace, innermost first (invariant 7): frames[0] = pc (which may lie outside wasm
  // code, e.g. in the host call stub), then the return addresses into wasm code found by
  // walking the frame-pointer chain from fp.
  uintptr_t frames[kMaxTrapFrames] = {};
  uint32_t frame_count = 0;
};

struct Activation {
  jmp_buf jb;
  Activation* prev = nullptr;
  TrapInfo trap;
};

namespace detail {
// Pushes `act` as this thread's innermost activation. The first push on a thread installs the
// signal handlers (once per process) and this thread's alternate signal stack.
void push_activation(Activation* act);
// Makes act->prev the innermost activation again.
void pop_activation(Activation* act);
// Fills act->trap: kind, pc, fp, and the backtrace walked from fp (invariant 7). `sp` is the
// stack pointer at the trap; only [sp, act) is read. Async-signal-safe: no allocation, no locks.
void record_trap(Activation* act, TrapKind kind, uintptr_t pc, uintptr_t fp, uintptr_t sp);
}  // namespace detail

// The innermost activation of this thread, or nullptr. Async-signal-safe.
Activation* current_activation();

// Runs fn() inside a new activation. Returns std::nullopt if fn() returned normally, or the
// TrapInfo if wasm code (or tern_raise_trap) trapped while it ran. See invariant 3: nothing
// with a destructor may be alive in fn's frames or in host frames below wasm frames when a
// trap unwinds them. fn's return value, if any, is discarded: capture results by reference.
template <class F>
[[gnu::noinline]] std::optional<TrapInfo> call_with_trap_handling(F&& fn) {
  Activation act;
  detail::push_activation(&act);
  if (_setjmp(act.jb) == 0) {
    std::forward<F>(fn)();
    detail::pop_activation(&act);
    return std::nullopt;
  }
  // Reached by _longjmp from the signal handler or tern_raise_trap.
  detail::pop_activation(&act);
  return act.trap;
}

// Installs the SIGSEGV, SIGBUS, SIGFPE and SIGILL handlers. Idempotent, thread-safe; the
// first call wins and saves the previous handlers, to which faults outside wasm code go.
void install_trap_handlers();

// Gives the calling thread an alternate signal stack (unless it already has one), freed at
// thread exit. Needed so a fault with an exhausted stack can still be handled.
void ensure_thread_alt_stack();

// From host code: raise a trap in the innermost activation (never returns).
[[noreturn]] void raise_trap(TrapKind kind);

}  // namespace tern

// Called from JIT code (out-of-line trap stubs) with a TrapKind value. Records kind,
// pc = its return address, fp = the caller's rbp, then _longjmps to the innermost activation.
// Safe to call with any stack alignment. Aborts if this thread has no activation.
extern "C" [[noreturn]] void tern_raise_trap(uint32_t kind);
