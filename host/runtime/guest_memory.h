// Guest memory helpers for embedders: allocate in a guest through its own allocator, and turn
// guest offsets into host pointers (and back) only when the whole range lies inside memory 0.
//
// DESIGN
// 1. Every range check reads the memory's current size once (an acquire load; a shared memory
//    may be grown by another thread at any moment) and never overflows: offset and size are
//    64-bit, and the check is `size <= mem && offset <= mem - size`. Memories never shrink, so
//    a range that was inside stays inside and its pointer stays valid while the memory lives.
// 2. Calls into the guest allocator ("malloc"/"free", else "cabi_realloc") of one instance are
//    serialized on Instance::guest_alloc_mu: the allocator runs on the instance's own shadow
//    stack (`__stack_pointer`) and globals, which two host threads must not use at once. Other
//    instances sharing the memory (wasi-threads) have their own stacks; the guest allocator's
//    own locking covers them.
// 3. Whatever the allocator returns is checked like any guest pointer: 0 is "allocation
//    failed", and a block not wholly inside memory 0 is an error, never a host pointer.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "host/runtime/runtime.h"
#include "tern/result.h"

namespace tern {

// A block in guest memory: its offset in memory 0 and the host address of that offset.
struct GuestBuffer {
  uint32_t offset = 0;
  uint8_t* native = nullptr;
};

// Allocates `size` bytes with the guest's exported "malloc" (i32 -> i32), or else with
// "cabi_realloc(0, 0, 8, size)". Fails when the instance has no memory or no allocator, the
// allocator traps or returns 0, or the block is not wholly inside memory 0.
Result<GuestBuffer> module_malloc(Instance& instance, uint32_t size);

// Frees a block from module_malloc with the guest's exported "free" (i32 -> nil).
Status module_free(Instance& instance, uint32_t offset);

// The host address of guest range [offset, offset + size) of memory 0, or nullptr unless the
// range lies wholly inside the memory's current size.
uint8_t* app_to_native(Instance& instance, uint64_t offset, uint64_t size);

// The guest offset of a host address inside memory 0 (base <= native < base + size).
std::optional<uint64_t> native_to_app(Instance& instance, const void* native);

// The NUL-terminated string at `offset` (without its NUL), if the string and its NUL lie
// wholly inside memory 0. With a shared memory other threads may still change the bytes.
Result<std::string_view> validate_app_str(Instance& instance, uint64_t offset);

}  // namespace tern
