#include "tests/spec/suite.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <system_error>

namespace tern::spec {
namespace fs = std::filesystem;

namespace {

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

std::string display_name(const fs::path& abs, const std::optional<fs::path>& root) {
  if (root) {
    const fs::path rel = abs.lexically_relative(*root);
    if (!rel.empty() && *rel.begin() != "..") return rel.generic_string();
  }
  return abs.generic_string();
}

// Resolves one argument to an absolute, normalized path, or says why it cannot.
Result<fs::path> resolve(const std::string& arg, const std::optional<fs::path>& root) {
  std::error_code ec;
  if (fs::exists(arg, ec)) return fs::absolute(arg, ec).lexically_normal();
  if (root && fs::path(arg).is_relative() && fs::exists(*root / arg, ec)) return (*root / arg).lexically_normal();
  Error e(ErrorKind::Usage);
  e << arg << ": no such file or folder";
  if (root) e << " (also tried " << (*root / arg).string() << ")";
  return e;
}

// All .wast files under `dir`, sorted; files of unsupported proposals are left out and
// counted per proposal folder in `skipped`.
std::vector<fs::path> walk(const fs::path& dir, std::map<std::string, int>& skipped) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".wast") continue;
    const std::string proposal = proposal_of(it->path());
    if (!features_for(proposal)) {
      ++skipped[proposal];
      continue;
    }
    out.push_back(it->path().lexically_normal());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

SuiteLocation find_suite_root() {
  SuiteLocation loc;
  std::vector<fs::path> candidates;
  std::error_code ec;
  // An explicit $TERN_SPEC_DIR is the only candidate: silently running another copy of the
  // suite would hide a typo.
  if (const char* env = std::getenv("TERN_SPEC_DIR"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  } else {
    const fs::path cwd = fs::current_path(ec);
    if (!ec) candidates.push_back(cwd / ".." / "shared" / "testsuite");
#ifdef TERN_SOURCE_DIR
    candidates.push_back(fs::path(TERN_SOURCE_DIR) / ".." / "shared" / "testsuite");
#endif
  }
  for (const auto& c : candidates) {
    const fs::path p = fs::absolute(c, ec).lexically_normal();
    loc.tried.push_back(p.string());
    if (is_dir(p)) {
      loc.root = p;
      return loc;
    }
  }
  return loc;
}

std::string proposal_of(const fs::path& path) {
  // The last "proposals" component followed by a folder name decides.
  std::string proposal;
  for (auto it = path.begin(); it != path.end(); ++it) {
    if (*it != "proposals") continue;
    auto next = std::next(it);
    if (next != path.end() && std::next(next) != path.end()) proposal = next->string();
  }
  return proposal;
}

std::optional<Features> features_for(const std::string& proposal) {
  Features f;  // core: WebAssembly 2.0 + threads, the defaults
  if (proposal.empty()) return f;
  if (proposal == "threads") {
    // The threads proposal's tests predate reference types ("multiple tables" is invalid there).
    f.reference_types = false;
    return f;
  }
  if (proposal == "tail-call") {
    f.tail_call = true;
    return f;
  }
  if (proposal == "extended-const") {
    f.extended_const = true;
    return f;
  }
  if (proposal == "multi-memory") {
    f.multi_memory = true;
    return f;
  }
  return std::nullopt;  // memory64, exception-handling and anything newer
}

Result<FileList> collect_files(const std::vector<std::string>& args, const std::optional<fs::path>& root,
                               const std::string& filter) {
  FileList list;
  std::set<fs::path> seen;
  std::map<std::string, int> skipped;
  for (const auto& arg : args) {
    TERN_TRY(fs::path abs, resolve(arg, root));
    std::vector<fs::path> paths = is_dir(abs) ? walk(abs, skipped) : std::vector<fs::path>{abs};
    for (auto& p : paths) {
      if (!seen.insert(p).second) continue;
      SpecFile f{p, display_name(p, root), {}};
      if (f.display.find(filter) == std::string::npos) continue;
      // A file named explicitly runs even in an unsupported proposal, with default features.
      f.features = features_for(proposal_of(p)).value_or(Features{});
      list.files.push_back(std::move(f));
    }
  }
  for (const auto& [proposal, n] : skipped)
    list.notes.push_back("skipping proposals/" + proposal + "/ (" + std::to_string(n) +
                         " files): tern does not support this proposal; name a file to run it anyway");
  return list;
}

}  // namespace tern::spec
