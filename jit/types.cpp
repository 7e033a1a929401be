#include "jit/types.h"

#include "jit/module.h"

namespace tern {

std::string_view to_string(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
    case ValType::Unknown: return "any";
  }
  return "?";
}

std::string to_string(const FuncType& t) {
  std::string s = "(";
  for (size_t i = 0; i < t.params.size(); ++i) s += (i ? ", " : "") + std::string(to_string(t.params[i]));
  s += ") -> (";
  for (size_t i = 0; i < t.results.size(); ++i) s += (i ? ", " : "") + std::string(to_string(t.results[i]));
  return s + ")";
}

std::string_view to_string(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "?";
}

std::string_view section_name(uint8_t id) {
  static constexpr std::string_view kNames[] = {"custom", "type", "import", "function", "table", "memory",
                                                "global", "export", "start", "element", "code", "data",
                                                "data count"};
  return id < std::size(kNames) ? kNames[id] : "unknown";
}

std::string_view ModuleInfo::function_name(uint32_t func) const {
  auto it = names.functions.find(func);
  return it == names.functions.end() ? std::string_view() : std::string_view(it->second);
}

std::string ModuleInfo::describe_function(uint32_t func) const {
  std::string s = "function " + std::to_string(func);
  if (auto n = function_name(func); !n.empty()) s += " \"" + std::string(n) + "\"";
  return s;
}

}  // namespace tern
