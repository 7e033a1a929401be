// `tern inspect FILE`: what a module imports, exports and contains.
#include <iostream>

#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "host/cli/inspect.h"

namespace tern::cli {
namespace {

constexpr OptionSpec kOptions[] = {
    {"--json"},
    {"--enable", true},
    {"--disable", true},
};

void print_json(const nlohmann::ordered_json& j) {
  // A module's names are UTF-8 once validated; replace rather than throw if one is not.
  std::cout << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

int run_inspect(const Command& self, std::span<const std::string_view> raw_args) {
  ParsedArgs args;
  DecodeOptions options;
  if (auto done = begin_command(self, raw_args, kOptions, args, options.features)) return *done;
  if (args.positionals.empty()) return usage_error(self, "no input file");
  if (args.positionals.size() > 1) return usage_error(self, "expected one input file");
  const std::string_view path = args.positionals[0];
  const bool json = args.has("--json");

  auto module = load_module(path, options);
  if (!module) {
    print_file_error(path, module.error());
    if (json) {
      print_json({{"file", display_name(path)},
                  {"valid", false},
                  {"error", {{"kind", to_string(module.error().kind())}, {"message", module.error().message()}}}});
    }
    return kExitFailure;
  }
  if (json) {
    print_json(inspect_json(display_name(path), **module));
  } else {
    print_inspect_text(std::cout, display_name(path), **module);
  }
  return kExitOk;
}

}  // namespace

extern const Command kInspectCommand = {
    .name = "inspect",
    .summary = "Show a module's imports, exports, memories, tables, globals and sections.",
    .usage = "tern inspect [options] FILE",
    .details =
        "Decodes and validates FILE ('-' reads standard input), then prints a summary and one\n"
        "table per kind of item. An invalid module is reported as by 'tern validate' (exit 1).\n"
        "\n"
        "options:\n"
        "  --json             print one JSON object instead of tables; on failure the object\n"
        "                     is {\"file\", \"valid\": false, \"error\": {\"kind\", \"message\"}}\n"
        TERN_CLI_FEATURE_OPTIONS_HELP
        "  -h, --help         show this help\n",
    .run = run_inspect,
};

}  // namespace tern::cli
