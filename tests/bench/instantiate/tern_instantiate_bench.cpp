// tern-instantiate-bench: the tern side of tests/bench/instantiate/run.py. Compiles a module
// once, then times, for fresh instances (Instance::instantiate) and pooled ones
// (InstancePool::instantiate), loops of: instantiate, call the init export (if given), call the
// export (if given) with i32 argument 7, drop the instance. Prints one JSON line:
//   {"fresh": {"per_sec": x, "median_us": y}, "pooled": {...}, "iterations": N, "repeat": R}
// per_sec is the best loop's instances per second, median_us the best loop's median latency.
// A module with imports is linked against WASI preview1 (never started).
// Usage: tern-instantiate-bench FILE.wasm [--call NAME] [--init NAME] [--iterations N] [--repeat R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "host/runtime/instance_pool.h"
#include "host/runtime/runtime.h"
#include "host/wasi/wasi.h"

using namespace tern;

namespace {

using Clock = std::chrono::steady_clock;

struct Timing {
  double per_sec = 0;
  double median_us = 0;
};

struct Options {
  std::string call;
  std::string init;
  int iterations = 2000;
  int repeat = 5;
};

// One instantiate-call-drop; false (with a message) on any error.
bool once(const std::function<Result<std::shared_ptr<Instance>>()>& make, const Options& o) {
  auto inst = make();
  if (!inst.ok()) {
    std::fprintf(stderr, "tern-instantiate-bench: %s\n", inst.error().message().c_str());
    return false;
  }
  if (!o.init.empty()) {
    auto r = (*inst)->call(o.init, {});
    if (!r.ok()) {
      std::fprintf(stderr, "tern-instantiate-bench: %s: %s\n", o.init.c_str(), r.error().message().c_str());
      return false;
    }
  }
  if (!o.call.empty()) {
    const Value arg = Value::i32(7);
    auto r = (*inst)->call(o.call, std::span<const Value>(&arg, 1));
    if (!r.ok()) {
      std::fprintf(stderr, "tern-instantiate-bench: %s: %s\n", o.call.c_str(), r.error().message().c_str());
      return false;
    }
  }
  return true;  // the instance is dropped here
}

bool measure(const std::function<Result<std::shared_ptr<Instance>>()>& make, const Options& o, Timing& best) {
  for (int i = 0; i < o.iterations / 10 + 1; ++i)
    if (!once(make, o)) return false;  // warm-up
  for (int r = 0; r < o.repeat; ++r) {
    std::vector<double> us;
    us.reserve(static_cast<size_t>(o.iterations));
    const auto loop_start = Clock::now();
    for (int i = 0; i < o.iterations; ++i) {
      const auto t = Clock::now();
      if (!once(make, o)) return false;
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - loop_start).count();
    std::sort(us.begin(), us.end());
    best.per_sec = std::max(best.per_sec, o.iterations / seconds);
    const double median = us[us.size() / 2];
    best.median_us = best.median_us == 0 ? median : std::min(best.median_us, median);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const char* file = nullptr;
  Options o;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--call") && has_value) o.call = argv[++i];
    else if (!std::strcmp(argv[i], "--init") && has_value) o.init = argv[++i];
    else if (!std::strcmp(argv[i], "--iterations") && has_value) o.iterations = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--repeat") && has_value) o.repeat = std::max(1, std::atoi(argv[++i]));
    else if (argv[i][0] != '-' && !file) file = argv[i];
    else {
      std::fprintf(stderr, "usage: tern-instantiate-bench FILE.wasm [--call NAME] [--init NAME] [--iterations N] [--repeat R]\n");
      return 2;
    }
  }
  if (!file) {
    std::fprintf(stderr, "tern-instantiate-bench: no module given\n");
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "tern-instantiate-bench: cannot open %s\n", file);
    return 1;
  }
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto module = Module::compile(bytes);
  if (!module.ok()) {
    std::fprintf(stderr, "tern-instantiate-bench: %s\n", module.error().message().c_str());
    return 1;
  }
  std::vector<Extern> imports;
  if (!(*module)->info().imports.empty()) {
    auto wasi = wasi::Wasi::create(wasi::WasiConfig{});
    if (!wasi.ok()) {
      std::fprintf(stderr, "tern-instantiate-bench: %s\n", wasi.error().message().c_str());
      return 1;
    }
    auto linked = wasi::link_imports(*wasi, (*module)->info());
    if (!linked.ok()) {
      std::fprintf(stderr, "tern-instantiate-bench: %s\n", linked.error().message().c_str());
      return 1;
    }
    imports = std::move(*linked);
  }
  auto pool = InstancePool::create(*module, imports, InstanceLimits{});
  if (!pool.ok()) {
    std::fprintf(stderr, "tern-instantiate-bench: %s\n", pool.error().message().c_str());
    return 1;
  }
  Timing fresh, pooled;
  if (!measure([&] { return Instance::instantiate(*module, imports); }, o, fresh)) return 1;
  if (!measure([&] { return (*pool)->instantiate(); }, o, pooled)) return 1;
  std::printf("{\"fresh\": {\"per_sec\": %.0f, \"median_us\": %.2f}, \"pooled\": {\"per_sec\": %.0f, \"median_us\": %.2f}, "
              "\"iterations\": %d, \"repeat\": %d}\n",
              fresh.per_sec, fresh.median_us, pooled.per_sec, pooled.median_us, o.iterations, o.repeat);
  return 0;
}
