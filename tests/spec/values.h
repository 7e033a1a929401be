// Values in wast2json's JSON and the `spectest` host module.
//
// DESIGN
// 1. wast2json writes numbers as their unsigned bit patterns in decimal strings, floats too,
//    so parsing never rounds; NaN expectations are "nan:canonical" / "nan:arithmetic".
// 2. An externref `N` from the script becomes the host pointer value N + 1 (0 stays null), so
//    every script reference is distinct from null and round-trips through wasm unchanged.
// 3. The spectest module is made once per file, as the reference interpreter does.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "host/runtime/runtime.h"

namespace tern::spec {

Result<Value> parse_value(const nlohmann::json& v);

// Checks `got` against one entry of "expected"; on mismatch returns a description.
std::optional<std::string> mismatch(const nlohmann::json& expected, const Value& got);
std::string describe(const Value& v);

// The spectest module: print functions, globals, a table and a memory.
class SpectestModule {
 public:
  SpectestModule();
  std::optional<Extern> get(const std::string& field) const;

 private:
  std::map<std::string, Extern> exports_;
  std::vector<std::shared_ptr<void>> owned_;
};

}  // namespace tern::spec
