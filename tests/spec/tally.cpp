#include "tests/spec/tally.h"

#include <numeric>

namespace tern::spec {

std::string_view to_string(SkipReason r) {
  switch (r) {
    case SkipReason::Exec: return "exec";
    case SkipReason::Text: return "text";
    case SkipReason::NoModule: return "no-module";
    case SkipReason::Known: return "known";
    case SkipReason::Unsupported: return "unsupported";
    case SkipReason::kCount: break;
  }
  return "?";
}

void Tally::record(const Outcome& o, Failure where) {
  if (o.kind_mismatch) ++kind_mismatches_;
  switch (o.verdict) {
    case Verdict::Pass: ++passed_; return;
    case Verdict::Skip: ++skipped_[static_cast<size_t>(o.reason)]; return;
    case Verdict::Fail: break;
  }
  ++failed_;
  where.message = o.detail;
  failures_.push_back(std::move(where));
}

void Tally::add(const Tally& other) {
  passed_ += other.passed_;
  failed_ += other.failed_;
  for (size_t i = 0; i < skipped_.size(); ++i) skipped_[i] += other.skipped_[i];
  kind_mismatches_ += other.kind_mismatches_;
  failures_.insert(failures_.end(), other.failures_.begin(), other.failures_.end());
}

uint64_t Tally::skipped() const { return std::accumulate(skipped_.begin(), skipped_.end(), uint64_t{0}); }

void Tally::print_counts(std::ostream& os) const {
  os << passed_ << " passed, " << failed_ << " failed, " << skipped() << " skipped (exec "
     << skipped(SkipReason::Exec) << ", text " << skipped(SkipReason::Text);
  for (SkipReason r : {SkipReason::NoModule, SkipReason::Known, SkipReason::Unsupported})
    if (auto n = skipped(r)) os << ", " << to_string(r) << " " << n;
  os << ")";
}

void print_failure(std::ostream& os, const Failure& f) {
  os << "line " << f.line << ": " << f.command;
  if (!f.module.empty()) os << " " << f.module;
  os << ": " << f.message;
}

}  // namespace tern::spec
