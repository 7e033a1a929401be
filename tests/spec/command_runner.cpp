#include "tests/spec/command_runner.h"

#include <fstream>
#include <iterator>
#include <span>
#include <utility>
#include <vector>

namespace tern::spec {
namespace {

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

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
  return Outcome::fail("unknown command type " + in_quotes(c.type_name));
}

Result<std::shared_ptr<const ModuleInfo>> CommandRunner::decode_file(const std::string& filename) const {
  if (filename.empty()) return Error(ErrorKind::Io, "command names no module file");
  const auto path = module_dir_ / filename;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorKind::Io) << "cannot open " << path.string();
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return decode_module(std::span<const uint8_t>(bytes), options_);
}

Result<std::shared_ptr<Module>> CommandRunner::compile_file(const std::string& filename) const {
  const auto path = module_dir_ / filename;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorKind::Io) << "cannot open " << path.string();
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return Module::compile(std::span<const uint8_t>(bytes), options_);
}

namespace {
bool is_unsupported(const Error& e) { return e.message().find("not supported by the compiler yet") != std::string::npos; }
}  // namespace

Result<CommandRunner::ModulePtr> CommandRunner::instantiate(const std::shared_ptr<Module>& m) {
  std::vector<Extern> imports;
  const ModuleInfo& info = m->info();
  for (size_t i = 0; i < info.imports.size(); ++i) {
    const Import& imp = info.imports[i];
    std::optional<Extern> e;
    if (auto it = registered_.find(imp.module); it != registered_.end()) e = it->second->get_export(imp.field);
    else if (imp.module == "spectest") e = spectest_.get(imp.field);
    if (!e) return Error(ErrorKind::Link, "import #" + std::to_string(i) + " " + imp.module + "." + imp.field + ": unknown import");
    imports.push_back(*e);
  }
  return Instance::instantiate(m, imports);
}

Outcome CommandRunner::on_module(const Command& c) {
  current_.reset();
  unsupported_ = false;
  if (c.is_text_module()) return Outcome::skip(SkipReason::Text);
  auto module = compile_file(c.filename);
  if (!module) {
    const auto& e = module.error();
    if (is_unsupported(e)) {
      unsupported_ = true;
      return Outcome::skip(SkipReason::Unsupported, e.message());
    }
    return Outcome::fail("module rejected: " + std::string(to_string(e.kind())) + ": " + e.message());
  }
  auto inst = instantiate(*module);
  if (!inst) return Outcome::fail("instantiation failed: " + inst.error().message());
  current_ = std::move(*inst);
  if (!c.name.empty()) named_[c.name] = current_;
  return Outcome::pass();
}

Outcome CommandRunner::on_register(const Command& c) {
  ModulePtr m = current_;
  if (!c.name.empty()) {
    auto it = named_.find(c.name);
    m = it == named_.end() ? nullptr : it->second;
  }
  if (!m) return Outcome::skip(SkipReason::NoModule, "no module to register as " + in_quotes(c.as));
  registered_[c.as] = std::move(m);
  return Outcome::pass();
}

Outcome CommandRunner::on_assert_malformed(const Command& c) { return expect_rejected(c, ErrorKind::Malformed); }

Outcome CommandRunner::on_assert_invalid(const Command& c) { return expect_rejected(c, ErrorKind::Invalid); }

Outcome CommandRunner::expect_rejected(const Command& c, ErrorKind expected) {
  if (c.is_text_module()) return Outcome::skip(SkipReason::Text);
  auto module = decode_file(c.filename);
  if (module) return Outcome::fail("module validated but expected " + in_quotes(c.text));
  const auto& e = module.error();
  // Internal and Io mean the decoder or the runner broke, not that the module was judged.
  if (e.kind() == ErrorKind::Internal || e.kind() == ErrorKind::Io)
    return Outcome::fail(std::string(to_string(e.kind())) + " error instead of " + in_quotes(c.text) + ": " +
                         e.message());
  // The spec's line between malformed and invalid is not always where a one-pass decoder
  // draws it (and limits may fire first); any rejection passes, a differing kind is counted.
  Outcome o = Outcome::pass(std::string(to_string(e.kind())) + ": " + e.message() + " (expected " +
                            in_quotes(c.text) + ")");
  o.kind_mismatch = e.kind() != expected;
  return o;
}

Outcome CommandRunner::on_assert_unlinkable(const Command& c) {
  if (c.is_text_module()) return Outcome::skip(SkipReason::Text);
  auto module = compile_file(c.filename);
  if (!module) {
    if (is_unsupported(module.error())) return Outcome::skip(SkipReason::Unsupported);
    return Outcome::fail("module must compile before linking: " + module.error().message());
  }
  auto inst = instantiate(*module);
  if (inst) return Outcome::fail("module linked but expected " + in_quotes(c.text));
  if (inst.error().kind() != ErrorKind::Link) return Outcome::fail("expected a link error, got: " + inst.error().message());
  return Outcome::pass(inst.error().message());
}

Outcome CommandRunner::on_assert_uninstantiable(const Command& c) {
  if (c.is_text_module()) return Outcome::skip(SkipReason::Text);
  auto module = compile_file(c.filename);
  if (!module) {
    if (is_unsupported(module.error())) return Outcome::skip(SkipReason::Unsupported);
    return Outcome::fail("module must compile before instantiation: " + module.error().message());
  }
  auto inst = instantiate(*module);
  if (inst) return Outcome::fail("module instantiated but expected " + in_quotes(c.text));
  ErrorKind k = inst.error().kind();
  if (k != ErrorKind::Instantiate && k != ErrorKind::Trap)
    return Outcome::fail("expected an instantiation failure, got: " + inst.error().message());
  return Outcome::pass(inst.error().message());
}

CommandRunner::ModulePtr CommandRunner::module_for_action(const Command& c) const {
  auto action = c.raw.find("action");
  if (action == c.raw.end() || !action->is_object()) return current_;
  auto name = action->find("module");
  if (name == action->end() || !name->is_string()) return current_;
  auto it = named_.find(name->get<std::string>());
  return it == named_.end() ? nullptr : it->second;
}

Result<std::vector<Value>> CommandRunner::perform(const nlohmann::json& action) {
  ModulePtr inst = current_;
  if (action.contains("module")) {
    auto it = named_.find(action["module"].get<std::string>());
    inst = it == named_.end() ? nullptr : it->second;
  }
  if (!inst) return Error(ErrorKind::Usage, "no module for action");
  std::string field = action.value("field", "");
  std::string type = action.value("type", "");
  if (type == "get") {
    auto e = inst->get_export(field);
    if (!e || e->kind != ExternKind::Global) return Error(ErrorKind::Usage, "no exported global " + in_quotes(field));
    return std::vector<Value>{Value{e->global->type.type, e->global->cell.lo, e->global->cell.hi}};
  }
  std::vector<Value> args;
  for (const auto& a : action.value("args", nlohmann::json::array())) {
    auto v = parse_value(a);
    if (!v) return std::move(v).error();
    args.push_back(*v);
  }
  return inst->call(field, args);
}

Outcome CommandRunner::on_action(const Command& c) {
  if (!module_for_action(c)) return Outcome::skip(unsupported_ ? SkipReason::Unsupported : SkipReason::NoModule);
  auto r = perform(c.raw["action"]);
  switch (c.type) {
    case CommandType::Action:
      if (!r) return Outcome::fail("action failed: " + r.error().message());
      return Outcome::pass();
    case CommandType::AssertReturn: {
      if (!r) return Outcome::fail("expected values, got " + std::string(to_string(r.error().kind())) + ": " + r.error().message());
      const auto& expected = c.raw.value("expected", nlohmann::json::array());
      if (expected.size() != r->size())
        return Outcome::fail("expected " + std::to_string(expected.size()) + " results, got " + std::to_string(r->size()));
      for (size_t i = 0; i < expected.size(); ++i)
        if (auto why = mismatch(expected[i], (*r)[i])) return Outcome::fail("result " + std::to_string(i) + ": " + *why);
      return Outcome::pass();
    }
    default: {  // assert_trap, assert_exhaustion
      if (r) return Outcome::fail("expected trap " + in_quotes(c.text) + ", but the call returned");
      if (r.error().kind() != ErrorKind::Trap) return Outcome::fail("expected trap " + in_quotes(c.text) + ", got: " + r.error().message());
      const std::string& got = r.error().message();
      if (c.text.rfind(got, 0) != 0 && got.rfind(c.text, 0) != 0)
        return Outcome::fail("expected trap " + in_quotes(c.text) + ", got trap " + in_quotes(got));
      return Outcome::pass();
    }
  }
}

}  // namespace tern::spec
