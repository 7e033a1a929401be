// SpecJson: the command list wast2json writes for one .wast file.
//
// DESIGN
// 1. Loading parses the whole file up front, so a broken JSON file is one error for the file
//    and never a half-run script.
// 2. Every command keeps its raw JSON object: execution (issue 4) reads `action` and
//    `expected` from it without this loader having to model values today.
// 3. Unknown command types load as CommandType::Unknown; the runner decides what they mean.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tern/result.h"

namespace tern::spec {

enum class CommandType : uint8_t {
  Module,
  Register,
  Action,
  AssertReturn,  // also assert_return_canonical_nan / assert_return_arithmetic_nan
  AssertTrap,
  AssertExhaustion,
  AssertMalformed,
  AssertInvalid,
  AssertUnlinkable,
  AssertUninstantiable,
  Unknown,
};

CommandType command_type_from(std::string_view name);

struct Command {
  CommandType type = CommandType::Unknown;
  std::string type_name;    // as written in the JSON, for messages
  uint32_t line = 0;        // line of the command in the .wast file
  std::string filename;     // module file next to the JSON (module and assert_* on modules)
  std::string module_type;  // "binary" or "text" for assert_* on modules; empty otherwise
  std::string text;         // expected error text of assert_* commands
  std::string name;         // `module`: its $name; `register`: the module registered, if named
  std::string as;           // `register`: the import name it is registered as
  nlohmann::json raw;       // the whole command, for what is not modelled above

  bool is_text_module() const { return module_type == "text"; }
};

class SpecJson {
 public:
  // Reads and parses `json_path`; module files are looked up next to it.
  static Result<SpecJson> load(const std::filesystem::path& json_path);

  const std::vector<Command>& commands() const { return commands_; }
  const std::filesystem::path& module_dir() const { return module_dir_; }

 private:
  std::filesystem::path module_dir_;
  std::vector<Command> commands_;
};

}  // namespace tern::spec
