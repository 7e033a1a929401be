// What `tern inspect` shows of a module, as aligned text or as JSON. Both renderings read the
// same ModuleInfo through the describe_* helpers, so they always agree.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "jit/module.h"

namespace tern::cli {

// "min 1 max 16 shared", "min 0".
std::string describe_limits(const Limits& limits);
// The type of an import or export: "(i32) -> (i64)", "funcref min 1", "min 1 max 2 shared",
// "mut i32".
std::string describe_extern(const ModuleInfo& m, ExternKind kind, uint32_t index);
// "i32.const 1024", "global.get 0", "ref.null funcref"; instructions joined by spaces.
std::string describe_const_expr(const ConstExpr& expr);
std::string_view describe_mode(SegmentMode mode);
// "function 3" or "function 3 \"name\"" (printable).
std::string describe_function(const ModuleInfo& m, uint32_t func);

void print_inspect_text(std::ostream& os, std::string_view file, const ModuleInfo& m);
nlohmann::ordered_json inspect_json(std::string_view file, const ModuleInfo& m);

}  // namespace tern::cli
