// Small helpers shared by the SIMD emitters (emit_simd*.cpp): lane geometry and splatted
// constant patterns for the constant pool.
#pragma once

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
