// Runtime helpers called by generated code (jit/vmctx.h lists them with their signatures).
// Each checks its ranges without overflow and returns 0 or 1 + TrapKind; none throws or
// holds a destructor across wasm code.
#include <cstring>

#include "host/runtime/runtime.h"
#include "memory/shared_copy.h"
#include "threads/parking_lot.h"

namespace tern {
namespace {

constexpr uint32_t trap(TrapKind k) { return 1 + static_cast<uint32_t>(k); }

Instance& instance_of(VMContext* vm) { return *vm->instance; }

uint32_t memory_size(VMContext* vm, uint32_t mem) { return instance_of(vm).memory(mem)->pages(); }

uint32_t memory_grow(VMContext* vm, uint32_t delta, uint32_t mem) {
  return static_cast<uint32_t>(instance_of(vm).memory(mem)->grow(delta));
}

uint32_t memory_copy(VMContext* vm, uint32_t dst, uint32_t src, uint32_t n, uint32_t dst_mem, uint32_t src_mem) {
  LinearMemory* dm = instance_of(vm).memory(dst_mem);
  LinearMemory* sm = instance_of(vm).memory(src_mem);
  uint8_t* d = dm->checked(dst, n);
  uint8_t* s = sm->checked(src, n);
  if (!d || !s) return trap(TrapKind::MemoryOutOfBounds);
  if (dm->shared() || sm->shared()) shared_memmove(d, s, n);  // memory/shared_copy.h
  else std::memmove(d, s, n);
  return 0;
}

uint32_t memory_fill(VMContext* vm, uint32_t dst, uint32_t value, uint32_t n, uint32_t mem) {
  LinearMemory* m = instance_of(vm).memory(mem);
  uint8_t* d = m->checked(dst, n);
  if (!d) return trap(TrapKind::MemoryOutOfBounds);
  if (m->shared()) shared_memset(d, static_cast<uint8_t>(value), n);
  else std::memset(d, static_cast<int>(value & 0xff), n);
  return 0;
}

uint32_t memory_init(VMContext* vm, uint32_t dst, uint32_t src, uint32_t n, uint32_t seg, uint32_t mem) {
  Instance& inst = instance_of(vm);
  const DataSegment& ds = inst.module().info().datas[seg];
  uint64_t size = inst.dropped_data[seg] ? 0 : ds.init.size;
  LinearMemory* m = inst.memory(mem);
  uint8_t* d = m->checked(dst, n);
  if (!d || uint64_t{src} + n > size) return trap(TrapKind::MemoryOutOfBounds);
  const uint8_t* s = inst.module().info().bytes.data() + ds.init.offset + src;
  if (m->shared()) shared_memmove(d, s, n);
  else std::memcpy(d, s, n);
  return 0;
}

void data_drop(VMContext* vm, uint32_t seg) { instance_of(vm).dropped_data[seg] = true; }

uint32_t table_size(VMContext* vm, uint32_t table) { return instance_of(vm).table(table)->size(); }

uint32_t table_grow(VMContext* vm, uint32_t table, void* init, uint32_t delta) {
  return static_cast<uint32_t>(instance_of(vm).table(table)->grow(delta, init));
}

// table.set on a funcref table (externref tables store inline): the owner is kept first.
uint32_t table_set(VMContext* vm, uint32_t table, uint32_t index, void* value) {
  Table* t = instance_of(vm).table(table);
  if (index >= t->size()) return trap(TrapKind::TableOutOfBounds);
  t->keep({&value, 1});
  t->data.elements[index] = value;
  return 0;
}

// global.set on a funcref global: the global's keeper keeps the function's owner first.
void global_set_ref(VMContext* vm, uint32_t global, void* value) { instance_of(vm).global(global)->set_funcref(value); }

uint32_t table_fill(VMContext* vm, uint32_t table, uint32_t dst, void* value, uint32_t n) {
  Table* t = instance_of(vm).table(table);
  if (uint64_t{dst} + n > t->size()) return trap(TrapKind::TableOutOfBounds);
  t->keep({&value, 1});
  for (uint32_t i = 0; i < n; ++i) t->elements[dst + i] = value;
  return 0;
}

uint32_t table_copy(VMContext* vm, uint32_t dst_table, uint32_t src_table, uint32_t dst, uint32_t src, uint32_t n) {
  Table* d = instance_of(vm).table(dst_table);
  Table* s = instance_of(vm).table(src_table);
  if (uint64_t{dst} + n > d->size() || uint64_t{src} + n > s->size()) return trap(TrapKind::TableOutOfBounds);
  if (d != s) d->keep({s->elements.data() + src, n});
  std::memmove(d->elements.data() + dst, s->elements.data() + src, n * sizeof(void*));
  return 0;
}

uint32_t table_init(VMContext* vm, uint32_t table, uint32_t dst, uint32_t src, uint32_t n, uint32_t seg) {
  Instance& inst = instance_of(vm);
  Table* t = inst.table(table);
  const auto& items = inst.elem_values[seg];
  uint64_t size = inst.dropped_elems[seg] ? 0 : items.size();
  if (uint64_t{dst} + n > t->size() || uint64_t{src} + n > size) return trap(TrapKind::TableOutOfBounds);
  t->keep({items.data() + src, n});
  for (uint32_t i = 0; i < n; ++i) t->elements[dst + i] = items[src + i];
  return 0;
}

void elem_drop(VMContext* vm, uint32_t seg) { instance_of(vm).dropped_elems[seg] = true; }

// ---- wait and notify: the result in the low half, 0 or 1 + TrapKind in the high half ----

constexpr uint64_t wait_trap(TrapKind k) { return uint64_t{trap(k)} << 32; }

// Alignment, then bounds, in the spec interpreter's order. Returns 0 or a wait_trap code.
uint64_t check_cell(const LinearMemory& m, uint64_t ea, uint32_t bytes) {
  if (ea % bytes != 0) return wait_trap(TrapKind::UnalignedAtomic);
  if (m.checked(ea, bytes) == nullptr) return wait_trap(TrapKind::MemoryOutOfBounds);
  return 0;
}

uint64_t atomic_wait(VMContext* vm, uint32_t addr, uint64_t expected, uint32_t bytes, int64_t timeout_ns,
                     uint32_t mem, uint64_t offset) {
  const LinearMemory& m = *instance_of(vm).memory(mem);
  const uint64_t ea = uint64_t{addr} + offset;
  if (uint64_t t = check_cell(m, ea, bytes)) return t;
  // Only another thread could wake this one, and only a shared memory has other threads.
  if (!m.shared()) return wait_trap(TrapKind::WaitOnUnshared);
  auto r = ParkingLot::global().wait({m.base(), ea}, bytes, expected, timeout_ns, &vm->interrupt);
  if (r == ParkingLot::WaitResult::Interrupted) return wait_trap(TrapKind::Interrupted);
  return static_cast<uint32_t>(r);
}

uint64_t atomic_wait32(VMContext* vm, uint32_t addr, uint32_t expected, int64_t timeout_ns, uint32_t mem,
                       uint64_t offset) {
  return atomic_wait(vm, addr, expected, 4, timeout_ns, mem, offset);
}

uint64_t atomic_wait64(VMContext* vm, uint32_t addr, uint64_t expected, int64_t timeout_ns, uint32_t mem,
                       uint64_t offset) {
  return atomic_wait(vm, addr, expected, 8, timeout_ns, mem, offset);
}

uint64_t atomic_notify(VMContext* vm, uint32_t addr, uint32_t count, uint32_t mem, uint64_t offset) {
  const LinearMemory& m = *instance_of(vm).memory(mem);
  const uint64_t ea = uint64_t{addr} + offset;
  if (uint64_t t = check_cell(m, ea, 4)) return t;
  if (!m.shared()) return 0;  // nobody can wait on an unshared memory (the spec: 0 woken)
  return ParkingLot::global().notify({m.base(), ea}, count);
}

}  // namespace

void install_helpers(VMContext& vm) {
  auto set = [&](Helper h, auto* fn) { vm.helpers[static_cast<size_t>(h)] = reinterpret_cast<const void*>(fn); };
  set(Helper::RaiseTrap, &tern_raise_trap);
  set(Helper::MemoryGrow, &memory_grow);
  set(Helper::MemorySize, &memory_size);
  set(Helper::MemoryCopy, &memory_copy);
  set(Helper::MemoryFill, &memory_fill);
  set(Helper::MemoryInit, &memory_init);
  set(Helper::DataDrop, &data_drop);
  set(Helper::TableSet, &table_set);
  set(Helper::TableSize, &table_size);
  set(Helper::TableGrow, &table_grow);
  set(Helper::TableFill, &table_fill);
  set(Helper::TableCopy, &table_copy);
  set(Helper::TableInit, &table_init);
  set(Helper::ElemDrop, &elem_drop);
  set(Helper::AtomicWait32, &atomic_wait32);
  set(Helper::AtomicWait64, &atomic_wait64);
  set(Helper::AtomicNotify, &atomic_notify);
  set(Helper::GlobalSetRef, &global_set_ref);
}

}  // namespace tern
