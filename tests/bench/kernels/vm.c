/* interpreter: a switch-dispatched stack VM running a small bytecode program
 * (prime counting by trial division, plus a running hash). */
#include "common.h"

#define LIMIT 450000

enum {
  OP_HALT, OP_PUSH, OP_LD, OP_ST, OP_ADD, OP_SUB, OP_MUL, OP_MOD,
  OP_LT, OP_LE, OP_EQ, OP_XOR, OP_SHL, OP_JMP, OP_JZ, OP_JNZ, OP_DUP, OP_POP
};

static i32 code[256];
static u32 ncode;

static void emit(i32 op) { code[ncode++] = op; }
static void emit2(i32 op, i32 arg) { emit(op); emit(arg); }
/* Emit a jump with a placeholder target; return the slot to patch. */
static u32 emit_jump(i32 op) { emit2(op, -1); return ncode - 1; }
static void patch(u32 slot, u32 target) { code[slot] = (i32)target; }

static NOINLINE u64 interpret(const i32 *pc0, i64 *regs) {
  i64 stack[64];
  i64 *sp = stack;
  const i32 *pc = pc0;
  for (;;) {
    switch (*pc++) {
      case OP_HALT: return (u64)(sp - stack);
      case OP_PUSH: *sp++ = *pc++; break;
      case OP_LD: *sp++ = regs[*pc++]; break;
      case OP_ST: regs[*pc++] = *--sp; break;
      case OP_ADD: sp--; sp[-1] += sp[0]; break;
      case OP_SUB: sp--; sp[-1] -= sp[0]; break;
      case OP_MUL: sp--; sp[-1] *= sp[0]; break;
      case OP_MOD: sp--; sp[-1] %= sp[0]; break;
      case OP_LT: sp--; sp[-1] = sp[-1] < sp[0]; break;
      case OP_LE: sp--; sp[-1] = sp[-1] <= sp[0]; break;
      case OP_EQ: sp--; sp[-1] = sp[-1] == sp[0]; break;
      case OP_XOR: sp--; sp[-1] ^= sp[0]; break;
      case OP_SHL: sp--; sp[-1] = (i64)((u64)sp[-1] << (sp[0] & 63)); break;
      case OP_JMP: pc = pc0 + *pc; break;
      case OP_JZ: { i32 t = *pc++; if (*--sp == 0) pc = pc0 + t; break; }
      case OP_JNZ: { i32 t = *pc++; if (*--sp != 0) pc = pc0 + t; break; }
      case OP_DUP: sp[0] = sp[-1]; sp++; break;
      case OP_POP: sp--; break;
      default: return ~0ULL;
    }
  }
}

/* registers: 0 n, 1 count, 2 d, 3 isprime, 4 hash, 5 limit */
static void assemble(void) {
  ncode = 0;
  emit2(OP_PUSH, 2); emit2(OP_ST, 0);
  u32 outer = ncode;
  emit2(OP_LD, 0); emit2(OP_LD, 5); emit(OP_LT);
  u32 to_end = emit_jump(OP_JZ);
  emit2(OP_PUSH, 2); emit2(OP_ST, 2);
  emit2(OP_PUSH, 1); emit2(OP_ST, 3);
  u32 inner = ncode;
  emit2(OP_LD, 2); emit(OP_DUP); emit(OP_MUL); emit2(OP_LD, 0); emit(OP_LE);
  u32 to_done1 = emit_jump(OP_JZ);
  emit2(OP_LD, 0); emit2(OP_LD, 2); emit(OP_MOD);
  u32 to_next = emit_jump(OP_JNZ);
  emit2(OP_PUSH, 0); emit2(OP_ST, 3);
  u32 to_done2 = emit_jump(OP_JMP);
  patch(to_next, ncode);
  emit2(OP_LD, 2); emit2(OP_PUSH, 1); emit(OP_ADD); emit2(OP_ST, 2);
  emit2(OP_JMP, (i32)inner);
  patch(to_done1, ncode);
  patch(to_done2, ncode);
  /* count += isprime; hash = (hash << 1) ^ (n * isprime) ^ d */
  emit2(OP_LD, 1); emit2(OP_LD, 3); emit(OP_ADD); emit2(OP_ST, 1);
  emit2(OP_LD, 4); emit2(OP_PUSH, 1); emit(OP_SHL);
  emit2(OP_LD, 0); emit2(OP_LD, 3); emit(OP_MUL); emit(OP_XOR);
  emit2(OP_LD, 2); emit(OP_XOR); emit2(OP_ST, 4);
  emit2(OP_LD, 0); emit2(OP_PUSH, 1); emit(OP_ADD); emit2(OP_ST, 0);
  emit2(OP_JMP, (i32)outer);
  patch(to_end, ncode);
  emit(OP_HALT);
}

u64 run(void) {
  assemble();
  i64 regs[8] = {0, 0, 0, 0, 0, LIMIT, 0, 0};
  u64 depth = interpret(code, regs);
  u64 h = mix(0, depth);
  h = mix(h, (u64)regs[1]);
  return mix(h, (u64)regs[4]);
}
