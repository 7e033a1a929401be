// CodeObject: the executable code of one module, and the compiler driver that makes it.
//
// DESIGN
// 1. All functions of a module live in one mapping, each at a 16-byte aligned offset. The
//    mapping is written, then made read+execute (never both writable and executable), then
//    registered with the code registry so the trap handler recognizes its PCs.
// 2. Code is position-independent (jit/vmctx.h, invariant 2): nothing is patched on load.
// 3. A CodeObject is shared (std::shared_ptr) by its Module, each Instance and every FuncRef
//    holder that needs it; the mapping is unregistered and unmapped only with the last owner.
// 4. Functions compile in parallel on the worker pool; each writes only its own slot.
// 5. A CodeObject registers its range with kRegistryTag, so code_object_at(pc) may cast the
//    registry's owner back to a CodeObject; other owners (test snippets, glue) use other tags.
//    It may hold its ModuleInfo (set once, before the object is shared) to name functions in
//    backtraces.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "jit/module.h"
#include "tern/result.h"

namespace tern {

class WorkerPool;
struct CompileStats;

class CodeObject {
 public:
  ~CodeObject();
  CodeObject(const CodeObject&) = delete;
  CodeObject& operator=(const CodeObject&) = delete;

  // Entry of a defined function (index in the module's function index space).
  const void* entry(uint32_t func) const { return base_ + offsets_[func]; }
  const uint8_t* begin() const { return base_; }
  size_t size() const { return size_; }
  // The function whose code contains pc, or -1.
  int64_t function_at(uintptr_t pc) const;
  // The module this code was compiled from (names for backtraces), or nullptr.
  const ModuleInfo* module_info() const { return info_.get(); }

  static constexpr uint32_t kRegistryTag = 0x4a424f43;  // "COBJ"
  // The CodeObject whose registered range contains pc, or nullptr. Lock-free; the caller must
  // know the object is alive (e.g. pc is in a frame that is still running or just trapped).
  static const CodeObject* code_object_at(uintptr_t pc);

  // Maps the compiled bodies (one per defined function, in order) into executable memory.
  static Result<std::shared_ptr<CodeObject>> create(uint32_t num_imported, std::span<const std::vector<uint8_t>> bodies);

  // The layout, for the code cache (jit/code_cache.h): by function index, the start and end
  // of each body in the image [begin(), begin() + size()).
  uint32_t num_imported() const { return num_imported_; }
  std::span<const uint32_t> offsets() const { return offsets_; }
  std::span<const uint32_t> ends() const { return ends_; }
  // Maps an image with that layout (read back from the cache, already verified). Checks that
  // the layout fits the image; `info`, if given, names functions in backtraces.
  static Result<std::shared_ptr<CodeObject>> from_image(uint32_t num_imported, std::span<const uint8_t> image,
                                                        std::vector<uint32_t> offsets, std::vector<uint32_t> ends,
                                                        std::shared_ptr<const ModuleInfo> info);

 private:
  CodeObject() = default;
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;
  std::vector<uint32_t> offsets_;  // by function index; imports have none (0)
  std::vector<uint32_t> ends_;
  uint32_t num_imported_ = 0;
  std::shared_ptr<const ModuleInfo> info_;

  friend Result<std::shared_ptr<CodeObject>> compile_module(std::shared_ptr<const ModuleInfo> m,
                                                            const Features& features, WorkerPool* pool,
                                                            CompileStats* stats);
};

struct CompileStats {
  size_t code_section_bytes = 0;
  size_t machine_code_bytes = 0;
  double seconds = 0;
};

// Compiles every defined function of `m` (in parallel when `pool` is given).
Result<std::shared_ptr<CodeObject>> compile_module(const ModuleInfo& m, const Features& features,
                                                   WorkerPool* pool = nullptr, CompileStats* stats = nullptr);
// The same, and the CodeObject keeps `m` to name functions in backtraces.
Result<std::shared_ptr<CodeObject>> compile_module(std::shared_ptr<const ModuleInfo> m, const Features& features,
                                                   WorkerPool* pool = nullptr, CompileStats* stats = nullptr);

}  // namespace tern
