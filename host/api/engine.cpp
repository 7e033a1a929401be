// Engine configuration, and Module::compile/validate with an Engine.

#include "tern/engine.h"

#include "host/runtime/runtime.h"
#include "jit/code_cache.h"
#include "threads/thread_group.h"
#include "threads/worker_pool.h"

namespace tern {

struct Engine::State {
  EngineConfig config;
  std::unique_ptr<WorkerPool> own_pool;  // null: the process-wide pool
  std::unique_ptr<CodeCache> cache;      // null: no cache_dir
};

namespace {
constexpr size_t kMinThreadStack = 64 * 1024;
constexpr unsigned kMaxWorkerThreads = 1024;
}  // namespace

Engine::Engine() {
  static const std::shared_ptr<const State> default_state = std::make_shared<State>();
  state_ = default_state;
}

Result<Engine> Engine::create(EngineConfig config) {
  if (config.max_memory_pages > kMaxPages32)
    return Error(ErrorKind::Usage) << "EngineConfig.max_memory_pages is " << config.max_memory_pages << ", at most " << kMaxPages32;
  if (config.thread_stack_size < kMinThreadStack)
    return Error(ErrorKind::Usage) << "EngineConfig.thread_stack_size is " << config.thread_stack_size << ", at least "
                                   << kMinThreadStack;
  if (config.worker_threads > kMaxWorkerThreads)
    return Error(ErrorKind::Usage) << "EngineConfig.worker_threads is " << config.worker_threads << ", at most " << kMaxWorkerThreads;
  if (config.cache_dir && config.cache_dir->empty()) return Error(ErrorKind::Usage) << "EngineConfig.cache_dir is empty";
  auto state = std::make_shared<State>();
  state->config = std::move(config);
  if (state->config.cache_dir) {
    auto cache = CodeCache::open(*state->config.cache_dir, state->config.cache_max_bytes);
    if (!cache) return std::move(cache).error().context("EngineConfig.cache_dir");
    state->cache = std::move(*cache);
  }
  if (state->config.worker_threads > 0) state->own_pool = std::make_unique<WorkerPool>(state->config.worker_threads);
  return Engine(std::move(state));
}

const EngineConfig& Engine::config() const { return state_->config; }

CodeCache* Engine::cache() const { return state_->cache.get(); }

WorkerPool& Engine::pool() const { return state_->own_pool ? *state_->own_pool : default_pool(); }

DecodeOptions Engine::decode_options() const {
  DecodeOptions options;
  options.features = state_->config.features;
  options.limits = state_->config.limits;
  return options;
}

InstanceLimits Engine::instance_limits() const {
  InstanceLimits limits;
  limits.max_memory_pages = state_->config.max_memory_pages;
  return limits;
}

ThreadLimits Engine::thread_limits() const {
  ThreadLimits limits;
  limits.max_threads = state_->config.max_threads;
  limits.stack_size = state_->config.thread_stack_size;
  return limits;
}

Result<std::shared_ptr<Module>> Module::compile(const Engine& engine, std::span<const uint8_t> bytes) {
  return compile(bytes, engine.decode_options(), &engine.pool(), engine.cache());
}

Status Module::validate(const Engine& engine, std::span<const uint8_t> bytes) {
  TERN_TRY_STATUS(decode_module(bytes, engine.decode_options()));
  return {};
}

}  // namespace tern
