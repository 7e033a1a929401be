// Where the spec suite lives, which .wast files a run covers, and the features each needs.
//
// DESIGN
// 1. The suite root is $TERN_SPEC_DIR when set; otherwise ../shared/testsuite from the current
//    directory, then ../shared/testsuite from the source tree; the first directory wins.
// 2. Features come from the path alone: a file under proposals/<name>/ gets that proposal
//    switched on, anything else gets the defaults. So a file copied elsewhere with the same
//    layout runs the same way.
// 3. Proposals tern does not implement are skipped when reached through a folder (with a note
//    naming the folder) but run when a file is named explicitly, so a developer can try one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "jit/types.h"
#include "tern/result.h"

namespace tern::spec {

struct SuiteLocation {
  std::optional<std::filesystem::path> root;
  std::vector<std::string> tried;  // candidates looked at, for the "no suite" message
};
SuiteLocation find_suite_root();

struct SpecFile {
  std::filesystem::path path;  // absolute
  std::string display;         // relative to the suite root when inside it, "core/i32.wast"
  Features features;
};

// The proposal folder a path lies in ("threads" for .../proposals/threads/atomic.wast), or "".
std::string proposal_of(const std::filesystem::path& path);

// Features for a proposal folder name ("" for core); nullopt if tern does not support it.
std::optional<Features> features_for(const std::string& proposal);

struct FileList {
  std::vector<SpecFile> files;
  std::vector<std::string> notes;  // e.g. "skipping proposals/memory64/ (13 files): ..."
};

// Expands arguments (files or folders; relative ones are tried from the current directory,
// then from the suite root) into sorted .wast files whose display name contains `filter`.
Result<FileList> collect_files(const std::vector<std::string>& args,
                               const std::optional<std::filesystem::path>& root, const std::string& filter);

}  // namespace tern::spec
