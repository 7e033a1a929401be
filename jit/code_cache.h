// CodeCache: compiled modules on disk, so a module compiled once starts without compiling.
//
// DESIGN
// 1. One file per module, named by its key: SHA-256 of the module bytes, the tern version and
//    build id, the decode options (features, limits) and the host CPU features the compiler
//    looks at. Anything that can change the generated code is in the key.
// 2. File: header (magic, format version, key, tern version, CPU features, counts), function
//    start and end offsets, the code image, then a SHA-256 checksum of everything before it.
//    Code is position-independent (jit/vmctx.h, invariant 2): no relocations, no trap table
//    (traps are out-of-line stubs inside the code) and no signature ids (read from the
//    VMContext) are needed; the header's relocation count is always 0.
// 3. Loading reads the whole file and verifies size, header and checksum before anything is
//    mapped executable (CodeObject::from_image maps a copy, then makes it read+execute). A bad
//    file costs one warning and counts as a miss; the caller compiles and stores again.
// 4. Writes go to a temporary file in the same directory, then rename(2) it over the entry:
//    readers see the old file or the new one, never a partial one, and concurrent writers of
//    the same module (threads or processes) each publish a complete, identical file.
// 5. Least recently used eviction: a hit touches the file's mtime; after a store, the oldest
//    entries go until the directory is within max_bytes.
// 6. The cache is an optimization: every I/O failure is a warning and a miss, never an error.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "jit/code_object.h"
#include "jit/module.h"
#include "jit/sha256.h"
#include "tern/result.h"

namespace tern {

struct CodeCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;    // including rejected files
  uint64_t rejected = 0;  // files that were there but failed verification
  uint64_t stores = 0;
  uint64_t evicted = 0;
};

class CodeCache {
 public:
  static constexpr uint64_t kDefaultMaxBytes = 1ull << 30;
  static constexpr uint32_t kFormatVersion = 2;  // 2: prologues read the per-thread stack limit
  using WarningHandler = std::function<void(std::string_view message)>;

  // Opens the cache in `dir`, creating the directory (and its parents) if needed.
  static Result<std::unique_ptr<CodeCache>> open(std::string dir, uint64_t max_bytes = kDefaultMaxBytes);

  // Where warnings go; the default prints "tern: warning: code cache: ..." on stderr. The
  // handler runs under the cache's lock: it must not call back into this cache.
  void set_warning_handler(WarningHandler handler);

  // The key of a module's code under these options on this host (invariant 1).
  static Digest256 key_for(std::span<const uint8_t> module_bytes, const DecodeOptions& options);
  // The CPU features the key includes, one bit each.
  static uint64_t host_cpu_features();

  // The cached code of `key` for `info` (whose function counts it must match), or nullptr.
  std::shared_ptr<CodeObject> load(const Digest256& key, std::shared_ptr<const ModuleInfo> info);
  // Writes the entry of `key` (atomically), then evicts if the cache is over its size.
  void store(const Digest256& key, const CodeObject& code);

  std::string path_for(const Digest256& key) const;
  const std::string& dir() const { return dir_; }
  uint64_t max_bytes() const { return max_bytes_; }
  CodeCacheStats stats() const;

 private:
  CodeCache(std::string dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  void warn(std::string_view message);
  void evict(const std::string& keep);

  std::string dir_;
  uint64_t max_bytes_;
  std::mutex mu_;  // guards warn_ and serializes eviction
  WarningHandler warn_;
  std::atomic<uint64_t> hits_{0}, misses_{0}, rejected_{0}, stores_{0}, evicted_{0};
};

}  // namespace tern
