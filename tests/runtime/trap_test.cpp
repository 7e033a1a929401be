#include "jit/trap.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "jit_snippet.h"
#include "memory/linear_memory.h"

namespace tern {
namespace {

using namespace asmjit;
using test::JitSnippet;

TEST_CASE("trap messages match the spec tests") {
  CHECK(trap_message(TrapKind::Unreachable) == "unreachable");
  CHECK(trap_message(TrapKind::MemoryOutOfBounds) == "out of bounds memory access");
  CHECK(trap_message(TrapKind::IntegerDivideByZero) == "integer divide by zero");
  CHECK(trap_message(TrapKind::IntegerOverflow) == "integer overflow");
  CHECK(trap_message(TrapKind::InvalidConversion) == "invalid conversion to integer");
  CHECK(trap_message(TrapKind::IndirectCallTypeMismatch) == "indirect call type mismatch");
  CHECK(trap_message(TrapKind::StackExhausted) == "call stack exhausted");
  CHECK(trap_message(TrapKind::WaitOnUnshared) == "expected shared memory");
  CHECK(trap_name(TrapKind::TableOutOfBounds) == "TableOutOfBounds");
  CHECK(trap_message(static_cast<TrapKind>(kTrapKindCount)) == "unknown trap");
}

TEST_CASE("a normal return reports no trap and pops the activation") {
  JitSnippet add([](x86::Assembler& a, JitSnippet&) {
    a.lea(x86::eax, x86::ptr(x86::rdi, x86::rsi));
    a.ret();
  });
  REQUIRE(add.ok());
  int result = 0;
  CHECK(current_activation() == nullptr);
  auto trap = call_with_trap_handling([&] { result = add.as<int(int, int)>()(2, 3); });
  CHECK(!trap.has_value());
  CHECK(result == 5);
  CHECK(current_activation() == nullptr);
}

TEST_CASE("idiv by zero traps with IntegerDivideByZero at the idiv") {
  JitSnippet div([](x86::Assembler& a, JitSnippet& s) {
    a.mov(x86::eax, x86::edi);
    a.cdq();
    s.mark(a);
    a.idiv(x86::esi);
    a.ret();
  });
  int q = 0;
  auto divide = div.as<int(int, int)>();
  CHECK(!call_with_trap_handling([&] { q = divide(7, 2); }).has_value());
  CHECK(q == 3);
  auto trap = call_with_trap_handling([&] { q = divide(7, 0); });
  REQUIRE(trap.has_value());
  CHECK(trap->kind == TrapKind::IntegerDivideByZero);
  CHECK(trap->pc == div.address_of_mark(0));
  CHECK(current_activation() == nullptr);
}

TEST_CASE("ud2 traps with Unreachable; rbp is reported as the frame pointer") {
  // void f(uint64_t* fp_out): push rbp; mov rbp, rsp; mov [rdi], rbp; ud2
  JitSnippet ud([](x86::Assembler& a, JitSnippet& s) {
    a.push(x86::rbp);
    a.mov(x86::rbp, x86::rsp);
    a.mov(x86::qword_ptr(x86::rdi), x86::rbp);
    s.mark(a);
    a.ud2();
  });
  uint64_t fp = 0;
  auto trap = call_with_trap_handling([&] { ud.as<void(uint64_t*)>()(&fp); });
  REQUIRE(trap.has_value());
  CHECK(trap->kind == TrapKind::Unreachable);
  CHECK(trap->pc == ud.address_of_mark(0));
  CHECK(trap->fp == fp);
}

// void f(uint32_t kind, uint64_t* fp_out): frame, store rbp, optionally misalign, call
// tern_raise_trap(kind).
void emit_raise(x86::Assembler& a, JitSnippet& s, bool misalign) {
  a.push(x86::rbp);
  a.mov(x86::rbp, x86::rsp);
  a.mov(x86::qword_ptr(x86::rsi), x86::rbp);
  if (misalign) a.sub(x86::rsp, 8);
  a.mov(x86::rax, reinterpret_cast<uint64_t>(&tern_raise_trap));
  a.call(x86::rax);
  s.mark(a);  // the return address
  a.ud2();
}

TEST_CASE("tern_raise_trap records kind, return address and the caller's rbp") {
  for (bool misalign : {false, true}) {
    CAPTURE(misalign);
    JitSnippet raise([&](x86::Assembler& a, JitSnippet& s) { emit_raise(a, s, misalign); });
    for (TrapKind kind : {TrapKind::Unreachable, TrapKind::IntegerOverflow, TrapKind::Interrupted}) {
      uint64_t fp = 0;
      auto trap = call_with_trap_handling(
          [&] { raise.as<void(uint32_t, uint64_t*)>()(static_cast<uint32_t>(kind), &fp); });
      REQUIRE(trap.has_value());
      CHECK(trap->kind == kind);
      CHECK(trap->pc == raise.address_of_mark(0));
      CHECK(trap->fp == fp);
    }
  }
  // From host code, too.
  auto trap = call_with_trap_handling([] { raise_trap(TrapKind::HostTrap); });
  REQUIRE(trap.has_value());
  CHECK(trap->kind == TrapKind::HostTrap);
}

// Outer wasm code calls a host function that enters wasm again (which traps), then traps itself.
struct Nested {
  static inline const JitSnippet* divider = nullptr;
  static inline std::optional<TrapInfo> inner;
  static inline Activation* seen_inside = nullptr;
  static void host() {
    seen_inside = current_activation();
    inner = call_with_trap_handling([] { (void)divider->as<int(int, int)>()(1, 0); });
  }
};

TEST_CASE("nested activations: an inner trap unwinds only to the inner activation") {
  JitSnippet div([](x86::Assembler& a, JitSnippet&) {
    a.mov(x86::eax, x86::edi);
    a.cdq();
    a.idiv(x86::esi);
    a.ret();
  });
  // void outer(void (*host)()): push rbp; mov rbp, rsp; call rdi; ud2
  JitSnippet outer([](x86::Assembler& a, JitSnippet& s) {
    a.push(x86::rbp);
    a.mov(x86::rbp, x86::rsp);
    a.call(x86::rdi);
    s.mark(a);
    a.ud2();
  });
  Nested::divider = &div;
  Nested::inner.reset();
  auto trap = call_with_trap_handling([&] { outer.as<void(void (*)())>()(&Nested::host); });
  REQUIRE(Nested::inner.has_value());
  CHECK(Nested::inner->kind == TrapKind::IntegerDivideByZero);
  CHECK(Nested::seen_inside != nullptr);
  REQUIRE(trap.has_value());
  CHECK(trap->kind == TrapKind::Unreachable);
  CHECK(trap->pc == outer.address_of_mark(0));
  CHECK(current_activation() == nullptr);
}

TEST_CASE("traps on 4 threads at once each come back to their own thread") {
  JitSnippet div([](x86::Assembler& a, JitSnippet&) {
    a.mov(x86::eax, x86::edi);
    a.cdq();
    a.idiv(x86::esi);
    a.ret();
  });
  JitSnippet ud([](x86::Assembler& a, JitSnippet&) { a.ud2(); });
  JitSnippet load([](x86::Assembler& a, JitSnippet&) {
    a.mov(x86::eax, x86::dword_ptr(x86::rdi, x86::rsi));
    a.ret();
  });
  auto mem = LinearMemory::create(MemoryType{Limits{1, 1, true}});
  REQUIRE(mem.ok());
  uint8_t* base = (*mem)->base();
  constexpr int kThreads = 4, kIterations = 2000;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIterations; ++i) {
        const int which = (i + t) % 4;
        int out = 0;
        std::optional<TrapInfo> trap;
        TrapKind expected = TrapKind::Unreachable;
        switch (which) {
          case 0:
            trap = call_with_trap_handling([&] { out = div.as<int(int, int)>()(i, 0); });
            expected = TrapKind::IntegerDivideByZero;
            break;
          case 1:
            trap = call_with_trap_handling([&] { ud.as<void()>()(); });
            break;
          case 2:
            trap = call_with_trap_handling([&] { out = load.as<int(uint8_t*, uint64_t)>()(base, kPageSize + i); });
            expected = TrapKind::MemoryOutOfBounds;
            break;
          default:
            trap = call_with_trap_handling([&] { out = div.as<int(int, int)>()(i, 1); });
            if (trap || out != i) wrong.fetch_add(1);
            continue;
        }
        if (!trap || trap->kind != expected) wrong.fetch_add(1);
        if (current_activation() != nullptr) wrong.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(wrong.load() == 0);
}

TEST_CASE("native stack overflow in wasm code traps with StackExhausted (alternate stack)") {
  // void f(): L: push rbp; call L  -- recurses until the thread's stack guard page.
  JitSnippet recurse([](x86::Assembler& a, JitSnippet&) {
    Label l = a.newLabel();
    a.bind(l);
    a.push(x86::rbp);
    a.call(l);
    a.ret();
  });
  std::optional<TrapInfo> trap;
  std::thread t([&] { trap = call_with_trap_handling([&] { recurse.as<void()>()(); }); });
  t.join();
  REQUIRE(trap.has_value());
  CHECK(trap->kind == TrapKind::StackExhausted);
  CHECK(trap->pc >= recurse.begin());
  CHECK(trap->pc < recurse.begin() + recurse.size());
}

}  // namespace
}  // namespace tern
