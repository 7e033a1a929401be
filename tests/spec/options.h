// Command-line options of spec-runner.
#pragma once

#include <string>
#include <vector>

#include "tern/result.h"

namespace tern::spec {

struct Options {
  std::vector<std::string> paths;     // .wast files or folders; empty: the whole suite
  std::string work_dir = "spec-work";  // where wast2json writes, relative to the current directory
  std::string known_failures;         // list of tolerated failures; empty: the one in the source tree
  std::string filter;                 // only files whose display name contains this
  bool verbose = false;               // print every command
  bool quiet = false;                 // only failures and the summary
  bool list_failures = false;         // repeat all failures, with file names, at the end
  bool help = false;
};

Result<Options> parse_options(int argc, char** argv);
const char* usage();

}  // namespace tern::spec
