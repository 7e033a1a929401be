// --cache DIR and --no-cache, shared by the commands that compile (run, compile).
#pragma once

#include <memory>
#include <string>

#include "host/cli/cli.h"
#include "jit/code_cache.h"

namespace tern::cli {

// Help lines for the two options (a macro so it joins the command's string literal).
#define TERN_CLI_CACHE_OPTIONS_HELP                                                   \
  "  --cache DIR          keep compiled code in DIR (default: $XDG_CACHE_HOME/tern,\n" \
  "                       else ~/.cache/tern)\n"                                      \
  "  --no-cache           neither read nor write the code cache\n"

// $XDG_CACHE_HOME/tern, else $HOME/.cache/tern; empty if neither variable is set.
std::string default_cache_dir();

// The cache the options ask for: --cache DIR, else the default directory; nullptr with
// --no-cache. A directory that cannot be opened is a warning on stderr (tern runs without
// a cache) unless `required`, then it is an error.
Result<std::unique_ptr<CodeCache>> open_cache(const ParsedArgs& args, bool required = false);

}  // namespace tern::cli
