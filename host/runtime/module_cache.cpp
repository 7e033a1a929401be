// Module::compile through the code cache (jit/code_cache.h): decode, then load the code by its
// key or compile and store it.
#include "host/runtime/runtime.h"
#include "jit/code_cache.h"
#include "threads/worker_pool.h"

namespace tern {

Result<std::shared_ptr<Module>> Module::compile(std::span<const uint8_t> bytes, const DecodeOptions& options,
                                                WorkerPool* pool, CodeCache* cache) {
  if (cache == nullptr) return compile(bytes, options, pool);
  // A hit skips the compiler and with it the body validation it does: the key covers the
  // bytes and options, so the entry exists only if the same bodies validated before.
  DecodeOptions sections_only = options;
  sections_only.validate_functions = false;
  TERN_TRY(auto info, decode_module(bytes, sections_only));
  auto m = std::make_shared<Module>();
  m->info_ = std::move(info);
  m->features_ = options.features;
  const Digest256 key = CodeCache::key_for(bytes, options);
  m->code_ = cache->load(key, m->info_);
  if (m->code_) return m;
  TERN_TRY(m->code_, compile_module(m->info_, options.features, pool ? pool : &default_pool()));
  cache->store(key, *m->code_);
  return m;
}

}  // namespace tern
