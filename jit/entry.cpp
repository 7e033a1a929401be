// Generates the entry trampoline and the host call stub once per process (asmjit JitRuntime).
#include "jit/entry.h"

#include <asmjit/x86.h>

#include <cstdio>
#include <cstdlib>

#include "jit/trap.h"

namespace tern {
namespace {

namespace x86 = asmjit::x86;

asmjit::JitRuntime& runtime() {
  static asmjit::JitRuntime rt;
  return rt;
}

template <class Fn>
Fn generate(void (*emit)(x86::Assembler&)) {
  asmjit::CodeHolder code;
  code.init(runtime().environment());
  x86::Assembler a(&code);
  emit(a);
  Fn fn = nullptr;
  if (runtime().add(&fn, &code) != asmjit::kErrorOk) {
    std::fprintf(stderr, "tern: cannot generate entry glue\n");
    std::abort();
  }
  return fn;
}

void emit_entry(x86::Assembler& a) {
  // rdi = code, rsi = vmctx, rdx = area, ecx = area bytes (multiple of 16).
  // Wasm code treats every allocatable register as caller-saved (jit/vmctx.h, invariant 3),
  // so the area pointer and size live in this frame, not in rbx/r12/r13, across the call.
  a.push(x86::rbp);
  a.mov(x86::rbp, x86::rsp);
  a.push(x86::rsi);  // [rbp-8] = vmctx, as in every wasm frame (host stubs read it)
  a.push(x86::rbx);
  a.push(x86::r12);
  a.push(x86::r13);
  a.push(x86::r14);
  a.push(x86::r15);  // [rbp-48]; rsp is 16-aligned here
  a.push(x86::rdx);  // [rbp-56] = area
  a.push(x86::rcx);  // [rbp-64] = area bytes; still 16-aligned
  a.mov(x86::rbx, x86::rdi);
  a.mov(x86::r15, x86::rsi);
  a.mov(x86::ecx, x86::ecx);
  a.sub(x86::rsp, x86::rcx);
  a.mov(x86::rsi, x86::rdx);
  a.mov(x86::rdi, x86::rsp);
  a.rep().movsb();
  a.mov(x86::r14, x86::ptr(x86::r15, vmctx_offset::kMem0Base));
  a.call(x86::rbx);
  a.mov(x86::rsi, x86::rsp);
  a.mov(x86::rdi, x86::ptr(x86::rbp, -56));
  a.mov(x86::rcx, x86::ptr(x86::rbp, -64));
  a.rep().movsb();
  a.lea(x86::rsp, x86::ptr(x86::rbp, -48));
  a.pop(x86::r15);
  a.pop(x86::r14);
  a.pop(x86::r13);
  a.pop(x86::r12);
  a.pop(x86::rbx);
  a.mov(x86::rsp, x86::rbp);
  a.pop(x86::rbp);
  a.ret();
}

void emit_host_stub(x86::Assembler& a) {
  asmjit::Label fail = a.newLabel();
  a.push(x86::rbp);
  a.mov(x86::rbp, x86::rsp);
  a.mov(x86::rdi, x86::r15);                    // HostFunc*
  a.lea(x86::rsi, x86::ptr(x86::rbp, 16));      // argument/result area
  a.mov(x86::rdx, x86::ptr(x86::rbp));          // caller's rbp ...
  a.mov(x86::rdx, x86::ptr(x86::rdx, -8));      // ... and its VMContext
  a.call(x86::ptr(x86::rdi, offsetof(HostFuncHead, invoke)));
  a.test(x86::eax, x86::eax);
  a.jnz(fail);
  a.pop(x86::rbp);
  a.ret();
  a.bind(fail);
  a.lea(x86::edi, x86::ptr(x86::eax, -1));
  a.mov(x86::rax, reinterpret_cast<uint64_t>(&tern_raise_trap));
  a.call(x86::rax);
  a.ud2();
}

}  // namespace

EntryFn entry_trampoline() {
  static EntryFn fn = generate<EntryFn>(emit_entry);
  return fn;
}

const void* host_call_stub() {
  static const void* fn = generate<void*>(emit_host_stub);
  return fn;
}

}  // namespace tern
