// spec-runner: runs the WebAssembly spec suite (.wast scripts) against tern.
//
// DESIGN
// 1. Per file: convert with wast2json (Converter), load the commands (SpecJson), run them in
//    order (CommandRunner), count outcomes (Tally), print one line. Each step is its own
//    class so that execution (issue 4) only grows CommandRunner.
// 2. A file that cannot be converted or loaded is one failure at line 0, and the run goes on.
// 3. The last line is always "spec: N passed, N failed, N skipped" and the exit status is
//    non-zero on any failure, so scripts and meson can rely on both.
#include <iostream>
#include <string>
#include <utility>

#include "tests/spec/command_runner.h"
#include "tests/spec/converter.h"
#include "tests/spec/known_failures.h"
#include "tests/spec/options.h"
#include "tests/spec/spec_json.h"
#include "tests/spec/suite.h"
#include "tests/spec/tally.h"

namespace tern::spec {
namespace {

constexpr int kExitFailures = 1;
constexpr int kExitUsage = 2;

void print_verbose(const Command& c, const Outcome& o) {
  std::cout << "    line " << c.line << ": " << c.type_name;
  if (!c.filename.empty()) std::cout << " " << c.filename;
  switch (o.verdict) {
    case Verdict::Pass: std::cout << ": pass"; break;
    case Verdict::Fail: std::cout << ": FAIL"; break;
    case Verdict::Skip: std::cout << ": skip (" << to_string(o.reason) << ")"; break;
  }
  if (o.kind_mismatch) std::cout << " [other error kind]";
  if (!o.detail.empty()) std::cout << ": " << o.detail;
  std::cout << "\n";
}

// A listed failure becomes a "known" skip; a listed command that no longer fails is reported,
// so the list shrinks as tern improves.
Outcome apply_known(const KnownFailures& known, const SpecFile& file, const Command& c, Outcome o) {
  const std::string* reason = known.find(file.display, c.line);
  if (reason == nullptr) return o;
  if (o.verdict == Verdict::Fail) return Outcome::skip(SkipReason::Known, *reason + "; was: " + o.detail);
  return Outcome::fail("listed in known failures (" + *reason + ") but did not fail; remove the entry");
}

Tally run_file(const SpecFile& file, const Converter& converter, const KnownFailures& known,
               const Options& opts) {
  Tally tally;
  auto file_failure = [&](const Error& e) {
    tally.record(Outcome::fail(e.message()), Failure{file.display, 0, "convert", "", ""});
  };
  auto json = converter.convert(file);
  if (!json) {
    file_failure(json.error());
    return tally;
  }
  auto spec = SpecJson::load(*json);
  if (!spec) {
    file_failure(spec.error());
    return tally;
  }
  CommandRunner runner(spec->module_dir(), file.features);
  if (opts.verbose) std::cout << file.display << ":\n";
  for (const Command& c : spec->commands()) {
    const Outcome o = apply_known(known, file, c, runner.run(c));
    if (opts.verbose) print_verbose(c, o);
    tally.record(o, Failure{file.display, c.line, c.type_name, c.filename, ""});
  }
  return tally;
}

void print_file(const SpecFile& file, const Tally& t, const Options& opts) {
  if (opts.quiet && t.failed() == 0) return;
  std::cout << file.display << ": ";
  t.print_counts(std::cout);
  std::cout << "\n";
  for (const Failure& f : t.failures()) {
    std::cout << "  ";
    print_failure(std::cout, f);
    std::cout << "\n";
  }
}

int run(int argc, char** argv) {
  auto opts = parse_options(argc, argv);
  if (!opts) {
    std::cerr << "spec-runner: " << opts.error().message() << "\n" << usage();
    return kExitUsage;
  }
  if (opts->help) {
    std::cout << usage();
    return 0;
  }

  const SuiteLocation suite = find_suite_root();
  if (!suite.root && opts->paths.empty()) {
    std::cerr << "spec-runner: no spec test suite found; looked at:\n";
    for (const auto& t : suite.tried) std::cerr << "  " << t << "\n";
    std::cerr << "set TERN_SPEC_DIR to the folder holding core/ and proposals/, or name .wast files\n";
    return kExitUsage;
  }
  const std::vector<std::string> args = opts->paths.empty() ? std::vector<std::string>{suite.root->string()}
                                                            : opts->paths;
  auto list = collect_files(args, suite.root, opts->filter);
  if (!list) {
    std::cerr << "spec-runner: " << list.error().message() << "\n";
    return kExitUsage;
  }
  for (const auto& note : list->notes) std::cout << "note: " << note << "\n";
  if (list->files.empty()) {
    std::cerr << "spec-runner: no .wast files to run\n";
    return kExitUsage;
  }

  std::string known_path = opts->known_failures;
#ifdef TERN_SOURCE_DIR
  if (known_path.empty()) known_path = TERN_SOURCE_DIR "/tests/spec/known_failures.txt";
#endif
  KnownFailures known;
  if (!known_path.empty()) {
    auto loaded = KnownFailures::load(known_path);
    if (!loaded) {
      std::cerr << "spec-runner: " << loaded.error().message() << "\n";
      return kExitUsage;
    }
    known = std::move(*loaded);
  }

  const Converter converter(opts->work_dir);
  Tally total;
  for (const SpecFile& file : list->files) {
    const Tally t = run_file(file, converter, known, *opts);
    print_file(file, t, *opts);
    total.add(t);
  }

  if (opts->list_failures && total.failed() > 0) {
    std::cout << "failures:\n";
    for (const Failure& f : total.failures()) {
      std::cout << "  " << f.file << ": ";
      print_failure(std::cout, f);
      std::cout << "\n";
    }
  }
  if (!opts->quiet) {
    std::cout << "totals over " << list->files.size() << " files: ";
    total.print_counts(std::cout);
    std::cout << "\n";
  }
  if (total.kind_mismatches() > 0)
    std::cout << "note: " << total.kind_mismatches()
              << " rejections had another error kind than the assert names (malformed vs invalid)\n";
  std::cout << "spec: " << total.passed() << " passed, " << total.failed() << " failed, " << total.skipped()
            << " skipped\n";
  return total.failed() > 0 ? kExitFailures : 0;
}

}  // namespace
}  // namespace tern::spec

int main(int argc, char** argv) { return tern::spec::run(argc, argv); }
