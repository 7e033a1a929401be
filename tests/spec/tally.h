// Outcome of one command and the Tally of a file or of the whole run.
//
// DESIGN
// 1. Every command the runner sees ends as exactly one of pass, fail or skip, so
//    passed + failed + skipped equals the number of commands (plus one failure per file that
//    could not be converted or loaded).
// 2. A skip always has a reason; the per-file line breaks skips down by reason, so progress
//    on execution (issue 4) shows as "exec" skips turning into passes.
// 3. Failures keep line, command type and module file, enough to find the case in the .wast.
#pragma once

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tern::spec {

enum class Verdict : uint8_t { Pass, Fail, Skip };

enum class SkipReason : uint8_t {
  Exec,      // needs execution, which the runner cannot do yet
  Text,      // a text-format (.wat) module: tern only reads binaries
  NoModule,  // refers to a module that failed earlier; that failure is already counted
  Known,     // failed, but listed in known_failures.txt with a reason
  Unsupported,  // uses an operator the compiler does not have yet (SIMD)
  kCount,
};
std::string_view to_string(SkipReason r);

struct Outcome {
  Verdict verdict = Verdict::Skip;
  SkipReason reason = SkipReason::Exec;  // when verdict == Skip
  std::string detail;                    // failure message, or a note shown with --verbose
  bool kind_mismatch = false;            // rejected, but with another ErrorKind than the assert names

  static Outcome pass(std::string detail = {}) { return {Verdict::Pass, SkipReason::Exec, std::move(detail)}; }
  static Outcome fail(std::string detail) { return {Verdict::Fail, SkipReason::Exec, std::move(detail)}; }
  static Outcome skip(SkipReason r, std::string detail = {}) { return {Verdict::Skip, r, std::move(detail)}; }
};

struct Failure {
  std::string file;       // display name of the .wast file
  uint32_t line = 0;      // 0: the file as a whole (conversion or loading failed)
  std::string command;    // command type, e.g. "assert_invalid"
  std::string module;     // module file, may be empty
  std::string message;
};

class Tally {
 public:
  void record(const Outcome& o, Failure where);
  void add(const Tally& other);

  uint64_t passed() const { return passed_; }
  uint64_t failed() const { return failed_; }
  uint64_t skipped() const;
  uint64_t skipped(SkipReason r) const { return skipped_[static_cast<size_t>(r)]; }
  uint64_t kind_mismatches() const { return kind_mismatches_; }
  const std::vector<Failure>& failures() const { return failures_; }

  // "12 passed, 0 failed, 370 skipped (exec 370, text 0)"; rarer reasons only when non-zero.
  void print_counts(std::ostream& os) const;

 private:
  uint64_t passed_ = 0;
  uint64_t failed_ = 0;
  std::array<uint64_t, static_cast<size_t>(SkipReason::kCount)> skipped_{};
  uint64_t kind_mismatches_ = 0;
  std::vector<Failure> failures_;
};

// "line 123: assert_invalid invalid.5.wasm: module validated but expected ..."
void print_failure(std::ostream& os, const Failure& f);

}  // namespace tern::spec
