// `tern validate FILE...`: decode and validate modules, one line per file.
#include <iostream>

#include "host/cli/cli.h"
#include "host/cli/commands.h"

namespace tern::cli {
namespace {

constexpr OptionSpec kOptions[] = {
    {"--quiet"},
    {"-q"},
    {"--enable", true},
    {"--disable", true},
};

int run_validate(const Command& self, std::span<const std::string_view> raw_args) {
  ParsedArgs args;
  DecodeOptions options;
  if (auto done = begin_command(self, raw_args, kOptions, args, options.features)) return *done;
  if (args.positionals.empty()) return usage_error(self, "no input file");
  const bool quiet = args.has("--quiet") || args.has("-q");

  int exit_code = kExitOk;
  for (std::string_view path : args.positionals) {
    auto module = load_module(path, options);
    if (!module) {
      print_file_error(path, module.error());
      exit_code = kExitFailure;
      continue;
    }
    if (!quiet) std::cout << display_name(path) << ": valid\n";
  }
  return exit_code;
}

}  // namespace

extern const Command kValidateCommand = {
    .name = "validate",
    .summary = "Decode and validate WebAssembly modules (every section and function body).",
    .usage = "tern validate [options] FILE...",
    .details =
        "Prints 'FILE: valid' for each valid module. For any other, prints one line\n"
        "'FILE: KIND: MESSAGE' on stderr, where KIND is malformed, invalid, limit exceeded\n"
        "or i/o error, and the exit status is 1. FILE '-' reads standard input.\n"
        "\n"
        "options:\n"
        "  -q, --quiet        print nothing for valid modules\n"
        TERN_CLI_FEATURE_OPTIONS_HELP
        "  -h, --help         show this help\n",
    .run = run_validate,
};

}  // namespace tern::cli
