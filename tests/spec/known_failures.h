// KnownFailures: commands expected to fail, each with the reason, read from a text file.
//
// DESIGN
// 1. A listed command that fails is skipped with reason "known"; a listed command that passes
//    is a failure, so the list cannot outlive the reason an entry was added.
// 2. Entries are "<file as displayed> <line> <reason>", one per line, '#' starts a comment;
//    the reason is required so nobody has to guess later why a case is tolerated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "tern/result.h"

namespace tern::spec {

class KnownFailures {
 public:
  static Result<KnownFailures> load(const std::filesystem::path& path);

  // The reason a command is listed, or nullptr if it is not.
  const std::string* find(const std::string& file, uint32_t line) const;
  size_t size() const { return entries_.size(); }

 private:
  std::map<std::pair<std::string, uint32_t>, std::string> entries_;
};

}  // namespace tern::spec
