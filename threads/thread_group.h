// wasi-threads: `wasi.thread-spawn(start_arg) -> tid` and the group of threads of one program.
// DESIGN block in threads/thread_group.cpp.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "host/runtime/runtime.h"
#include "tern/result.h"

namespace tern {

struct ThreadLimits {
  uint32_t max_threads = 64;          // spawned threads running at once (the main one not counted)
  size_t stack_size = size_t{8} << 20;  // wasm stack of each spawned thread, in bytes (TLS and host room extra)
};

// Thread ids are in [1, kMaxThreadId] (wasi-threads reserves the upper bits).
inline constexpr int32_t kMaxThreadId = (int32_t{1} << 29) - 1;

// What thread-spawn returns on failure (always negative, as wasi-threads requires).
enum class SpawnFailure : int32_t {
  TooManyThreads = -1,  // max_threads threads are running
  NoStartExport = -2,   // the module has no `wasi_thread_start: (i32, i32) -> ()` export
  Instantiate = -3,     // instantiating the module again failed (or its start function trapped)
  OsThread = -4,        // the OS refused a new thread, or thread ids ran out
  Ending = -5,          // the program is ending: no new threads
};

// How a program ended abnormally: the first trap or proc_exit of any of its threads.
struct ThreadEnding {
  Error error;
  int32_t tid = 0;  // 0: the main thread (or an instance added with add_instance)
};

class ThreadGroup {
 public:
  explicit ThreadGroup(const ThreadLimits& limits);
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;
  // finish(): no thread outlives its group.
  ~ThreadGroup();

  const ThreadLimits& limits() const { return limits_; }

  // The host function a module imports as `wasi`.`thread-spawn`: (i32) -> i32. It refers to
  // the group weakly (the group owns the imports that own this function), so the owner must
  // keep the group alive until finish() has returned.
  static std::shared_ptr<HostFunc> make_spawn_function(const std::shared_ptr<ThreadGroup>& group);

  // What every spawned thread instantiates: the module again, with these imports (the same
  // shared memory, the same host functions). Set once, before any spawn.
  void set_program(std::shared_ptr<Module> module, std::vector<Extern> imports, InstanceLimits limits);
  // An instance that runs outside the group's threads (the main one): end() interrupts it.
  void add_instance(std::shared_ptr<Instance> instance);
  // Called once, on the first spawn refused for the thread limit (for a warning).
  void on_limit_reached(std::function<void(uint32_t max_threads)> fn) { on_limit_ = std::move(fn); }
  // Runs on each spawned thread's new instance before its thread starts (e.g. to load side
  // modules into it, host/runtime/side_module.h); an error fails the spawn (Instantiate).
  // Set once, before any spawn.
  void on_instantiate(std::function<Status(Instance&)> fn) { on_instantiate_ = std::move(fn); }

  // Instantiates the program again and calls its `wasi_thread_start(tid, start_arg)` on a new
  // native thread. Returns the new tid (> 0), or a SpawnFailure.
  int32_t spawn(uint32_t start_arg);

  // Records `e` as how the program ends, unless an ending is already recorded or finish() was
  // called, and interrupts every instance of the group. Returns whether it was recorded.
  bool end(Error e, int32_t tid);
  // The recorded ending, if any.
  std::optional<ThreadEnding> ending() const;
  // The program is over (its main function returned or it ended): refuses new threads,
  // interrupts every spawned thread and joins them all. Idempotent.
  void finish();

  // Spawned threads running now, and spawns refused for the limit so far.
  uint32_t running() const;
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  struct Thread;
  static void* thread_main(void* arg);
  void reap_locked();

  const ThreadLimits limits_;
  std::shared_ptr<Module> module_;
  std::vector<Extern> imports_;
  InstanceLimits instance_limits_;
  std::function<void(uint32_t)> on_limit_;
  std::function<Status(Instance&)> on_instantiate_;

  mutable std::mutex mu_;
  std::list<std::unique_ptr<Thread>> threads_;            // guarded by mu_
  std::vector<std::shared_ptr<Instance>> outside_;        // guarded by mu_
  std::optional<ThreadEnding> ending_;                    // guarded by mu_
  bool finishing_ = false;                                // guarded by mu_
  uint32_t reserved_ = 0;  // threads being created or running; guarded by mu_
  int32_t next_tid_ = 1;   // guarded by mu_
  std::atomic<uint64_t> refused_{0};
  std::once_flag warned_;
};

}  // namespace tern
