// Converter: turns a .wast file into wast2json's JSON command list plus module files.
//
// DESIGN
// 1. wast2json runs through posix_spawn with an argument vector, never a shell command line,
//    so file names with spaces or shell characters pass through untouched. Paths handed to it
//    are absolute, so none can be mistaken for an option.
// 2. Output goes to <work dir>/<display name without .wast>.json; the tool's stderr goes to a
//    .log beside it and its first lines are quoted in the error when it fails.
// 3. The executable is the one meson found at configure time (TERN_WAST2JSON) when it still
//    exists, otherwise "wast2json" looked up on PATH.
#pragma once

#include <filesystem>
#include <string>

#include "tern/result.h"
#include "tests/spec/suite.h"

namespace tern::spec {

class Converter {
 public:
  explicit Converter(std::filesystem::path work_dir);

  // Converts `file`; returns the path of the JSON file written.
  Result<std::filesystem::path> convert(const SpecFile& file) const;

  const std::string& tool() const { return tool_; }

 private:
  std::filesystem::path output_for(const SpecFile& file) const;

  std::filesystem::path work_dir_;
  std::string tool_;       // path or bare name of wast2json
  bool search_path_ = true;  // tool_ is a bare name: look it up on PATH
};

}  // namespace tern::spec
