// DESIGN (jit/signals.cpp): the trap signal handler. SIGNAL CONTEXT: read before changing.
//
// Everything reachable from on_signal() runs inside a signal handler: no allocation, no locks,
// no C++ runtime beyond lock-free atomics; only libc calls that are async-signal-safe, the code
// registry's lookup and current_activation().
// 1. A fault is a wasm trap only if (a) the kernel generated it (si_code > 0, not kill/raise),
//    (b) the faulting PC (ucontext RIP) is inside registered code, and (c) this thread has an
//    active Activation. Then the TrapInfo is stored and the handler _longjmps to the activation
//    (SA_NODEFER: no signal is blocked, so the mask needs no restoring).
// 2. Anything else belongs to whoever was installed before us: their sa_sigaction/sa_handler is
//    called with their sa_mask applied; SIG_DFL (and SIG_IGN for a real fault, which would
//    loop forever) restores the default action, so the fault kills the process as it would have.
// 3. The previous handlers are read before ours is installed, and installation happens once.
// 4. Handlers run on an alternate stack (SA_ONSTACK), so a fault on an exhausted thread stack is
//    still handled; each thread entering wasm code gets one from ensure_thread_alt_stack().
// 5. SIGSEGV/SIGBUS maps to MemoryOutOfBounds, except a fault address just below (or at) the
//    stack pointer, which is a native stack overflow in wasm code: StackExhausted. SIGFPE maps
//    to IntegerDivideByZero (the compiler checks INT_MIN / -1 itself), SIGILL (ud2) to
//    Unreachable.
// 6. The backtrace is recorded here, before _longjmp (jit/trap.h, invariant 7); the walk reads
//    only this thread's live stack and the code registry.
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "jit/code_registry.h"
#include "jit/trap.h"

namespace tern {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
constexpr size_t kSignalCount = sizeof(kSignals) / sizeof(kSignals[0]);

// Written once, before our handlers are installed (invariant 3); read-only afterwards.
struct sigaction g_previous[kSignalCount];

int signal_index(int sig) {
  for (size_t i = 0; i < kSignalCount; ++i)
    if (kSignals[i] == sig) return static_cast<int>(i);
  return -1;
}

// A fault within this window around rsp is a push/call/frame store past the thread's stack
// guard. No wasm memory lies there: a wasm reservation is its own mapping, and the stack's guard
// (>= one page) separates the lowest usable stack address from any mapping below it.
constexpr uintptr_t kStackWindowBelow = 4096;
constexpr uintptr_t kStackWindowAbove = 256;

TrapKind trap_kind_for(int sig, const siginfo_t* info, uintptr_t sp) {
  const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
  if ((sig == SIGSEGV || sig == SIGBUS) && addr + kStackWindowBelow >= sp && addr < sp + kStackWindowAbove) {
    return TrapKind::StackExhausted;  // a backstop: function prologues check the limit first
  }
  switch (sig) {
    case SIGFPE: return TrapKind::IntegerDivideByZero;  // the compiler checks overflow itself
    case SIGILL: return TrapKind::Unreachable;          // ud2
    default: return TrapKind::MemoryOutOfBounds;       // SIGSEGV, SIGBUS: guard pages
  }
}

void restore_default(int sig) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
}

void chain(int sig, siginfo_t* info, void* context) {
  const int i = signal_index(sig);
  if (i < 0) return;
  const struct sigaction& prev = g_previous[i];
  const bool kernel_fault = info != nullptr && info->si_code > 0;
  const bool has_handler = (prev.sa_flags & SA_SIGINFO) != 0 ||
                           (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN);
  if (!has_handler) {
    if (prev.sa_handler == SIG_IGN && !kernel_fault) return;  // an ignored kill(): ignore it
    // Default action. A hardware fault re-executes the instruction on return and dies of it
    // with the right signal (and a core dump); a sent signal is raised again.
    restore_default(sig);
    if (!kernel_fault) raise(sig);
    return;
  }
  sigset_t mask = prev.sa_mask;
  if ((prev.sa_flags & SA_NODEFER) == 0) sigaddset(&mask, sig);
  sigset_t saved;
  pthread_sigmask(SIG_BLOCK, &mask, &saved);
  if ((prev.sa_flags & SA_SIGINFO) != 0) {
    prev.sa_sigaction(sig, info, context);
  } else {
    prev.sa_handler(sig);
  }
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

void on_signal(int sig, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  auto* uc = static_cast<ucontext_t*>(context);
  const auto pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  Activation* act = current_activation();
  if (info != nullptr && info->si_code > 0 && act != nullptr && lookup_code(pc) != nullptr) {
    const auto sp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
    const auto fp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]);
    detail::record_trap(act, trap_kind_for(sig, info, sp), pc, fp, sp);
    _longjmp(act->jb, 1);
  }
  errno = saved_errno;
  chain(sig, info, context);
  errno = saved_errno;
}

// One alternate signal stack per thread, unmapped at thread exit.
class AltStack {
 public:
  static constexpr size_t kGuard = 4096;
  static constexpr size_t kSize = 64 * 1024;

  AltStack() {
    stack_t current{};
    if (sigaltstack(nullptr, &current) != 0) return;
    if ((current.ss_flags & SS_DISABLE) == 0) return;  // the thread already has one: keep it
    void* p = mmap(nullptr, kGuard + kSize, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (p == MAP_FAILED) return;
    mapping_ = static_cast<uint8_t*>(p);
    mprotect(mapping_, kGuard, PROT_NONE);  // an overflowing handler faults, not corrupts
    stack_t ss{};
    ss.ss_sp = mapping_ + kGuard;
    ss.ss_size = kSize;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, nullptr) != 0) {
      munmap(mapping_, kGuard + kSize);
      mapping_ = nullptr;
    }
  }
  AltStack(const AltStack&) = delete;
  AltStack& operator=(const AltStack&) = delete;
  ~AltStack() {
    if (mapping_ == nullptr) return;
    stack_t current{};
    if (sigaltstack(nullptr, &current) == 0 && current.ss_sp == mapping_ + kGuard) {
      stack_t off{};
      off.ss_flags = SS_DISABLE;
      sigaltstack(&off, nullptr);
    }
    munmap(mapping_, kGuard + kSize);
  }

  bool active() const { return mapping_ != nullptr; }

 private:
  uint8_t* mapping_ = nullptr;
};

bool install_once() {
  // Invariant 3: read every previous handler first, then install ours.
  for (size_t i = 0; i < kSignalCount; ++i) sigaction(kSignals[i], nullptr, &g_previous[i]);
  struct sigaction sa {};
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int sig : kSignals) sigaction(sig, &sa, nullptr);
  return true;
}

}  // namespace

void install_trap_handlers() {
  static const bool installed = install_once();  // thread-safe, once per process
  (void)installed;
}

void ensure_thread_alt_stack() {
  static thread_local AltStack alt_stack;
  (void)alt_stack;
}

}  // namespace tern
