#include "tests/spec/values.h"

#include <bit>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace tern::spec {
namespace {

std::optional<ValType> type_named(const std::string& s) {
  if (s == "i32") return ValType::I32;
  if (s == "i64") return ValType::I64;
  if (s == "f32") return ValType::F32;
  if (s == "f64") return ValType::F64;
  if (s == "v128") return ValType::V128;
  if (s == "funcref") return ValType::FuncRef;
  if (s == "externref") return ValType::ExternRef;
  return std::nullopt;
}

uint64_t parse_u64(const std::string& s) { return std::strtoull(s.c_str(), nullptr, 10); }

bool is_canonical_nan32(uint32_t b) { return (b & 0x7fffffff) == 0x7fc00000; }
bool is_arithmetic_nan32(uint32_t b) { return (b & 0x7fc00000) == 0x7fc00000; }
bool is_canonical_nan64(uint64_t b) { return (b & 0x7fffffffffffffffull) == 0x7ff8000000000000ull; }
bool is_arithmetic_nan64(uint64_t b) { return (b & 0x7ff8000000000000ull) == 0x7ff8000000000000ull; }

// Lane `i` of a v128 as `bits`-wide unsigned.
uint64_t lane(const Value& v, int bits, int i) {
  uint8_t bytes[16];
  std::memcpy(bytes, &v.lo, 8);
  std::memcpy(bytes + 8, &v.hi, 8);
  uint64_t out = 0;
  std::memcpy(&out, bytes + i * bits / 8, bits / 8);
  return out;
}

}  // namespace

Result<Value> parse_value(const nlohmann::json& v) {
  auto t = type_named(v.value("type", ""));
  if (!t) return Error(ErrorKind::Usage, "unknown value type in " + v.dump());
  Value out;
  out.type = *t;
  if (*t == ValType::V128) {
    std::string lt = v.value("lane_type", "");
    int bits = lt == "i8" ? 8 : lt == "i16" ? 16 : (lt == "i32" || lt == "f32") ? 32 : 64;
    uint8_t bytes[16] = {};
    const auto& lanes = v["value"];
    for (size_t i = 0; i < lanes.size(); ++i) {
      uint64_t x = parse_u64(lanes[i].get<std::string>());
      std::memcpy(bytes + i * bits / 8, &x, bits / 8);
    }
    std::memcpy(&out.lo, bytes, 8);
    std::memcpy(&out.hi, bytes + 8, 8);
    return out;
  }
  std::string s = v.value("value", "null");
  if (is_ref(*t)) {
    out.lo = s == "null" ? 0 : parse_u64(s) + 1;
    return out;
  }
  out.lo = parse_u64(s);
  return out;
}

std::string describe(const Value& v) {
  char buf[96];
  if (v.type == ValType::V128) std::snprintf(buf, sizeof buf, "v128:0x%016" PRIx64 "%016" PRIx64, v.hi, v.lo);
  else std::snprintf(buf, sizeof buf, "%s:0x%" PRIx64, std::string(to_string(v.type)).c_str(), v.lo);
  return buf;
}

std::optional<std::string> mismatch(const nlohmann::json& expected, const Value& got) {
  auto t = type_named(expected.value("type", ""));
  if (!t || *t != got.type) return "expected type " + expected.value("type", "?") + ", got " + describe(got);
  auto fail = [&] { return std::optional<std::string>("expected " + expected.dump() + ", got " + describe(got)); };
  if (*t == ValType::V128) {
    std::string lt = expected.value("lane_type", "");
    int bits = lt == "i8" ? 8 : lt == "i16" ? 16 : (lt == "i32" || lt == "f32") ? 32 : 64;
    const auto& lanes = expected["value"];
    for (size_t i = 0; i < lanes.size(); ++i) {
      std::string s = lanes[i].get<std::string>();
      uint64_t g = lane(got, bits, static_cast<int>(i));
      if (s == "nan:canonical") {
        if (!(bits == 32 ? is_canonical_nan32(static_cast<uint32_t>(g)) : is_canonical_nan64(g))) return fail();
      } else if (s == "nan:arithmetic") {
        if (!(bits == 32 ? is_arithmetic_nan32(static_cast<uint32_t>(g)) : is_arithmetic_nan64(g))) return fail();
      } else if (g != parse_u64(s)) {
        return fail();
      }
    }
    return std::nullopt;
  }
  if (!expected.contains("value")) return std::nullopt;  // any value of the type
  std::string s = expected["value"].get<std::string>();
  if (is_ref(*t)) {
    if (s == "null") return got.lo == 0 ? std::nullopt : fail();
    if (*t == ValType::FuncRef) return got.lo != 0 ? std::nullopt : fail();
    return got.lo == parse_u64(s) + 1 ? std::nullopt : fail();
  }
  if (s == "nan:canonical")
    return (*t == ValType::F32 ? is_canonical_nan32(static_cast<uint32_t>(got.lo)) : is_canonical_nan64(got.lo)) ? std::nullopt : fail();
  if (s == "nan:arithmetic")
    return (*t == ValType::F32 ? is_arithmetic_nan32(static_cast<uint32_t>(got.lo)) : is_arithmetic_nan64(got.lo)) ? std::nullopt : fail();
  return got.lo == parse_u64(s) ? std::nullopt : fail();
}

SpectestModule::SpectestModule() {
  auto func = [&](const std::string& name, std::vector<ValType> params) {
    auto f = HostFunc::make(FuncType{std::move(params), {}},
                            [](Caller&, std::span<const Value>, std::span<Value>) -> Status { return {}; });
    Extern e;
    e.kind = ExternKind::Func;
    e.func = &f->ref;
    e.func_type = &f->type;
    e.owner = f;
    exports_[name] = e;
  };
  func("print", {});
  func("print_i32", {ValType::I32});
  func("print_i64", {ValType::I64});
  func("print_f32", {ValType::F32});
  func("print_f64", {ValType::F64});
  func("print_i32_f32", {ValType::I32, ValType::F32});
  func("print_f64_f64", {ValType::F64, ValType::F64});
  auto global = [&](const std::string& name, ValType t, uint64_t bits) {
    auto g = std::make_shared<GlobalInstance>();
    g->type = GlobalType{t, false};
    g->cell.lo = bits;
    Extern e;
    e.kind = ExternKind::Global;
    e.global = g.get();
    e.owner = g;
    exports_[name] = e;
  };
  global("global_i32", ValType::I32, 666);
  global("global_i64", ValType::I64, 666);
  global("global_f32", ValType::F32, std::bit_cast<uint32_t>(666.6f));
  global("global_f64", ValType::F64, std::bit_cast<uint64_t>(666.6));
  auto table = Table::make(TableType{ValType::FuncRef, Limits{10, 20, false}}).value();
  Extern te;
  te.kind = ExternKind::Table;
  te.table = table.get();
  te.owner = table;
  exports_["table"] = te;
  auto memory = [&](const std::string& name, bool shared) {
    auto mem = LinearMemory::create(MemoryType{Limits{1, 2, shared}});
    if (!mem.ok()) return;
    std::shared_ptr<LinearMemory> m(std::move(*mem));
    Extern me;
    me.kind = ExternKind::Memory;
    me.memory = m.get();
    me.owner = m;
    exports_[name] = me;
  };
  memory("memory", false);
  memory("shared_memory", true);  // the threads proposal's spectest addition
}

std::optional<Extern> SpectestModule::get(const std::string& field) const {
  auto it = exports_.find(field);
  if (it == exports_.end()) return std::nullopt;
  return it->second;
}

}  // namespace tern::spec
