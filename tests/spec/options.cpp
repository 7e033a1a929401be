#include "tests/spec/options.h"

#include <string_view>

namespace tern::spec {

const char* usage() {
  return "usage: spec-runner [options] [FILE.wast | FOLDER]...\n"
         "Runs WebAssembly spec scripts against tern. Folders are searched recursively; with no\n"
         "paths the whole suite runs. Relative paths are tried from the current directory, then\n"
         "from the suite root ($TERN_SPEC_DIR, ../shared/testsuite, or <source>/../shared/testsuite).\n"
         "\n"
         "options:\n"
         "  --work-dir DIR     where wast2json output goes (default: spec-work)\n"
         "  --known-failures FILE  list of expected failures (default: tests/spec/known_failures.txt)\n"
         "  --filter SUBSTR    only files whose name (e.g. core/i32.wast) contains SUBSTR\n"
         "  --verbose          print every command and its outcome\n"
         "  --quiet            print only failures and the summary\n"
         "  --list-failures    list every failure again, with its file, at the end\n"
         "  --help             this text\n"
         "\n"
         "exit status: 0 all passed, 1 some command failed, 2 usage error or no suite found\n";
}

Result<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    // Options taking a value accept "--opt VALUE" and "--opt=VALUE".
    auto value = [&](std::string_view name, std::string& out) -> Result<bool> {
      if (arg == name) {
        if (i + 1 >= argc) return Error(ErrorKind::Usage) << name << " needs a value";
        out = argv[++i];
        return true;
      }
      if (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=') {
        out = std::string(arg.substr(name.size() + 1));
        return true;
      }
      return false;
    };
    TERN_TRY(bool is_work_dir, value("--work-dir", o.work_dir));
    if (is_work_dir) continue;
    TERN_TRY(bool is_known, value("--known-failures", o.known_failures));
    if (is_known) continue;
    TERN_TRY(bool is_filter, value("--filter", o.filter));
    if (is_filter) continue;
    if (arg == "--verbose" || arg == "-v") o.verbose = true;
    else if (arg == "--quiet" || arg == "-q") o.quiet = true;
    else if (arg == "--list-failures") o.list_failures = true;
    else if (arg == "--help" || arg == "-h") o.help = true;
    else if (arg == "--") {
      for (++i; i < argc; ++i) o.paths.emplace_back(argv[i]);
    } else if (arg.starts_with("-")) {
      return Error(ErrorKind::Usage) << "unknown option " << arg;
    } else {
      o.paths.emplace_back(arg);
    }
  }
  if (o.verbose && o.quiet) return Error(ErrorKind::Usage, "--verbose and --quiet exclude each other");
  return o;
}

}  // namespace tern::spec
