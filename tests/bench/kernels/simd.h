/* 128-bit vector operations for the simd_* benchmark kernels.
 *
 * A simd_* kernel is written once against these helpers. The wasm build
 * (-msimd128) maps each helper to one wasm_simd128.h intrinsic, so the module
 * really uses v128 instructions. The native build maps them to clang's generic
 * vector types, which x86-64 clang -O2 lowers to SSE2 (pcmpeqb, pmovmskb,
 * mulps, ...). Both builds run the same algorithm with the same lane layout,
 * so the float results (and the checksums) are bit-identical, and the native
 * column is 128-bit SIMD code too.
 *
 * Each float helper does one IEEE operation: mul and add are separate calls so
 * that no compiler can contract them into a fused multiply-add. */
#ifndef TERN_BENCH_SIMD_H
#define TERN_BENCH_SIMD_H

#include "common.h"

#if defined(__wasm__)
#if !defined(__wasm_simd128__)
#error "simd_* kernels are built with -msimd128"
#endif
#include <wasm_simd128.h>

typedef v128_t vu8;  /* 16 x u8  */
typedef v128_t vu32; /* 4 x u32 */
typedef v128_t vf32; /* 4 x f32 */

static inline vu8 vu8_load(const u8 *p) { return wasm_v128_load(p); }
static inline vu8 vu8_splat(u8 x) { return wasm_u8x16_splat(x); }
static inline vu8 vu8_zero(void) { return wasm_i64x2_const(0, 0); }
/* 0xFF in each lane where a == b, 0 elsewhere. */
static inline vu8 vu8_eq(vu8 a, vu8 b) { return wasm_i8x16_eq(a, b); }
static inline vu8 vu8_sub(vu8 a, vu8 b) { return wasm_i8x16_sub(a, b); }
static inline vu8 vu8_or(vu8 a, vu8 b) { return wasm_v128_or(a, b); }
static inline int vu8_any(vu8 a) { return wasm_v128_any_true(a); }
/* Bit i set when lane i has its top bit set. */
static inline u32 vu8_bitmask(vu8 a) { return wasm_i8x16_bitmask(a); }
/* Sum of each group of four adjacent u8 lanes, as 4 x u32. */
static inline vu32 vu8_sum4(vu8 a) {
  return wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(a));
}
static inline vu32 vu32_zero(void) { return wasm_i64x2_const(0, 0); }
static inline vu32 vu32_add(vu32 a, vu32 b) { return wasm_i32x4_add(a, b); }
static inline u32 vu32_hsum(vu32 a) {
  return wasm_u32x4_extract_lane(a, 0) + wasm_u32x4_extract_lane(a, 1) +
         wasm_u32x4_extract_lane(a, 2) + wasm_u32x4_extract_lane(a, 3);
}

static inline vf32 vf32_load(const float *p) { return wasm_v128_load(p); }
static inline vf32 vf32_zero(void) { return wasm_f32x4_const(0, 0, 0, 0); }
static inline vf32 vf32_mul(vf32 a, vf32 b) { return wasm_f32x4_mul(a, b); }
static inline vf32 vf32_add(vf32 a, vf32 b) { return wasm_f32x4_add(a, b); }
#define vf32_lane(a, i) wasm_f32x4_extract_lane((a), (i))

#else /* native: clang generic vectors (SSE2 on x86-64) */

typedef u8 vu8 __attribute__((vector_size(16)));
typedef u32 vu32 __attribute__((vector_size(16)));
typedef float vf32 __attribute__((vector_size(16)));
typedef signed char vi8_ __attribute__((vector_size(16)));
typedef unsigned short vu16_ __attribute__((vector_size(16)));
typedef u64 vu64_ __attribute__((vector_size(16)));
typedef _Bool vb16_ __attribute__((ext_vector_type(16)));

static inline vu8 vu8_load(const u8 *p) {
  vu8 v;
  __builtin_memcpy(&v, p, 16);
  return v;
}
static inline vu8 vu8_splat(u8 x) { return (vu8){0} + x; }
static inline vu8 vu8_zero(void) { return (vu8){0}; }
static inline vu8 vu8_eq(vu8 a, vu8 b) { return (vu8)(a == b); }
static inline vu8 vu8_sub(vu8 a, vu8 b) { return a - b; }
static inline vu8 vu8_or(vu8 a, vu8 b) { return a | b; }
static inline int vu8_any(vu8 a) { return __builtin_reduce_or((vu64_)a) != 0; }
static inline u32 vu8_bitmask(vu8 a) {
  vb16_ m = __builtin_convertvector((vi8_)a < 0, vb16_);
  return __builtin_bit_cast(unsigned short, m);
}
static inline vu32 vu8_sum4(vu8 a) {
  vu16_ w = __builtin_convertvector(__builtin_shufflevector(a, a, 0, 2, 4, 6, 8, 10, 12, 14), vu16_) +
            __builtin_convertvector(__builtin_shufflevector(a, a, 1, 3, 5, 7, 9, 11, 13, 15), vu16_);
  return __builtin_convertvector(__builtin_shufflevector(w, w, 0, 2, 4, 6), vu32) +
         __builtin_convertvector(__builtin_shufflevector(w, w, 1, 3, 5, 7), vu32);
}
static inline vu32 vu32_zero(void) { return (vu32){0}; }
static inline vu32 vu32_add(vu32 a, vu32 b) { return a + b; }
static inline u32 vu32_hsum(vu32 a) { return a[0] + a[1] + a[2] + a[3]; }

static inline vf32 vf32_load(const float *p) {
  vf32 v;
  __builtin_memcpy(&v, p, 16);
  return v;
}
static inline vf32 vf32_zero(void) { return (vf32){0}; }
static inline vf32 vf32_mul(vf32 a, vf32 b) { return a * b; }
static inline vf32 vf32_add(vf32 a, vf32 b) { return a + b; }
#define vf32_lane(a, i) ((a)[(i)])

#endif

#endif
