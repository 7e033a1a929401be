// Value types, function types, limits and the other small types of a module.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

// Encodings are the binary format's type bytes, so a decoded byte is its own ValType.
enum class ValType : uint8_t {
  Unknown = 0x00,  // validator only: the polymorphic operand of unreachable code
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f,
};

std::string_view to_string(ValType t);
inline std::ostream& operator<<(std::ostream& os, ValType t) { return os << to_string(t); }
inline bool is_ref(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
inline bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}

// Proposals an operator or construct belongs to; Engine/Features switch them on.
enum class Feature : uint8_t {
  Mvp, SignExt, SatConv, MultiValue, BulkMemory, RefTypes, Simd, Threads,
  TailCall, ExtendedConst, MultiMemory,
};

struct Features {
  // WebAssembly 2.0 plus threads are on by default; later proposals are switched on per use.
  bool simd = true;
  bool threads = true;
  // Off only to check modules against MVP-era proposals (the threads proposal's tests
  // predate reference types, so they expect "multiple tables" to be invalid).
  bool reference_types = true;
  bool tail_call = false;
  bool extended_const = false;
  bool multi_memory = false;

  bool has(Feature f) const {
    switch (f) {
      case Feature::Simd: return simd;
      case Feature::Threads: return threads;
      case Feature::RefTypes: return reference_types;
      case Feature::TailCall: return tail_call;
      case Feature::ExtendedConst: return extended_const;
      case Feature::MultiMemory: return multi_memory;
      default: return true;
    }
  }
};

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};
std::string to_string(const FuncType& t);  // "(i32, i64) -> (f32)"

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool shared = false;
};

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
std::string_view to_string(ExternKind k);

constexpr uint32_t kPageSize = 65536;
constexpr uint32_t kMaxPages32 = 65536;  // 4 GiB

}  // namespace tern
