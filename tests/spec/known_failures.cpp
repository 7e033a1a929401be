#include "tests/spec/known_failures.h"

#include <fstream>
#include <sstream>

namespace tern::spec {

Result<KnownFailures> KnownFailures::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Error(ErrorKind::Io) << "cannot open known failures list " << path.string();
  KnownFailures known;
  std::string text;
  for (uint32_t n = 1; std::getline(in, text); ++n) {
    if (auto hash = text.find('#'); hash != std::string::npos) text.erase(hash);
    std::istringstream fields(text);
    std::string file, reason;
    uint32_t line = 0;
    if (!(fields >> file)) continue;  // blank or comment-only line
    if (!(fields >> line) || !std::getline(fields >> std::ws, reason) || reason.empty())
      return Error(ErrorKind::Usage) << path.string() << ":" << n << ": expected \"<file> <line> <reason>\"";
    known.entries_[{file, line}] = reason;
  }
  return known;
}

const std::string* KnownFailures::find(const std::string& file, uint32_t line) const {
  auto it = entries_.find({file, line});
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace tern::spec
