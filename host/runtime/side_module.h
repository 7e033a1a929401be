// Side modules, dlopen-style: wasm-ld `-shared --experimental-pic` modules instantiated into a
// running main module, sharing its memory, its function table, its `__stack_pointer` and its
// exports, so the main module calls their functions through the table.
//
// DESIGN
// 1. Loading (load(), on the main module's first instance, before its threads start): read
//    dylink.0; allocate the side module's static data (mem_size bytes, zeroed, aligned) with
//    the main module's `malloc` (else fresh pages from memory.grow); grow the main table by the
//    module's table_size plus one slot per exported function (plus one per main-module function
//    named by a GOT.func import that is not in the table yet); resolve every import; instantiate;
//    fill the slots; run `__wasm_apply_data_relocs` and `__wasm_call_ctors` once.
// 2. The layout (`__memory_base`, `__table_base`, every slot and GOT value) is fixed by load()
//    and the same in every instance of the main module. A wasi-threads thread is a new
//    instance of the main module with its own table and `__stack_pointer`: attach() grows its
//    table the same way and instantiates every library again against it, so a function
//    pointer (a table index) means the same function in every thread, and side code running
//    on a thread uses that thread's stack. The static data is shared: with a shared memory,
//    wasm-ld's `__wasm_init_memory` start function initializes it only once (a flag in the
//    data), and relocations and constructors run only in load().
// 3. Symbol resolution, for env.* imports and GOT entries: the main module's exports first,
//    then earlier side modules in load order, then the module itself. GOT.mem values are
//    addresses (a side module's exported data globals are offsets from its `__memory_base`),
//    GOT.func values are table slots. An unresolved weak import is 0; any other is a Link
//    error naming the import and the side module.
// 4. Imports go through Instance::instantiate's normal checks: a side module whose
//    `env.memory` import differs in its shared flag from the main module's memory fails there,
//    with the error naming the import.
// 5. How the main module finds side functions: it imports `tern.dlopen(name) -> handle` and
//    `tern.dlsym(handle, symbol) -> value` (host_import()); `name` and `symbol` are
//    NUL-terminated strings in its memory; a handle is 1 + the load index (0: not loaded); a
//    function symbol's value is its table slot (a C function pointer), a data symbol's its
//    address; 0 when not found. Both only read the layout, so any thread may call them.
// 6. Not supported: thread-local data in side modules (`__tls_base`), dlclose (libraries stay
//    until the main module's instances go), loading while the main module's threads run,
//    dylink.0 "needed" entries (preload dependencies first, in order), and dlsym with handle 0
//    (RTLD_DEFAULT). Instance::interrupt() of a main instance does not reach code running in
//    its side instances (each instance has its own flag): the embedder interrupts instance()
//    too; `tern run` does so for the first instance's libraries.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/runtime/dylink.h"
#include "host/runtime/runtime.h"
#include "tern/result.h"

namespace tern {

class DynamicLinker : public std::enable_shared_from_this<DynamicLinker> {
 public:
  static std::shared_ptr<DynamicLinker> create();

  // `tern.dlopen: (i32) -> i32` and `tern.dlsym: (i32, i32) -> i32` for the main module's
  // imports (invariant 5); nullopt for any other import. The functions refer to the linker
  // weakly: its owner keeps it alive while the main module runs.
  std::optional<Extern> host_import(const Import& import);

  // Loads `side` into `main` (invariant 1) under `name`; returns its handle (>= 1). Errors
  // name the side module. Not concurrent with other loads or with threads of `main`.
  Result<uint32_t> load(Instance& main, std::string name, std::shared_ptr<Module> side);

  // Loads every library into another instance of the main module (a wasi-threads thread's),
  // at the same addresses and table slots (invariant 2). Thread-safe.
  Status attach(Instance& main_instance);

  // The handle of the library loaded under `name`.
  std::optional<uint32_t> find(std::string_view name) const;
  // A library's symbol: its table slot (functions) or address (data).
  std::optional<uint32_t> symbol(uint32_t handle, std::string_view name) const;
  // The library's instance in the instance load() was given; the pointer keeps that main
  // instance alive too (the side instance runs on its memory and table).
  std::shared_ptr<Instance> instance(uint32_t handle) const;

  struct Library;

 private:
  DynamicLinker() = default;
  std::vector<std::shared_ptr<const Library>> snapshot() const;

  mutable std::mutex mu_;  // guards libraries_ and first_instances_
  std::vector<std::shared_ptr<const Library>> libraries_;
  std::vector<std::shared_ptr<Instance>> first_instances_;
  std::vector<std::shared_ptr<HostFunc>> host_funcs_;  // dlopen, dlsym (made on first use)
};

}  // namespace tern
