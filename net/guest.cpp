// The pieces both guest ABIs share: log, deadline watchdog, error responses.
#include "net/guest.h"

namespace tern::net {

void Log::line(std::string_view text) {
  if (out_ == nullptr) return;
  std::lock_guard lock(mu_);
  *out_ << text << '\n';
  out_->flush();
}

Watchdog::Watchdog() : thread_([this] { loop(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Watchdog::Outcome Watchdog::run(Instance& instance, std::chrono::nanoseconds timeout, const std::function<Status()>& fn) {
  Armed armed{&instance};
  std::multimap<std::chrono::steady_clock::time_point, Armed*>::iterator it;
  {
    std::lock_guard lock(mu_);
    it = armed_.emplace(std::chrono::steady_clock::now() + timeout, &armed);
  }
  cv_.notify_all();
  Outcome outcome{fn()};
  {
    // After this block the watchdog has forgotten the instance: a reused instance can never
    // be interrupted by an earlier request's deadline.
    std::lock_guard lock(mu_);
    armed_.erase(it);
    outcome.timed_out = armed.fired;
  }
  if (!outcome.timed_out) instance.clear_interrupt();
  return outcome;
}

void Watchdog::interrupt_all() {
  std::lock_guard lock(mu_);
  for (auto& [when, armed] : armed_) {
    armed->fired = true;
    armed->instance->interrupt();
  }
}

void Watchdog::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto now = std::chrono::steady_clock::now();
    for (auto& [when, armed] : armed_) {
      if (when > now) break;
      if (!armed->fired) {
        armed->fired = true;
        armed->instance->interrupt();
      }
    }
    // Sleep until the earliest deadline not yet fired (or a new one is armed).
    // The deadline is copied: wait_until reads it again after waking, when run() may already
    // have erased the node holding it (ASan found that use-after-free).
    auto next = armed_.upper_bound(now);
    if (next == armed_.end()) {
      cv_.wait(lock);
    } else {
      const auto deadline = next->first;
      cv_.wait_until(lock, deadline);
    }
  }
}

HttpResponse error_response(http::status status, unsigned version) {
  HttpResponse res{status, version};
  res.set(http::field::content_type, "text/plain");
  res.body() = std::to_string(static_cast<unsigned>(status)) + " " + std::string(http::obsolete_reason(status)) + "\n";
  return res;
}

}  // namespace tern::net
