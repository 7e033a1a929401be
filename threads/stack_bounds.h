// The calling thread's native stack, as pthreads reports it.
#pragma once

#include <pthread.h>

#include <cstdint>

namespace tern {

struct StackBounds {
  uintptr_t low = 0;   // lowest address (the stack grows down toward it)
  uintptr_t high = 0;  // one past the highest address
};

inline StackBounds current_thread_stack() {
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
  }
  return {reinterpret_cast<uintptr_t>(addr), reinterpret_cast<uintptr_t>(addr) + size};
}

}  // namespace tern
