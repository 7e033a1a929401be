#include "memory/shared_copy.h"

#include <atomic>

namespace tern {
namespace {

template <class T>
T load(const uint8_t* p) {
  return std::atomic_ref<T>(*reinterpret_cast<T*>(const_cast<uint8_t*>(p))).load(std::memory_order_relaxed);
}
template <class T>
void store(uint8_t* p, T v) {
  std::atomic_ref<T>(*reinterpret_cast<T*>(p)).store(v, std::memory_order_relaxed);
}

void copy_forward(uint8_t* d, const uint8_t* s, size_t n) {
  size_t i = 0;
  if (((reinterpret_cast<uintptr_t>(d) ^ reinterpret_cast<uintptr_t>(s)) & 7) == 0) {
    for (; i < n && (reinterpret_cast<uintptr_t>(d + i) & 7); ++i) store<uint8_t>(d + i, load<uint8_t>(s + i));
    for (; i + 8 <= n; i += 8) store<uint64_t>(d + i, load<uint64_t>(s + i));
  }
  for (; i < n; ++i) store<uint8_t>(d + i, load<uint8_t>(s + i));
}

void copy_backward(uint8_t* d, const uint8_t* s, size_t n) {
  size_t i = n;
  if (((reinterpret_cast<uintptr_t>(d) ^ reinterpret_cast<uintptr_t>(s)) & 7) == 0) {
    for (; i > 0 && (reinterpret_cast<uintptr_t>(d + i) & 7); --i) store<uint8_t>(d + i - 1, load<uint8_t>(s + i - 1));
    for (; i >= 8; i -= 8) store<uint64_t>(d + i - 8, load<uint64_t>(s + i - 8));
  }
  for (; i > 0; --i) store<uint8_t>(d + i - 1, load<uint8_t>(s + i - 1));
}

}  // namespace

void shared_memmove(uint8_t* dst, const uint8_t* src, size_t n) {
  if (dst <= src || dst >= src + n) copy_forward(dst, src, n);
  else copy_backward(dst, src, n);
}

void shared_memset(uint8_t* dst, uint8_t value, size_t n) {
  size_t i = 0;
  for (; i < n && (reinterpret_cast<uintptr_t>(dst + i) & 7); ++i) store<uint8_t>(dst + i, value);
  uint64_t word = 0x0101010101010101ull * value;
  for (; i + 8 <= n; i += 8) store<uint64_t>(dst + i, word);
  for (; i < n; ++i) store<uint8_t>(dst + i, value);
}

}  // namespace tern
