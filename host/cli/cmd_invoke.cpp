// `tern invoke FILE FUNC [ARGS...]`: call one exported function and print its results.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "host/cli/cli.h"
#include "host/cli/run_values.h"
#include "host/cli/commands.h"
#include "host/runtime/runtime.h"

namespace tern::cli {
namespace {

constexpr OptionSpec kOptions[] = {
    {"--enable", true},
    {"--disable", true},
};

// Where FILE and FUNC end: options may come before them, everything after FUNC is an argument
// (so "-5" is a number, not an option).
size_t split_after_function(std::span<const std::string_view> args) {
  size_t positionals = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--") return positionals >= 2 ? i : args.size();
    if (a.starts_with("-") && a != "-") {
      const bool valued = std::ranges::any_of(kOptions, [&](const OptionSpec& s) { return s.takes_value && a == s.name; });
      if (valued) ++i;
      continue;
    }
    if (++positionals == 2) return i + 1;
  }
  return args.size();
}

int file_failure(std::string_view path, const Error& error) {
  print_file_error(path, error);
  return kExitFailure;
}

int run_invoke(const Command& self, std::span<const std::string_view> raw_args) {
  const size_t split = split_after_function(raw_args);
  ParsedArgs args;
  DecodeOptions options;
  if (auto done = begin_command(self, raw_args.first(split), kOptions, args, options.features)) return *done;
  if (args.positionals.size() < 2) return usage_error(self, args.positionals.empty() ? "no input file" : "no function name");
  std::span<const std::string_view> values = raw_args.subspan(split);
  if (!values.empty() && values.front() == "--") values = values.subspan(1);
  const std::string_view path = args.positionals[0];
  const std::string_view func = args.positionals[1];

  auto bytes = read_file(path, options.limits.max_module_size);
  if (!bytes) return file_failure(path, bytes.error());
  auto module = Module::compile(*bytes, options);
  if (!module) return file_failure(path, module.error());
  const ModuleInfo& info = (*module)->info();
  if (!info.imports.empty()) {
    const Import& imp = info.imports[0];
    return file_failure(path, Error(ErrorKind::Link) << "import #0 " << imp.module << "." << imp.field
                                                     << " cannot be provided: tern invoke runs modules without imports");
  }
  auto instance = Instance::instantiate(*module, {});
  if (!instance) return file_failure(path, instance.error());
  auto target = (*instance)->get_export(func);
  if (!target || target->kind != ExternKind::Func) {
    return file_failure(path, Error(ErrorKind::Usage) << "no exported function \"" << func << "\"");
  }
  const FuncType& type = *target->func_type;
  if (values.size() != type.params.size())
    return usage_error(self, std::string(func) + " takes " + std::to_string(type.params.size()) + " argument(s) " +
                                 to_string(type) + ", got " + std::to_string(values.size()));
  std::vector<Value> call_args;
  for (size_t i = 0; i < values.size(); ++i) {
    auto v = parse_value(type.params[i], values[i]);  // host/cli/run_values.h
    if (!v) return usage_error(self, "argument " + std::to_string(i + 1) + ": " + v.error().message());
    call_args.push_back(*v);
  }
  auto results = Instance::call_ref(*target->func, type, call_args);
  if (!results) {
    const Error& e = results.error();
    if (e.kind() == ErrorKind::Trap) std::cerr << "trap: " << e.message() << "\n" << e.details();
    else std::cerr << to_string(e.kind()) << ": " << e.message() << "\n" << e.details();
    return kExitFailure;
  }
  for (const Value& v : *results) std::cout << format_value(v) << "\n";
  return kExitOk;
}

}  // namespace

extern const Command kInvokeCommand = {
    .name = "invoke",
    .summary = "Call an exported function of a module without imports and print its results.",
    .usage = "tern invoke [options] FILE FUNC [ARGS...]",
    .details =
        "Compiles and instantiates FILE (which must import nothing), calls the exported\n"
        "function FUNC with ARGS parsed by its parameter types, and prints each result on\n"
        "its own line. i32/i64: decimal or 0x hex, optionally negative; f32/f64: decimal,\n"
        "hex float, inf or nan. Integers print as signed decimal, floats in the shortest\n"
        "form that reads back exactly (NaNs as their bits). Everything after FUNC is an\n"
        "argument, so negative numbers need no '--'.\n"
        "\n"
        "On a trap, prints 'trap: MESSAGE' and the wasm backtrace (innermost frame first)\n"
        "on stderr and exits with status 1.\n"
        "\n"
        "options:\n"
        TERN_CLI_FEATURE_OPTIONS_HELP
        "  -h, --help         show this help\n",
    .run = run_invoke,
};

}  // namespace tern::cli
