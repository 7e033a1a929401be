// Test helper: a few x86-64 instructions assembled with asmjit and registered as wasm code.
#pragma once

#include <asmjit/x86.h>

#include <cstddef>
#include <cstdint>

#include "jit/code_registry.h"

namespace tern::test {

inline asmjit::JitRuntime& jit_runtime() {
  static asmjit::JitRuntime rt;
  return rt;
}

class JitSnippet {
 public:
  // emit(assembler, code) emits the function body; the code is registered with owner `this`.
  template <class Emit>
  explicit JitSnippet(Emit&& emit, bool register_it = true) : registered_(register_it) {
    asmjit::CodeHolder code;
    code.init(jit_runtime().environment());
    asmjit::x86::Assembler a(&code);
    emit(a, *this);
    void* fn = nullptr;
    ok_ = jit_runtime().add(&fn, &code) == asmjit::kErrorOk;
    begin_ = static_cast<uint8_t*>(fn);
    size_ = code.codeSize();
    for (size_t i = 0; i < kMaxLabels && i < label_count_; ++i) label_offsets_[i] = code.labelOffset(labels_[i]);
    if (ok_ && registered_) register_code(begin_, begin_ + size_, this);
  }
  JitSnippet(const JitSnippet&) = delete;
  JitSnippet& operator=(const JitSnippet&) = delete;
  ~JitSnippet() {
    if (!ok_) return;
    if (registered_) unregister_code(begin_);
    jit_runtime().release(begin_);
  }

  // Call from emit: binds a new label here and remembers its offset (index returned).
  size_t mark(asmjit::x86::Assembler& a) {
    asmjit::Label l = a.newLabel();
    a.bind(l);
    labels_[label_count_] = l;
    return label_count_++;
  }
  uintptr_t address_of_mark(size_t i) const { return reinterpret_cast<uintptr_t>(begin_) + label_offsets_[i]; }

  bool ok() const { return ok_; }
  uintptr_t begin() const { return reinterpret_cast<uintptr_t>(begin_); }
  size_t size() const { return size_; }
  template <class Sig>
  Sig* as() const { return reinterpret_cast<Sig*>(begin_); }

 private:
  static constexpr size_t kMaxLabels = 4;
  bool registered_;
  bool ok_ = false;
  uint8_t* begin_ = nullptr;
  size_t size_ = 0;
  asmjit::Label labels_[kMaxLabels];
  uint64_t label_offsets_[kMaxLabels] = {};
  size_t label_count_ = 0;
};

}  // namespace tern::test
