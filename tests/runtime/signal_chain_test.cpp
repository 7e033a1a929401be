// Faults that are not wasm traps go to the handler installed before tern's.
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

#include <doctest/doctest.h>

#include "jit/trap.h"
#include "jit_snippet.h"

namespace tern {
namespace {

using namespace asmjit;
using test::JitSnippet;

volatile sig_atomic_t g_expecting = 0;
volatile sig_atomic_t g_previous_ran = 0;
sigjmp_buf g_env;

void previous_handler(int sig, siginfo_t*, void*) {
  if (!g_expecting) {  // not a test fault: die as the default action would
    signal(sig, SIG_DFL);
    return;
  }
  g_previous_ran = g_previous_ran + 1;
  siglongjmp(g_env, 1);
}

// Installed during static initialization, so before any test calls install_trap_handlers().
const bool g_previous_installed = [] {
  struct sigaction sa {};
  sa.sa_sigaction = previous_handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  return sigaction(SIGSEGV, &sa, nullptr) == 0;
}();

// A page nobody may touch.
struct NoAccessPage {
  NoAccessPage() : p(static_cast<volatile int*>(mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))) {}
  ~NoAccessPage() { munmap(const_cast<int*>(p), 4096); }
  volatile int* p;
};

TEST_CASE("faults outside wasm code reach the previously installed handler") {
  REQUIRE(g_previous_installed);
  install_trap_handlers();
  install_trap_handlers();  // idempotent
  struct sigaction current {};
  sigaction(SIGSEGV, nullptr, &current);
  CHECK((current.sa_sigaction != &previous_handler));  // tern's handler is in front
  NoAccessPage page;

  SUBCASE("host code, no activation") {
    g_previous_ran = 0;
    g_expecting = 1;
    if (sigsetjmp(g_env, 1) == 0) (void)*page.p;
    g_expecting = 0;
    CHECK(g_previous_ran == 1);
  }
  SUBCASE("host code inside an activation (a crashing host function) is not a wasm trap") {
    g_previous_ran = 0;
    auto trap = call_with_trap_handling([&] {
      g_expecting = 1;
      if (sigsetjmp(g_env, 1) == 0) (void)*page.p;
      g_expecting = 0;
    });
    CHECK(!trap.has_value());
    CHECK(g_previous_ran == 1);
    CHECK(current_activation() == nullptr);
  }
  SUBCASE("registered code but no activation") {
    JitSnippet load([](x86::Assembler& a, JitSnippet&) {
      a.mov(x86::eax, x86::dword_ptr(x86::rdi));
      a.ret();
    });
    g_previous_ran = 0;
    g_expecting = 1;
    if (sigsetjmp(g_env, 1) == 0) (void)load.as<int(volatile int*)>()(page.p);
    g_expecting = 0;
    CHECK(g_previous_ran == 1);
  }
  SUBCASE("unregistered JIT code inside an activation") {
    JitSnippet load([](x86::Assembler& a, JitSnippet&) {
      a.mov(x86::eax, x86::dword_ptr(x86::rdi));
      a.ret();
    }, /*register_it=*/false);
    g_previous_ran = 0;
    auto trap = call_with_trap_handling([&] {
      g_expecting = 1;
      if (sigsetjmp(g_env, 1) == 0) (void)load.as<int(volatile int*)>()(page.p);
      g_expecting = 0;
    });
    CHECK(!trap.has_value());
    CHECK(g_previous_ran == 1);
  }
  // And the handler still turns faults in registered code into traps afterwards.
  JitSnippet load([](x86::Assembler& a, JitSnippet&) {
    a.mov(x86::eax, x86::dword_ptr(x86::rdi));
    a.ret();
  });
  auto trap = call_with_trap_handling([&] { (void)load.as<int(volatile int*)>()(page.p); });
  REQUIRE(trap.has_value());
  CHECK(trap->kind == TrapKind::MemoryOutOfBounds);
}

}  // namespace
}  // namespace tern
