// Handles to memories, tables and globals: exported by an instance, or made by the host to be
// imported (Linker::define). Each handle keeps what it points to alive.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "host/runtime/runtime.h"
#include "memory/linear_memory.h"
#include "tern/result.h"
#include "tern/values.h"

namespace tern {

class Memory {
 public:
  Memory() = default;
  // A host memory, e.g. Memory::create({Limits{1, 16, /*shared=*/true}}). `limit_pages` is
  // the embedder's bound on its growth.
  static Result<Memory> create(const MemoryType& type, uint32_t limit_pages = kMaxPages32);
  static Result<Memory> from_extern(const Extern& e);

  bool valid() const { return memory_ != nullptr; }
  uint8_t* data() const { return memory_->base(); }
  uint64_t size() const { return memory_->size_bytes(); }
  uint32_t pages() const { return memory_->pages(); }
  bool shared() const { return memory_->shared(); }
  // memory.grow: the old size in pages, or -1 (past the maximum or the embedder's limit).
  int64_t grow(uint32_t delta_pages) const { return memory_->grow(delta_pages); }
  // [offset, offset + len) if it lies wholly inside the memory, else an Error; no overflow.
  Result<std::span<uint8_t>> span(uint64_t offset, uint64_t len) const;
  Status read(uint64_t offset, std::span<uint8_t> out) const;
  Status write(uint64_t offset, std::span<const uint8_t> bytes) const;

  LinearMemory* raw() const { return memory_; }
  Extern as_extern() const;

 private:
  LinearMemory* memory_ = nullptr;
  std::shared_ptr<void> owner_;
};

// A table. (The names TableRef and GlobalRef: tern::Table and tern::Global are the runtime's
// table object and a module's global definition.)
class TableRef {
 public:
  TableRef() = default;
  // A host table of `type`, every element null; a Limit error when its minimum is above the
  // implementation limit (10,000,000 elements) or its storage cannot be reserved.
  static Result<TableRef> create(const TableType& type);
  static Result<TableRef> from_extern(const Extern& e);

  bool valid() const { return table_ != nullptr; }
  const TableType& type() const { return table_->type; }
  uint32_t size() const { return table_->size(); }
  // table.grow with null elements: the old size, or -1.
  int64_t grow(uint32_t delta) const { return table_->grow(delta, nullptr); }

  Table* raw() const { return table_; }
  Extern as_extern() const;

 private:
  Table* table_ = nullptr;
  std::shared_ptr<void> owner_;
};

class GlobalRef {
 public:
  GlobalRef() = default;
  // A host global; `init` must have the global's value type.
  static Result<GlobalRef> create(GlobalType type, const Val& init);
  static Result<GlobalRef> from_extern(const Extern& e);

  bool valid() const { return global_ != nullptr; }
  const GlobalType& type() const { return global_->type; }
  Val get() const;
  // Usage error if the global is immutable or `v` has another type.
  Status set(const Val& v) const;

  Extern as_extern() const;

 private:
  GlobalInstance* global_ = nullptr;
  std::shared_ptr<void> owner_;
};

}  // namespace tern
