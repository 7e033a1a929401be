// Copies and fills on shared linear memory.
//
// DESIGN
// Other guest threads may touch the same bytes at the same time. The wasm memory model makes
// that a defined (if racy) program, so the host must not turn it into a C++ data race (UB, and
// what ThreadSanitizer reports): bytes of a shared memory are read and written with relaxed
// atomic accesses, in 8-byte words where source and destination are equally aligned.
// Unshared memories use plain memmove/memset.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tern {

// memmove semantics (overlap allowed).
void shared_memmove(uint8_t* dst, const uint8_t* src, size_t n);
void shared_memset(uint8_t* dst, uint8_t value, size_t n);

}  // namespace tern
