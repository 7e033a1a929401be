#include "tests/spec/command_runner.h"

#include <fstream>
#include <iterator>
#include <span>
#include <utility>
#include <vector>

namespace tern::spec {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

CommandRunner::CommandRunner(std::filesystem::path module_dir, Features features)
    : module_dir_(std::move(module_dir)) {
  options_.features = features;
}

Outcome CommandRunner::run(const Command& c) {
  switch (c.type) {
    case CommandType::Module: return on_module(c);
    case CommandType::Register: return on_register(c);
    case CommandType::AssertMalformed: return on_assert_malformed(c);
    case CommandType::AssertInvalid: return on_assert_invalid(c);
    case CommandType::AssertUnlinkable: return on_assert_unlinkable(c);
    case CommandType::AssertUninstantiable: return on_assert_uninstantiable(c);
    case CommandType::Action:
    case CommandType::AssertReturn:
    case CommandType::AssertTrap:
    case CommandType::AssertExhaustion: return on_action(c);
    case CommandType::Unknown: break;
  }
  // A command type this runner does not know means the suite or wast2json changed: fail
  // loudly rather than skip silently.
  return Outcome::fail("unknown command type " + quoted(c.type_name));
}

Result<CommandRunner::ModulePtr> CommandRunner::decode_file(const std::string& filename) const {
  if (filename.empty()) return Error(ErrorKind::Io, "command names no module file");
  const auto path = module_dir_ / filename;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorKind::Io) << "cannot open " << path.string();
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return decode_module(std::span<const uint8_t>(bytes), options_);
}

Outcome CommandRunner::on_module(const Command& c) {
  current_.reset();
  if (c.is_text_module()) return Outcome::skip(SkipReason::Text);
  auto module = decode_file(c.filename);
  if (!module) {
    const auto& e = module.error();
    return Outcome::fail("module rejected: " + std::string(to_string(e.kind())) + ": " + e.message());
  }
  current_ = std::move(*module);
  if (!c.name.empty()) named_[c.name] = current_;
  return Outcome::pass();
}

Outcome CommandRunner::on_register(const Command& c) {
  ModulePtr m = current_;
  if (!c.name.empty()) {
    auto it = named_.find(c.name);
    m = it == named_.end() ? nullptr : it->second;
  }
  if (!m) return Outcome::skip(SkipReason::NoModule, "no module to register as " + quoted(c.as));
  registered_[c.as] = std::move(m);
  return Outcome::pass();
}

Outcome CommandRunner::on_assert_malformed(const Command& c) { return expect_rejected(c, ErrorKind::Malformed); }

Outcome CommandRunner::on_assert_invalid(const Command& c) { return expect_rejected(c, ErrorKind::Invalid); }

Outcome CommandRunner::expect_rejected(const Command& c, ErrorKind expected) {
  if (c.is_text_module()) return Outcome::skip(SkipReason::Text);
  auto module = decode_file(c.filename);
  if (module) return Outcome::fail("module validated but expected " + quoted(c.text));
  const auto& e = module.error();
  // Internal and Io mean the decoder or the runner broke, not that the module was judged.
  if (e.kind() == ErrorKind::Internal || e.kind() == ErrorKind::Io)
    return Outcome::fail(std::string(to_string(e.kind())) + " error instead of " + quoted(c.text) + ": " +
                         e.message());
  // The spec's line between malformed and invalid is not always where a one-pass decoder
  // draws it (and limits may fire first); any rejection passes, a differing kind is counted.
  Outcome o = Outcome::pass(std::string(to_string(e.kind())) + ": " + e.message() + " (expected " +
                            quoted(c.text) + ")");
  o.kind_mismatch = e.kind() != expected;
  return o;
}

Outcome CommandRunner::on_assert_unlinkable(const Command& c) { return expect_valid_then_skip(c); }

Outcome CommandRunner::on_assert_uninstantiable(const Command& c) { return expect_valid_then_skip(c); }

Outcome CommandRunner::expect_valid_then_skip(const Command& c) {
  if (c.is_text_module()) return Outcome::skip(SkipReason::Text);
  auto module = decode_file(c.filename);
  if (!module) {
    const auto& e = module.error();
    return Outcome::fail("module must validate before " + quoted(c.text) + " can be checked, but: " +
                         std::string(to_string(e.kind())) + ": " + e.message());
  }
  return Outcome::skip(SkipReason::Exec, "validated; " + c.type_name + " needs instantiation");
}

CommandRunner::ModulePtr CommandRunner::module_for_action(const Command& c) const {
  auto action = c.raw.find("action");
  if (action == c.raw.end() || !action->is_object()) return current_;
  auto name = action->find("module");
  if (name == action->end() || !name->is_string()) return current_;
  auto it = named_.find(name->get<std::string>());
  return it == named_.end() ? nullptr : it->second;
}

Outcome CommandRunner::on_action(const Command& c) {
  if (!module_for_action(c)) return Outcome::skip(SkipReason::NoModule);
  return Outcome::skip(SkipReason::Exec);
}

}  // namespace tern::spec
