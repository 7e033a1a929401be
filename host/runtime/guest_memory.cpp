// Guest memory helpers (DESIGN block in guest_memory.h).
#include "host/runtime/guest_memory.h"

#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace tern {
namespace {

// An exported function of exactly this type, or nullopt.
std::optional<Extern> exported_func(Instance& instance, std::string_view name, const FuncType& type) {
  auto e = instance.get_export(name);
  if (!e || e->kind != ExternKind::Func || !e->func_type || !(*e->func_type == type)) return std::nullopt;
  return e;
}

Result<uint32_t> call_allocator(Instance& instance, uint32_t size) {
  static const FuncType malloc_type{{ValType::I32}, {ValType::I32}};
  static const FuncType realloc_type{{ValType::I32, ValType::I32, ValType::I32, ValType::I32}, {ValType::I32}};
  std::vector<Value> results;
  if (auto f = exported_func(instance, "malloc", malloc_type)) {
    Value args[] = {Value::i32(size)};
    std::lock_guard lock(instance.guest_alloc_mu);
    TERN_TRY(results, Instance::call_ref(*f->func, *f->func_type, args));
  } else if (auto r = exported_func(instance, "cabi_realloc", realloc_type)) {
    // cabi_realloc(old_ptr, old_size, align, new_size) with no old block allocates.
    Value args[] = {Value::i32(0), Value::i32(0), Value::i32(8), Value::i32(size)};
    std::lock_guard lock(instance.guest_alloc_mu);
    TERN_TRY(results, Instance::call_ref(*r->func, *r->func_type, args));
  } else {
    return Error(ErrorKind::Usage, "the module exports no allocator (\"malloc\" (i32) -> (i32) or "
                                   "\"cabi_realloc\" (i32, i32, i32, i32) -> (i32))");
  }
  return static_cast<uint32_t>(results[0].lo);
}

}  // namespace

Result<GuestBuffer> module_malloc(Instance& instance, uint32_t size) {
  if (!instance.memory(0)) return Error(ErrorKind::Usage, "module_malloc: the instance has no memory");
  auto offset = call_allocator(instance, size);
  if (!offset.ok()) return std::move(offset).error().context("module_malloc(" + std::to_string(size) + ")");
  if (*offset == 0) return Error(ErrorKind::Limit, "module_malloc(" + std::to_string(size) + "): the guest allocator returned 0");
  uint8_t* native = app_to_native(instance, *offset, size);
  if (!native)
    return Error(ErrorKind::Instantiate) << "module_malloc(" << size << "): the guest allocator returned block ["
                                         << *offset << ", +" << size << ") outside memory 0 ("
                                         << instance.memory(0)->size_bytes() << " bytes)";
  return GuestBuffer{*offset, native};
}

Status module_free(Instance& instance, uint32_t offset) {
  static const FuncType free_type{{ValType::I32}, {}};
  auto f = exported_func(instance, "free", free_type);
  if (!f) return Error(ErrorKind::Usage, "module_free: the module exports no \"free\" (i32) -> ()");
  Value args[] = {Value::i32(offset)};
  std::lock_guard lock(instance.guest_alloc_mu);
  auto r = Instance::call_ref(*f->func, *f->func_type, args);
  if (!r.ok()) return std::move(r).error().context("module_free(" + std::to_string(offset) + ")");
  return {};
}

uint8_t* app_to_native(Instance& instance, uint64_t offset, uint64_t size) {
  LinearMemory* mem = instance.memory(0);
  return mem ? mem->checked(offset, size) : nullptr;
}

std::optional<uint64_t> native_to_app(Instance& instance, const void* native) {
  LinearMemory* mem = instance.memory(0);
  if (!mem) return std::nullopt;
  auto p = reinterpret_cast<uintptr_t>(native);
  auto base = reinterpret_cast<uintptr_t>(mem->base());
  if (p < base || p - base >= mem->size_bytes()) return std::nullopt;
  return p - base;
}

Result<std::string_view> validate_app_str(Instance& instance, uint64_t offset) {
  LinearMemory* mem = instance.memory(0);
  if (!mem) return Error(ErrorKind::Usage, "validate_app_str: the instance has no memory");
  uint64_t size = mem->size_bytes();  // one read: the bounds below agree with each other
  if (offset >= size)
    return Error(ErrorKind::Usage) << "validate_app_str: offset " << offset << " is outside memory 0 (" << size << " bytes)";
  const auto* start = reinterpret_cast<const char*>(mem->base() + offset);
  const void* nul = std::memchr(start, 0, size - offset);
  if (!nul)
    return Error(ErrorKind::Usage) << "validate_app_str: the string at " << offset << " has no NUL before the end of memory 0";
  return std::string_view(start, static_cast<const char*>(nul) - start);
}

}  // namespace tern
