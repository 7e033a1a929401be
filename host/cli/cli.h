// The `tern` command line: a table of subcommands and the helpers they share.
//
// DESIGN
// 1. A subcommand is one `Command` value defined in its own file (cmd_<name>.cpp) and listed
//    once in the table in main.cpp; adding `run`, `serve` or `compile` touches nothing else.
// 2. Exit codes: 0 success, 1 the input is bad (unreadable, malformed, invalid), 2 the command
//    line is wrong (unknown command or option, missing argument).
// 3. Errors about a file are one line on stderr: "FILE: <kind>: <message>".
// 4. The CLI is a client of the library: it decodes through decode_module() and owns no
//    wasm logic of its own.
#pragma once

#include <optional>

#include <cstdint>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jit/module.h"
#include "jit/types.h"
#include "tern/result.h"

namespace tern::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  std::string_view name;
  std::string_view summary;  // one line, shown by `tern --help`
  std::string_view usage;    // "tern validate [options] FILE..."
  std::string_view details;  // options and notes, shown by `tern help <name>`
  int (*run)(const Command& self, std::span<const std::string_view> args);  // args after the name
};

// Prints the usage line and details of `command` to `os`.
void print_command_help(std::ostream& os, const Command& command);

// Prints "tern <cmd>: <message>", the usage line and a pointer to --help on stderr;
// returns kExitUsage.
int usage_error(const Command& command, std::string_view message);

// One option a command accepts. Boolean options are "--name"; valued ones "--name VALUE" or
// "--name=VALUE". An option may be given more than once; every value is kept.
struct OptionSpec {
  std::string_view name;  // with the dashes: "--json"
  bool takes_value = false;
};

struct ParsedArgs {
  bool help = false;  // --help or -h was given; nothing else is checked then
  std::vector<std::pair<std::string_view, std::string_view>> options;  // in command-line order
  std::vector<std::string_view> positionals;

  bool has(std::string_view name) const;
};

// Parses a command's arguments; "--" ends options and "-" is a positional (stdin).
// Fails with ErrorKind::Usage naming the bad option.
Result<ParsedArgs> parse_args(std::span<const std::string_view> args, std::span<const OptionSpec> specs);

// Applies every "--enable NAME" / "--disable NAME" of `args` to `features`.
Status apply_feature_options(const ParsedArgs& args, Features& features);

// The common start of a command that decodes modules: parses `raw` against `specs`, answers
// --help and usage errors (returning the exit code to end with), and applies --enable/--disable
// to `features`. std::nullopt: go on with `args`.
std::optional<int> begin_command(const Command& self, std::span<const std::string_view> raw,
                                 std::span<const OptionSpec> specs, ParsedArgs& args, Features& features);
// Help lines for the two feature options, for the details of commands that decode modules
// (a macro so it joins the command's string literal).
#define TERN_CLI_FEATURE_OPTIONS_HELP                                   \
  "  --enable FEATURE   accept a proposal that is off by default:\n"   \
  "                     tail-call, extended-const, multi-memory\n"      \
  "  --disable FEATURE  reject a proposal that is on by default:\n"    \
  "                     simd, threads, reference-types\n"

// Reads a whole file ("-" is stdin) of at most `max_size` bytes. Errors do not name the file;
// the caller prints them as "FILE: <kind>: <message>".
Result<std::vector<uint8_t>> read_file(std::string_view path, uint64_t max_size);

// Reads `path` (capped at options.limits.max_module_size) and decodes and validates it.
Result<std::shared_ptr<const ModuleInfo>> load_module(std::string_view path, const DecodeOptions& options);

// The name to show for a path: "<stdin>" for "-".
std::string display_name(std::string_view path);

// Prints "FILE: <kind>: <message>" on stderr.
void print_file_error(std::string_view path, const Error& error);

}  // namespace tern::cli
