#include "host/cli/cache_options.h"

#include <cstdlib>
#include <iostream>

namespace tern::cli {

std::string default_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/tern";  // the spec ignores relative paths
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0') return std::string(home) + "/.cache/tern";
  return {};
}

Result<std::unique_ptr<CodeCache>> open_cache(const ParsedArgs& args, bool required) {
  if (args.has("--no-cache")) return std::unique_ptr<CodeCache>();
  std::string dir;
  for (const auto& [name, value] : args.options)
    if (name == "--cache") dir = std::string(value);
  if (dir.empty()) dir = default_cache_dir();
  if (dir.empty()) {
    if (required) return Error(ErrorKind::Usage, "no cache directory: give --cache DIR or set HOME");
    return std::unique_ptr<CodeCache>();
  }
  auto cache = CodeCache::open(dir);
  if (cache.ok() || required) return cache;
  std::cerr << "tern: warning: code cache disabled: " << cache.error().message() << "\n";
  return std::unique_ptr<CodeCache>();
}

}  // namespace tern::cli
