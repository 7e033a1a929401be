// Small helpers shared by the SIMD emitters (emit_simd*.cpp): lane geometry and splatted
// constant patterns for the constant pool.
#pragma once

#include <asmjit/core.h>

#include <cstdint>
#include <string_view>

#include "jit/opcodes.h"

namespace tern::jit::simd {

// Bytes per lane, from the operator's shape prefix ("i8x16." ... "f64x2.").
inline uint32_t lane_bytes(Op op) {
  std::string_view t = info(op).text;
  if (t.starts_with("i8x16")) return 1;
  if (t.starts_with("i16x8")) return 2;
  if (t.starts_with("i32x4") || t.starts_with("f32x4")) return 4;
  return 8;
}

// The SIMD baseline: SSE4.1 and SSSE3 (every x86-64 CPU since about 2008). Code for a module
// with SIMD is refused on older CPUs rather than dying there on an illegal instruction.
inline bool has_simd_baseline() {
  static const bool has = asmjit::CpuInfo::host().features().x86().hasSSE4_1() &&
                          asmjit::CpuInfo::host().features().x86().hasSSSE3();
  return has;
}

// pcmpgtq is SSE4.2, one step beyond the baseline: used only where the CPU has it. This makes
// the code depend on the CPU, which is why the code cache (DESIGN.md, jit/) must key compiled
// code by the CPU features.
inline bool has_sse42() {
  static const bool has = asmjit::CpuInfo::host().features().x86().hasSSE4_2();
  return has;
}

// A lane value repeated over 64 bits; a 128-bit splat is the same qword twice.
constexpr uint64_t rep8(uint64_t b) { return (b & 0xff) * 0x0101010101010101ull; }
constexpr uint64_t rep16(uint64_t h) { return (h & 0xffff) * 0x0001000100010001ull; }
constexpr uint64_t rep32(uint64_t w) { return (w & 0xffffffff) * 0x0000000100000001ull; }
constexpr uint64_t rep(uint32_t lane_bytes, uint64_t v) {
  return lane_bytes == 1 ? rep8(v) : lane_bytes == 2 ? rep16(v) : lane_bytes == 4 ? rep32(v) : v;
}

// cmpps/cmppd predicates.
constexpr uint8_t kCmpEq = 0, kCmpLt = 1, kCmpLe = 2, kCmpUnord = 3, kCmpNeqUnord = 4;

// roundps/roundpd modes, with bit 3 set: do not raise the precision exception.
constexpr uint8_t kRoundNearest = 0x08, kRoundFloor = 0x09, kRoundCeil = 0x0a, kRoundTrunc = 0x0b;

}  // namespace tern::jit::simd
