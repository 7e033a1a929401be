// tern::Engine: the configuration every module and instance of an embedding shares.
//
// DESIGN
// 1. An Engine is a cheap, copyable handle to immutable shared state (its configuration and,
//    when `worker_threads` is set, its own compile pool). Modules, linkers and instances may
//    outlive the Engine object they came from; the pool lives as long as any copy.
// 2. Configuration is checked once, in Engine::create; everything built from an Engine may
//    rely on it (an instance's memory limit, the features a module is compiled with).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "jit/module.h"
#include "tern/result.h"

namespace tern {

class WorkerPool;
class CodeCache;
struct InstanceLimits;
struct ThreadLimits;

struct EngineConfig {
  // Threads that compile function bodies; 0 = the process-wide pool (one per core).
  unsigned worker_threads = 0;
  // Upper bound on every memory an instance defines, in 64 KiB pages (<= 65536 = 4 GiB).
  uint32_t max_memory_pages = kMaxPages32;
  // wasi-threads: guest threads running at once per program, and each one's wasm stack.
  uint32_t max_threads = 64;
  size_t thread_stack_size = size_t{8} << 20;
  // Proposals and decoder limits modules are compiled with.
  Features features;
  DecodeLimits limits;
  // Directory of the compiled-code cache (jit/code_cache.h); none = no cache. Module::compile
  // with this engine loads verified code from it, or compiles and stores.
  std::optional<std::string> cache_dir;
  uint64_t cache_max_bytes = uint64_t{1} << 30;
};

class Engine {
 public:
  // The default configuration.
  Engine();
  // Checks `config` (a Usage error names the first bad field) and starts its pool, if any.
  static Result<Engine> create(EngineConfig config);

  const EngineConfig& config() const;
  // The pool modules are compiled on.
  WorkerPool& pool() const;
  DecodeOptions decode_options() const;
  InstanceLimits instance_limits() const;
  // For a wasi-threads ThreadGroup (threads/thread_group.h): max_threads, thread_stack_size.
  ThreadLimits thread_limits() const;
  // The code cache opened from `cache_dir`, or nullptr.
  CodeCache* cache() const;

 private:
  struct State;
  explicit Engine(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

}  // namespace tern
