// `tern compile`: compiles modules into the code cache, so a later `tern run` starts without
// compiling (jit/code_cache.h).
#include <iostream>

#include "host/cli/cache_options.h"
#include "host/cli/commands.h"
#include "host/runtime/runtime.h"

namespace tern::cli {
namespace {

constexpr OptionSpec kOptions[] = {{"--cache", true}, {"--enable", true}, {"--disable", true}};

int run_compile(const Command& self, std::span<const std::string_view> raw) {
  ParsedArgs args;
  DecodeOptions options;
  if (auto done = begin_command(self, raw, kOptions, args, options.features)) return *done;
  if (args.positionals.empty()) return usage_error(self, "no input file");
  auto cache = open_cache(args, /*required=*/true);
  if (!cache) {
    std::cerr << "tern compile: " << cache.error().message() << "\n";
    return kExitFailure;
  }
  int status = kExitOk;
  for (std::string_view path : args.positionals) {
    auto bytes = read_file(path, options.limits.max_module_size);
    if (!bytes) {
      print_file_error(path, bytes.error());
      status = kExitFailure;
      continue;
    }
    const CodeCacheStats before = (*cache)->stats();
    auto module = Module::compile(*bytes, options, nullptr, cache->get());
    if (!module) {
      print_file_error(path, module.error());
      status = kExitFailure;
      continue;
    }
    const CodeCacheStats after = (*cache)->stats();
    const char* what = after.hits > before.hits ? "already cached" : after.stores > before.stores ? "compiled, cached" : "compiled, not cached";
    std::cout << display_name(path) << ": " << what << " in "
              << (*cache)->path_for(CodeCache::key_for(*bytes, options)) << "\n";
  }
  return status;
}

}  // namespace

extern const Command kCompileCommand = {
    .name = "compile",
    .summary = "Compile modules into the code cache, so that 'tern run' starts faster.",
    .usage = "tern compile [options] FILE.wasm...",
    .details =
        "Compiles each FILE for this CPU and stores the code in the cache directory; a later\n"
        "'tern run' with the same cache and features loads it instead of compiling. Prints,\n"
        "per FILE, whether it was compiled or already cached, and the cache file.\n"
        "\n"
        "options:\n"
        "  --cache DIR        the cache directory (default: $XDG_CACHE_HOME/tern, else\n"
        "                     ~/.cache/tern)\n"
        TERN_CLI_FEATURE_OPTIONS_HELP
        "  -h, --help         show this help\n"
        "\n"
        "Exit status: 0 every FILE is cached; 1 a FILE cannot be read, decoded or compiled, or\n"
        "the cache directory cannot be created; 2 usage error.\n",
    .run = run_compile,
};

}  // namespace tern::cli
