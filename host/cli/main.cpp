// `tern`: the command-line client. Dispatches to the subcommands listed in kCommands.
#include <algorithm>
#include <iostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/cli/cli.h"
#include "host/cli/commands.h"

namespace tern::cli {
namespace {

int run_help(const Command& self, std::span<const std::string_view> args);

const Command kHelpCommand = {
    .name = "help",
    .summary = "Show help for tern or for one command.",
    .usage = "tern help [COMMAND]",
    .details = "",
    .run = run_help,
};

// The command table, in the order `tern --help` lists them.
const Command* const kCommands[] = {
    &kRunCommand,
    &kServeCommand,
    &kValidateCommand,
    &kInspectCommand,
    &kInvokeCommand,
    &kHelpCommand,
};

const Command* find_command(std::string_view name) {
  for (const Command* c : kCommands) {
    if (c->name == name) return c;
  }
  return nullptr;
}

void print_main_help(std::ostream& os) {
  os << "tern " TERN_VERSION ": a WebAssembly runtime\n\n"
     << "usage: tern COMMAND [options] [args]\n"
     << "       tern --help | --version\n\n"
     << "commands:\n";
  size_t width = 0;
  for (const Command* c : kCommands) width = std::max(width, c->name.size());
  for (const Command* c : kCommands) {
    os << "  " << c->name << std::string(width - c->name.size() + 3, ' ') << c->summary << "\n";
  }
  os << "\nRun 'tern help COMMAND' or 'tern COMMAND --help' for a command's options.\n"
     << "Exit status: 0 success, 1 the input failed (unreadable, malformed, invalid), 2 usage error.\n";
}

int main_usage_error(std::string_view message) {
  std::cerr << "tern: " << message << "\n"
            << "usage: tern COMMAND [options] [args]\n"
            << "Run 'tern --help' for the list of commands.\n";
  return kExitUsage;
}

int run_help(const Command& self, std::span<const std::string_view> args) {
  if (args.empty()) {
    print_main_help(std::cout);
    return kExitOk;
  }
  if (args.size() > 1) return usage_error(self, "expected at most one command name");
  if (args[0] == "--help" || args[0] == "-h") {
    print_command_help(std::cout, self);
    return kExitOk;
  }
  const Command* command = find_command(args[0]);
  if (command == nullptr) return usage_error(self, "unknown command '" + std::string(args[0]) + "'");
  print_command_help(std::cout, *command);
  return kExitOk;
}

int dispatch(std::span<const std::string_view> args) {
  if (args.empty()) return main_usage_error("no command given");
  const std::string_view first = args[0];
  if (first == "--help" || first == "-h") {
    print_main_help(std::cout);
    return kExitOk;
  }
  if (first == "--version" || first == "-V") {
    std::cout << "tern " TERN_VERSION "\n";
    return kExitOk;
  }
  if (first.starts_with("-")) return main_usage_error("unknown option '" + std::string(first) + "'");
  const Command* command = find_command(first);
  if (command == nullptr) return main_usage_error("unknown command '" + std::string(first) + "'");
  return command->run(*command, args.subspan(1));
}

}  // namespace
}  // namespace tern::cli

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  return tern::cli::dispatch(args);
}
