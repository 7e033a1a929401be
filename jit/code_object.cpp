#include "jit/code_object.h"

#include <sys/mman.h>

#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>

#include "jit/code_registry.h"
#include "jit/compiler/compiler.h"
#include "threads/worker_pool.h"

namespace tern {

CodeObject::~CodeObject() {
  if (!base_) return;
  unregister_code(base_);
  munmap(base_, mapped_);
}

int64_t CodeObject::function_at(uintptr_t pc) const {
  uintptr_t off = pc - reinterpret_cast<uintptr_t>(base_);
  if (pc < reinterpret_cast<uintptr_t>(base_) || off >= size_) return -1;
  // Bodies are laid out in function order: binary search the last start <= off.
  size_t lo = num_imported_, hi = offsets_.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (offsets_[mid] <= off) lo = mid + 1;
    else hi = mid;
  }
  if (lo == num_imported_) return -1;
  size_t f = lo - 1;
  return off < ends_[f] ? static_cast<int64_t>(f) : -1;
}

const CodeObject* CodeObject::code_object_at(uintptr_t pc) {
  CodeRange r;
  if (!lookup_code_range(pc, &r) || r.tag != kRegistryTag) return nullptr;
  return static_cast<const CodeObject*>(r.owner);
}

Result<std::shared_ptr<CodeObject>> CodeObject::create(uint32_t num_imported, std::span<const std::vector<uint8_t>> bodies) {
  std::shared_ptr<CodeObject> obj(new CodeObject());
  obj->num_imported_ = num_imported;
  obj->offsets_.assign(num_imported + bodies.size(), 0);
  obj->ends_.assign(num_imported + bodies.size(), 0);
  size_t total = 0;
  for (size_t i = 0; i < bodies.size(); ++i) {
    obj->offsets_[num_imported + i] = static_cast<uint32_t>(total);
    obj->ends_[num_imported + i] = static_cast<uint32_t>(total + bodies[i].size());
    total = (total + bodies[i].size() + 15) & ~size_t{15};
  }
  if (total > 0xffffffffu) return Error(ErrorKind::Limit, "module code exceeds 4 GiB");
  size_t page = 4096;
  size_t mapped = std::max<size_t>(page, (total + page - 1) & ~(page - 1));
  void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return Error(ErrorKind::Limit, "cannot map " + std::to_string(mapped) + " bytes of code");
  auto* base = static_cast<uint8_t*>(p);
  std::memset(base, 0xcc, mapped);  // int3 between functions
  for (size_t i = 0; i < bodies.size(); ++i)
    std::memcpy(base + obj->offsets_[num_imported + i], bodies[i].data(), bodies[i].size());
  if (mprotect(p, mapped, PROT_READ | PROT_EXEC) != 0) {
    munmap(p, mapped);
    return Error(ErrorKind::Limit, "cannot make code executable");
  }
  obj->base_ = base;
  obj->size_ = std::max<size_t>(total, 1);
  obj->mapped_ = mapped;
  register_code(base, base + obj->size_, obj.get(), kRegistryTag);
  return obj;
}

Result<std::shared_ptr<CodeObject>> CodeObject::from_image(uint32_t num_imported, std::span<const uint8_t> image,
                                                           std::vector<uint32_t> offsets, std::vector<uint32_t> ends,
                                                           std::shared_ptr<const ModuleInfo> info) {
  if (image.empty() || image.size() > 0xffffffffu || offsets.size() != ends.size() || num_imported > offsets.size())
    return Error(ErrorKind::Malformed, "code image layout does not fit");
  uint32_t previous_end = 0;
  for (size_t f = num_imported; f < offsets.size(); ++f) {
    if (offsets[f] < previous_end || offsets[f] > ends[f] || ends[f] > image.size())
      return Error(ErrorKind::Malformed, "code image layout does not fit");
    previous_end = ends[f];
  }
  size_t page = 4096;
  size_t mapped = (image.size() + page - 1) & ~(page - 1);
  void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return Error(ErrorKind::Limit, "cannot map " + std::to_string(mapped) + " bytes of code");
  auto* base = static_cast<uint8_t*>(p);
  std::memset(base, 0xcc, mapped);
  std::memcpy(base, image.data(), image.size());
  if (mprotect(p, mapped, PROT_READ | PROT_EXEC) != 0) {
    munmap(p, mapped);
    return Error(ErrorKind::Limit, "cannot make code executable");
  }
  std::shared_ptr<CodeObject> obj(new CodeObject());
  obj->num_imported_ = num_imported;
  obj->offsets_ = std::move(offsets);
  obj->ends_ = std::move(ends);
  obj->info_ = std::move(info);
  obj->base_ = base;
  obj->size_ = image.size();
  obj->mapped_ = mapped;
  register_code(base, base + obj->size_, obj.get(), kRegistryTag);
  return obj;
}

Result<std::shared_ptr<CodeObject>> compile_module(const ModuleInfo& m, const Features& features, WorkerPool* pool,
                                                   CompileStats* stats) {
  auto start = std::chrono::steady_clock::now();
  uint32_t first = m.num_imported_functions;
  size_t n = m.functions.size() - first;
  std::vector<std::vector<uint8_t>> bodies(n);
  std::mutex error_mu;
  std::optional<Error> first_error;
  size_t first_error_index = SIZE_MAX;
  auto compile_one = [&](size_t i) {
    auto r = jit::compile_function(m, first + static_cast<uint32_t>(i), features);
    if (r.ok()) {
      bodies[i] = std::move(r->code);
      return;
    }
    std::lock_guard lock(error_mu);
    if (i < first_error_index) {  // report the lowest failing function, as a sequential compile would
      first_error_index = i;
      first_error = std::move(r).error();
    }
  };
  if (pool && n > 1) pool->parallel_for(n, compile_one);
  else for (size_t i = 0; i < n; ++i) compile_one(i);
  if (first_error) return std::move(*first_error);
  auto obj = CodeObject::create(first, bodies);
  if (stats && obj.ok()) {
    for (uint32_t f = first; f < m.functions.size(); ++f) stats->code_section_bytes += m.functions[f].body.size;
    stats->machine_code_bytes = (*obj)->size();
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return obj;
}

Result<std::shared_ptr<CodeObject>> compile_module(std::shared_ptr<const ModuleInfo> m, const Features& features,
                                                   WorkerPool* pool, CompileStats* stats) {
  TERN_TRY(auto obj, compile_module(*m, features, pool, stats));
  obj->info_ = std::move(m);
  return obj;
}

}  // namespace tern
