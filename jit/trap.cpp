// Trap messages, the per-thread activation list, and tern_raise_trap.
// The DESIGN block for traps is in jit/trap.h.
#include "jit/trap.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "jit/code_registry.h"

namespace tern {
namespace {

// Initial-exec TLS: a fixed offset from %fs, so the signal handler reads it without calling
// __tls_get_addr (which may allocate). libtern is linked at startup, never dlopen()ed late.
[[gnu::tls_model("initial-exec")]] thread_local Activation* tls_top = nullptr;
[[gnu::tls_model("initial-exec")]] thread_local bool tls_prepared = false;

constexpr std::string_view kMessages[] = {
#define TERN_TRAP(name, message) message,
#include "jit/traps.def"
#undef TERN_TRAP
};

constexpr std::string_view kNames[] = {
#define TERN_TRAP(name, message) #name,
#include "jit/traps.def"
#undef TERN_TRAP
};

static_assert(std::size(kMessages) == kTrapKindCount, "one message per trap kind");

[[noreturn]] void die(const char* message) {
  // write(2) and abort(3) are async-signal-safe; nothing here allocates.
  const char prefix[] = "tern: fatal: ";
  (void)!write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
  (void)!write(STDERR_FILENO, message, strlen(message));
  (void)!write(STDERR_FILENO, "\n", 1);
  abort();
}

}  // namespace

std::string_view trap_message(TrapKind kind) {
  const auto i = static_cast<size_t>(kind);
  return i < std::size(kMessages) ? kMessages[i] : std::string_view("unknown trap");
}

std::string_view trap_name(TrapKind kind) {
  const auto i = static_cast<size_t>(kind);
  return i < std::size(kNames) ? kNames[i] : std::string_view("Unknown");
}

Activation* current_activation() { return tls_top; }

namespace detail {

void push_activation(Activation* act) {
  if (!tls_prepared) [[unlikely]] {
    install_trap_handlers();
    ensure_thread_alt_stack();
    tls_prepared = true;
  }
  act->prev = tls_top;
  // The signal handler on this thread must see a fully linked activation.
  std::atomic_signal_fence(std::memory_order_seq_cst);
  tls_top = act;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void pop_activation(Activation* act) {
  std::atomic_signal_fence(std::memory_order_seq_cst);
  tls_top = act->prev;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void record_trap(Activation* act, TrapKind kind, uintptr_t pc, uintptr_t fp, uintptr_t sp) {
  TrapInfo& t = act->trap;
  t.kind = kind;
  t.pc = pc;
  t.fp = fp;
  t.frames[0] = pc;
  t.frame_count = 1;
  // The Activation lives in call_with_trap_handling's frame, above every frame it called.
  const auto hi = reinterpret_cast<uintptr_t>(act);
  while (t.frame_count < kMaxTrapFrames) {
    if (fp < sp || fp > hi - 2 * sizeof(uintptr_t) || fp % sizeof(uintptr_t) != 0) break;
    const auto* frame = reinterpret_cast<const uintptr_t*>(fp);
    const uintptr_t ret = frame[1];
    const uintptr_t next = frame[0];
    if (lookup_code(ret) == nullptr) break;  // the entry trampoline or a host frame: done
    t.frames[t.frame_count++] = ret;
    if (next <= fp) break;  // frames grow towards higher addresses; anything else is garbage
    fp = next;
  }
}

}  // namespace detail

void raise_trap(TrapKind kind) { tern_raise_trap(static_cast<uint32_t>(kind)); }

}  // namespace tern

// The C++ half of tern_raise_trap: the assembly stub below has already read the return address,
// the caller's rbp (exactly, whatever the optimizer does with frame pointers here) and the
// caller's stack pointer, and aligned the stack.
extern "C" [[noreturn, gnu::visibility("hidden"), gnu::used]] void tern_raise_trap_impl(
    uint32_t kind, uintptr_t pc, uintptr_t fp, uintptr_t sp) {
  tern::Activation* act = tern::tls_top;
  if (act == nullptr) tern::die("tern_raise_trap called outside call_with_trap_handling");
  tern::detail::record_trap(act, static_cast<tern::TrapKind>(kind), pc, fp, sp);
  _longjmp(act->jb, 1);
}

// tern_raise_trap(kind): edi = kind stays; rsi = return address; rdx = caller's rbp; rcx = the
// caller's rsp after the call; the stack is realigned (JIT stubs may call with any alignment)
// and never returned to.
asm(R"(
    .text
    .globl tern_raise_trap
    .type tern_raise_trap, @function
    .p2align 4
tern_raise_trap:
    movq (%rsp), %rsi
    movq %rbp, %rdx
    leaq 8(%rsp), %rcx
    andq $-16, %rsp
    call tern_raise_trap_impl
    ud2
    .size tern_raise_trap, .-tern_raise_trap
)");
