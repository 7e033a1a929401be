// Values crossing the API: tern::Val (a wasm value), the C++ types that map to wasm types, and
// tern::Trap (what a trapping call failed with).
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>

#include "host/runtime/runtime.h"
#include "tern/result.h"

namespace tern {

// A wasm value: its type and its bits (host/runtime/runtime.h).
using Val = Value;

// The C++ types a typed call or a host function may use, and their wasm types:
// int32_t/uint32_t -> i32, int64_t/uint64_t -> i64, float -> f32, double -> f64.
template <class T>
struct ValTraits;

template <>
struct ValTraits<int32_t> {
  static constexpr ValType type = ValType::I32;
  static Val to_val(int32_t v) { return Val::i32(static_cast<uint32_t>(v)); }
  static int32_t from_val(const Val& v) { return static_cast<int32_t>(static_cast<uint32_t>(v.lo)); }
};
template <>
struct ValTraits<uint32_t> {
  static constexpr ValType type = ValType::I32;
  static Val to_val(uint32_t v) { return Val::i32(v); }
  static uint32_t from_val(const Val& v) { return static_cast<uint32_t>(v.lo); }
};
template <>
struct ValTraits<int64_t> {
  static constexpr ValType type = ValType::I64;
  static Val to_val(int64_t v) { return Val::i64(static_cast<uint64_t>(v)); }
  static int64_t from_val(const Val& v) { return static_cast<int64_t>(v.lo); }
};
template <>
struct ValTraits<uint64_t> {
  static constexpr ValType type = ValType::I64;
  static Val to_val(uint64_t v) { return Val::i64(v); }
  static uint64_t from_val(const Val& v) { return v.lo; }
};
template <>
struct ValTraits<float> {
  static constexpr ValType type = ValType::F32;
  static Val to_val(float v) { return Val::f32_bits(std::bit_cast<uint32_t>(v)); }
  static float from_val(const Val& v) { return std::bit_cast<float>(static_cast<uint32_t>(v.lo)); }
};
template <>
struct ValTraits<double> {
  static constexpr ValType type = ValType::F64;
  static Val to_val(double v) { return Val::f64_bits(std::bit_cast<uint64_t>(v)); }
  static double from_val(const Val& v) { return std::bit_cast<double>(v.lo); }
};

template <class T>
concept WasmValue = requires { ValTraits<std::remove_cvref_t<T>>::type; };

// val(3), val(2.5f): a Val from a C++ value; val_as<float>(v): its C++ value (the type is the
// caller's to know, e.g. from the function's type).
template <WasmValue T>
Val val(T v) {
  return ValTraits<T>::to_val(v);
}
template <WasmValue T>
T val_as(const Val& v) {
  return ValTraits<T>::from_val(v);
}

// What a call that trapped failed with: an Error of kind Trap. `message` is the spec's trap
// message ("integer divide by zero"), `backtrace` the wasm frames, innermost first.
struct Trap {
  std::string message;
  std::string backtrace;
};

inline std::optional<Trap> as_trap(const Error& e) {
  if (e.kind() != ErrorKind::Trap) return std::nullopt;
  return Trap{e.message(), e.details()};
}

}  // namespace tern
