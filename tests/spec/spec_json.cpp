#include "tests/spec/spec_json.h"

#include <fstream>
#include <utility>

namespace tern::spec {
namespace {

std::string string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

Command to_command(const nlohmann::json& j) {
  Command c;
  c.type_name = string_field(j, "type");
  c.type = command_type_from(c.type_name);
  if (auto it = j.find("line"); it != j.end() && it->is_number_unsigned()) c.line = it->get<uint32_t>();
  c.filename = string_field(j, "filename");
  c.module_type = string_field(j, "module_type");
  c.text = string_field(j, "text");
  c.name = string_field(j, "name");
  c.as = string_field(j, "as");
  c.raw = j;
  return c;
}

}  // namespace

CommandType command_type_from(std::string_view name) {
  if (name == "module") return CommandType::Module;
  if (name == "register") return CommandType::Register;
  if (name == "action") return CommandType::Action;
  // wast2json spells NaN results either as their own command types (older wabt) or as
  // assert_return with "nan:canonical" values; both are the same check.
  if (name.starts_with("assert_return")) return CommandType::AssertReturn;
  if (name == "assert_trap") return CommandType::AssertTrap;
  if (name == "assert_exhaustion") return CommandType::AssertExhaustion;
  if (name == "assert_malformed") return CommandType::AssertMalformed;
  if (name == "assert_invalid") return CommandType::AssertInvalid;
  if (name == "assert_unlinkable") return CommandType::AssertUnlinkable;
  if (name == "assert_uninstantiable") return CommandType::AssertUninstantiable;
  return CommandType::Unknown;
}

Result<SpecJson> SpecJson::load(const std::filesystem::path& json_path) {
  std::ifstream in(json_path, std::ios::binary);
  if (!in) return Error(ErrorKind::Io) << "cannot open " << json_path.string();

  // nlohmann reports parse errors by exception; keep them inside this function so the rest
  // of the runner deals in Result only.
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error(ErrorKind::Io) << json_path.string() << ": not valid JSON";
  auto commands = doc.find("commands");
  if (commands == doc.end() || !commands->is_array())
    return Error(ErrorKind::Io) << json_path.string() << ": no \"commands\" array";

  SpecJson spec;
  spec.module_dir_ = json_path.parent_path();
  spec.commands_.reserve(commands->size());
  for (const auto& j : *commands) {
    if (!j.is_object()) return Error(ErrorKind::Io) << json_path.string() << ": a command is not an object";
    spec.commands_.push_back(to_command(j));
  }
  return spec;
}

}  // namespace tern::spec
