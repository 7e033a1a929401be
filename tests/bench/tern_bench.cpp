// tern-bench: the tern column of tests/bench/run.py. Compiles a module in memory, instantiates
// it without imports, calls `run` and prints one JSON line:
//   {"checksum": "<unsigned decimal>", "compile_ms": x, "run_ms": y}
// Usage: tern-bench FILE.wasm [--compile-only] [--threads N]
//        tern-bench FILE.wasm --instantiate N
// --instantiate N compiles once, then times N instantiations (each to a callable instance; a
// module that imports anything is linked against WASI preview1 once, before timing; the start
// function of a command is not run) and prints
//   {"compile_ms": x, "instantiate_best_ms": y, "instantiate_median_ms": z, "count": N}
// Each instance is dropped, untimed, before the next one is made.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "host/runtime/runtime.h"
#include "host/wasi/wasi.h"
#include "threads/worker_pool.h"

using namespace tern;

namespace {
double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

int instantiate_loop(const std::vector<uint8_t>& bytes, int count) {
  auto t0 = std::chrono::steady_clock::now();
  auto module = Module::compile(bytes, DecodeOptions{});
  double compile_ms = ms_since(t0);
  if (!module) {
    std::fprintf(stderr, "tern-bench: %s\n", module.error().message().c_str());
    return 1;
  }
  std::vector<Extern> imports;
  if (!(*module)->info().imports.empty()) {
    auto wasi = wasi::Wasi::create(wasi::WasiConfig{});
    if (!wasi) {
      std::fprintf(stderr, "tern-bench: %s\n", wasi.error().message().c_str());
      return 1;
    }
    auto linked = wasi::link_imports(*wasi, (*module)->info());
    if (!linked) {
      std::fprintf(stderr, "tern-bench: %s\n", linked.error().message().c_str());
      return 1;
    }
    imports = std::move(*linked);
  }
  std::vector<double> times;
  for (int i = 0; i < count; ++i) {
    auto t = std::chrono::steady_clock::now();
    auto inst = Instance::instantiate(*module, imports);
    double ms = ms_since(t);
    if (!inst) {
      std::fprintf(stderr, "tern-bench: %s\n", inst.error().message().c_str());
      return 1;
    }
    times.push_back(ms);
  }
  std::sort(times.begin(), times.end());
  std::printf("{\"compile_ms\": %.3f, \"instantiate_best_ms\": %.4f, \"instantiate_median_ms\": %.4f, \"count\": %d}\n",
              compile_ms, times.front(), times[times.size() / 2], count);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  const char* file = nullptr;
  bool compile_only = false;
  unsigned threads = 0;
  int instantiate = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--compile-only")) compile_only = true;
    else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = static_cast<unsigned>(std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--instantiate") && i + 1 < argc) instantiate = std::atoi(argv[++i]);
    else file = argv[i];
  }
  if (!file) {
    std::fprintf(stderr, "usage: tern-bench FILE.wasm [--compile-only] [--threads N] | FILE.wasm --instantiate N\n");
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in && bytes.empty()) {
    std::fprintf(stderr, "tern-bench: cannot read %s\n", file);
    return 1;
  }
  if (instantiate > 0) return instantiate_loop(bytes, instantiate);
  // --threads 1 compiles on the calling thread only; otherwise on a pool of N (default: all cores).
  std::unique_ptr<WorkerPool> pool;
  if (threads > 1) pool = std::make_unique<WorkerPool>(threads - 1);
  auto t0 = std::chrono::steady_clock::now();
  DecodeOptions opts;
  opts.validate_functions = false;  // the compiler validates bodies in its own pass, as Module::compile does
  auto info = decode_module(bytes, opts);
  if (!info) {
    std::fprintf(stderr, "tern-bench: %s\n", info.error().message().c_str());
    return 1;
  }
  WorkerPool* p = threads == 1 ? nullptr : pool ? pool.get() : &default_pool();
  CompileStats stats;
  auto code = compile_module(**info, opts.features, p, &stats);
  double compile_ms = ms_since(t0);
  if (!code) {
    std::fprintf(stderr, "tern-bench: %s\n", code.error().message().c_str());
    return 1;
  }
  if (compile_only) {
    std::printf("{\"compile_ms\": %.3f, \"code_bytes\": %zu, \"machine_code_bytes\": %zu}\n", compile_ms,
                stats.code_section_bytes, stats.machine_code_bytes);
    return 0;
  }
  auto module = Module::compile(bytes, opts, p);
  if (!module) {
    std::fprintf(stderr, "tern-bench: %s\n", module.error().message().c_str());
    return 1;
  }
  auto inst = Instance::instantiate(*module, {});
  if (!inst) {
    std::fprintf(stderr, "tern-bench: %s\n", inst.error().message().c_str());
    return 1;
  }
  auto t1 = std::chrono::steady_clock::now();
  auto r = (*inst)->call("run", {});
  double run_ms = ms_since(t1);
  if (!r) {
    std::fprintf(stderr, "tern-bench: run: %s\n", r.error().message().c_str());
    return 1;
  }
  uint64_t checksum = r->empty() ? 0 : (*r)[0].lo;
  std::printf("{\"checksum\": \"%llu\", \"compile_ms\": %.3f, \"run_ms\": %.3f}\n",
              static_cast<unsigned long long>(checksum), compile_ms, run_ms);
  return 0;
}
