// CommandRunner: runs the commands of one converted .wast file, in order, against tern.
//
// DESIGN
// 1. One method per command type, each returning an Outcome and never printing: reporting
//    belongs to the caller, so execution (issue 4) can fill in on_action and the assert_return
//    family without touching how results are shown.
// 2. The runner keeps the module state the script implies: the current module (the last
//    `module` command), modules by $name, and names given by `register`. A module that fails
//    to load clears the current one, so later commands on it are skipped as no-module instead
//    of failing a second time for the same cause.
// 3. A module is loaded when it decodes, validates, compiles and instantiates; imports resolve
//    against registered instances and the spectest module. A module the compiler does not
//    support yet (SIMD) is skipped as unsupported, with its commands.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "host/runtime/runtime.h"
#include "jit/module.h"
#include "jit/types.h"
#include "tern/result.h"
#include "tests/spec/spec_json.h"
#include "tests/spec/tally.h"
#include "tests/spec/values.h"

namespace tern::spec {

class CommandRunner {
 public:
  CommandRunner(std::filesystem::path module_dir, Features features);

  Outcome run(const Command& c);

 private:
  using ModulePtr = std::shared_ptr<Instance>;

  Outcome on_module(const Command& c);
  Outcome on_register(const Command& c);
  Outcome on_assert_malformed(const Command& c);
  Outcome on_assert_invalid(const Command& c);
  Outcome on_assert_unlinkable(const Command& c);
  Outcome on_assert_uninstantiable(const Command& c);
  // action, assert_return*, assert_trap, assert_exhaustion.
  Outcome on_action(const Command& c);

  // assert_malformed and assert_invalid: the module must be rejected.
  Outcome expect_rejected(const Command& c, ErrorKind expected);
  // assert_unlinkable and assert_uninstantiable: the module must decode and validate; the
  // link or instantiation step it is about cannot run yet.
  Outcome expect_valid_then_skip(const Command& c);

  Result<std::shared_ptr<const ModuleInfo>> decode_file(const std::string& filename) const;
  Result<std::shared_ptr<Module>> compile_file(const std::string& filename) const;
  // Resolves imports against registered instances and spectest, then instantiates.
  Result<ModulePtr> instantiate(const std::shared_ptr<Module>& m);
  Result<std::vector<Value>> perform(const nlohmann::json& action);
  // The module an action names ("module": "$M"), or the current one.
  ModulePtr module_for_action(const Command& c) const;

  std::filesystem::path module_dir_;
  DecodeOptions options_;
  ModulePtr current_;
  std::map<std::string, ModulePtr> named_;       // $name -> module
  std::map<std::string, ModulePtr> registered_;  // register "as" -> module
  SpectestModule spectest_;
  bool unsupported_ = false;  // the current module uses what the compiler cannot do yet
};

}  // namespace tern::spec
