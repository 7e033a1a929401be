// DESIGN (threads/thread_group.h, threads/thread_group.cpp)
// wasi-threads: a guest calls `wasi.thread-spawn(start_arg)`; the host instantiates the module
// again with the same imports (so the same shared memory) and calls the new instance's export
// `wasi_thread_start(tid, start_arg)` on a new native thread. A ThreadGroup is the set of
// threads of one program (one `tern run`).
// 1. Thread ids are unique within a group, handed out from 1 upwards, never reused, and stay
//    in [1, kMaxThreadId]. Every failure returns a negative SpawnFailure; spawn never blocks
//    on other guest threads (so a refused spawn is an answer, not a hang).
// 2. Instantiation runs on the spawning thread, outside the lock: a module whose start
//    function fails makes spawn fail, and a slow start function delays no other spawn. The
//    thread slot is reserved first (the limit holds even while several threads instantiate)
//    and the new thread is registered under the lock only if the program is not ending, so an
//    instance is either interrupted by end()/finish() or never runs.
// 3. A trap, proc_exit or any other error that ends `wasi_thread_start` ends the whole
//    program: end() records the first such ending and interrupts every instance of the group
//    (spawned ones and those added with add_instance). Interrupted code stops at its next loop
//    header or call, and a memory.atomic.wait wakes within the parking lot's poll interval.
//    Errors that arrive after the first (typically "interrupted", caused by end() itself) or
//    after finish() are not endings.
// 4. No thread outlives the group: finish() (also run by the destructor) refuses new threads,
//    interrupts the running ones and joins them all. A thread blocked in a host call that
//    does not look at the interrupt flag (e.g. a read from a terminal) delays finish().
// 5. Finished threads are joined (and their instances released) on the next spawn, so a
//    program that starts threads in a loop holds only the running ones.
// 6. Native threads are pthreads whose stack gives the thread's code the configured size.
//    glibc carves the static TLS block out of the top of a thread's stack (about 800 KiB under
//    ThreadSanitizer), so that overhead, measured once per process, is added to the request,
//    and so is the room below the wasm stack limit that runtime/instance.cpp keeps for host
//    functions and signal frames (at most kHostStackReserve): wasm code gets the size asked for.
#include "threads/thread_group.h"

#include <pthread.h>

#include "threads/stack_bounds.h"
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <utility>

namespace tern {

struct ThreadGroup::Thread {
  ThreadGroup* group = nullptr;
  int32_t tid = 0;
  uint32_t start_arg = 0;
  std::shared_ptr<Instance> instance;
  Extern start;  // wasi_thread_start
  pthread_t handle{};
  bool done = false;  // guarded by the group's mu_
};

namespace {

// How much of a new thread's stack is used before its start routine runs (static TLS, the
// thread descriptor), measured once with a probe thread.
constexpr size_t kHostStackReserve = 256 * 1024;  // thread_stack_limit() in runtime/instance.cpp

size_t stack_overhead() {
  static const size_t overhead = [] {
    size_t used = 0;
    pthread_t probe;
    auto measure = [](void* out) -> void* {
      char here = 0;
      const auto top = current_thread_stack().high;
      const auto sp = reinterpret_cast<uintptr_t>(&here);
      *static_cast<size_t*>(out) = top > sp ? top - sp : 0;
      return nullptr;
    };
    if (pthread_create(&probe, nullptr, +measure, &used) != 0) return size_t{0};
    pthread_join(probe, nullptr);
    return used;
  }();
  return overhead;
}

}  // namespace

ThreadGroup::ThreadGroup(const ThreadLimits& limits) : limits_(limits) {}

ThreadGroup::~ThreadGroup() { finish(); }

std::shared_ptr<HostFunc> ThreadGroup::make_spawn_function(const std::shared_ptr<ThreadGroup>& group) {
  FuncType type;
  type.params = {ValType::I32};
  type.results = {ValType::I32};
  std::weak_ptr<ThreadGroup> weak = group;
  return HostFunc::make(std::move(type), [weak](Caller&, std::span<const Value> args, std::span<Value> results) -> Status {
    auto g = weak.lock();
    int32_t tid = g ? g->spawn(static_cast<uint32_t>(args[0].lo)) : static_cast<int32_t>(SpawnFailure::Ending);
    results[0] = Value::i32(static_cast<uint32_t>(tid));
    return {};
  });
}

void ThreadGroup::set_program(std::shared_ptr<Module> module, std::vector<Extern> imports, InstanceLimits limits) {
  std::lock_guard lock(mu_);
  module_ = std::move(module);
  imports_ = std::move(imports);
  instance_limits_ = limits;
}

void ThreadGroup::add_instance(std::shared_ptr<Instance> instance) {
  std::lock_guard lock(mu_);
  if (ending_) instance->interrupt();
  outside_.push_back(std::move(instance));
}

void ThreadGroup::reap_locked() {
  for (auto it = threads_.begin(); it != threads_.end();) {
    if (!(*it)->done) {
      ++it;
      continue;
    }
    pthread_join((*it)->handle, nullptr);  // it has finished its work: this returns at once
    it = threads_.erase(it);
  }
}

int32_t ThreadGroup::spawn(uint32_t start_arg) {
  auto failure = [](SpawnFailure f) { return static_cast<int32_t>(f); };
  int32_t tid = 0;
  std::shared_ptr<Module> module;
  {
    std::lock_guard lock(mu_);
    if (finishing_ || ending_ || !module_) return failure(SpawnFailure::Ending);
    reap_locked();
    if (reserved_ >= limits_.max_threads) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      if (on_limit_) std::call_once(warned_, on_limit_, limits_.max_threads);
      return failure(SpawnFailure::TooManyThreads);
    }
    if (next_tid_ > kMaxThreadId) return failure(SpawnFailure::OsThread);
    tid = next_tid_++;
    ++reserved_;
    module = module_;
  }
  auto release = [this](SpawnFailure f) {
    std::lock_guard lock(mu_);
    --reserved_;
    return static_cast<int32_t>(f);
  };
  // imports_ and instance_limits_ are written only by set_program, before any spawn.
  auto instance = Instance::instantiate(module, imports_, instance_limits_);
  if (!instance) return release(SpawnFailure::Instantiate);
  if (on_instantiate_ && !on_instantiate_(**instance).ok()) return release(SpawnFailure::Instantiate);
  auto start = (*instance)->get_export("wasi_thread_start");
  const FuncType want{{ValType::I32, ValType::I32}, {}};
  if (!start || start->kind != ExternKind::Func || *start->func_type != want) return release(SpawnFailure::NoStartExport);

  auto t = std::make_unique<Thread>();
  t->group = this;
  t->tid = tid;
  t->start_arg = start_arg;
  t->instance = std::move(*instance);
  t->start = *start;

  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return release(SpawnFailure::OsThread);
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t stack = std::max<size_t>(limits_.stack_size + stack_overhead() + kHostStackReserve, PTHREAD_STACK_MIN);
  stack = (stack + page - 1) / page * page;
  pthread_attr_setstacksize(&attr, stack);

  std::unique_lock lock(mu_);
  if (finishing_ || ending_) {
    pthread_attr_destroy(&attr);
    --reserved_;
    return failure(SpawnFailure::Ending);
  }
  Thread* raw = t.get();
  threads_.push_back(std::move(t));
  const int rc = pthread_create(&raw->handle, &attr, &ThreadGroup::thread_main, raw);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    threads_.pop_back();
    --reserved_;
    return failure(SpawnFailure::OsThread);
  }
  return tid;
}

void* ThreadGroup::thread_main(void* arg) {
  auto* t = static_cast<Thread*>(arg);
  const Value args[2] = {Value::i32(static_cast<uint32_t>(t->tid)), Value::i32(t->start_arg)};
  auto result = Instance::call_ref(*t->start.func, *t->start.func_type, args);
  if (!result) t->group->end(std::move(result).error(), t->tid);
  std::lock_guard lock(t->group->mu_);
  --t->group->reserved_;
  t->done = true;
  return nullptr;
}

bool ThreadGroup::end(Error e, int32_t tid) {
  std::lock_guard lock(mu_);
  if (ending_ || finishing_) return false;
  ending_ = ThreadEnding{std::move(e), tid};
  for (auto& t : threads_) t->instance->interrupt();
  for (auto& i : outside_) i->interrupt();
  return true;
}

std::optional<ThreadEnding> ThreadGroup::ending() const {
  std::lock_guard lock(mu_);
  return ending_;
}

void ThreadGroup::finish() {
  std::list<std::unique_ptr<Thread>> threads;
  {
    std::lock_guard lock(mu_);
    finishing_ = true;
    for (auto& t : threads_) t->instance->interrupt();
    threads.swap(threads_);
  }
  for (auto& t : threads) pthread_join(t->handle, nullptr);
}

uint32_t ThreadGroup::running() const {
  std::lock_guard lock(mu_);
  return reserved_;
}

}  // namespace tern
