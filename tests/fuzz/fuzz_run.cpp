// libFuzzer target: the whole path from bytes to running code. decode -> validate -> compile
// (Module::compile) -> instantiate with every import stubbed -> call each exported function
// with zero arguments under a deadline. Besides "no crash, no sanitizer report, no hang":
// 1. compile fails only with Malformed, Invalid or Limit;
// 2. instantiation and calls fail only with Link, Instantiate, Trap or Limit errors (a trap is a
//    normal outcome: generated code may fault, it must do so through tern's trap path).
// Stubs: functions return zeros, memories and tables are fresh (memories capped at 256 pages),
// globals are zero. Each call is interrupted after 100 ms (Instance::interrupt from a watchdog
// thread); at most 16 exports are called.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "host/runtime/runtime.h"

namespace {

using namespace tern;

constexpr uint32_t kMaxPages = 256;
constexpr size_t kMaxCalls = 16;
constexpr auto kCallDeadline = std::chrono::milliseconds(100);

[[noreturn]] void invariant_broken(const char* what, const Error& e) {
  std::fprintf(stderr, "fuzz_run: invariant broken: %s: %s: %s\n", what, std::string(to_string(e.kind())).c_str(),
               e.message().c_str());
  std::abort();
}

// One thread for the whole process: interrupts the current call once it passes its deadline.
class Watchdog {
 public:
  Watchdog() : thread_([this] { run(); }) { thread_.detach(); }
  void begin(Instance* instance) {
    std::lock_guard lock(mu_);
    current_ = instance;
    deadline_ = std::chrono::steady_clock::now() + kCallDeadline;
    cv_.notify_all();
  }
  void end() {
    std::lock_guard lock(mu_);
    current_ = nullptr;
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (current_ == nullptr) {
        cv_.wait(lock);
      } else if (std::chrono::steady_clock::now() >= deadline_) {
        current_->interrupt();
        current_ = nullptr;
      } else {
        cv_.wait_until(lock, deadline_);
      }
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  Instance* current_ = nullptr;
  std::chrono::steady_clock::time_point deadline_;
  std::thread thread_;
};

Watchdog& watchdog() {
  static auto* w = new Watchdog();  // never destroyed: its thread runs until the process ends
  return *w;
}

// Stubs for every import, or nullopt when one cannot be made (e.g. a memory above the cap).
std::optional<std::vector<Extern>> stub_imports(const ModuleInfo& info) {
  std::vector<Extern> imports;
  for (const Import& import : info.imports) {
    Extern e;
    e.kind = import.kind;
    switch (import.kind) {
      case ExternKind::Func: {
        auto fn = HostFunc::make(info.func_type(import.index), [](Caller&, std::span<const Value>, std::span<Value> results) {
          for (Value& r : results) r.lo = r.hi = 0;
          return Status{};
        });
        e.func = &fn->ref;
        e.func_type = &fn->type;
        e.owner = fn;
        break;
      }
      case ExternKind::Memory: {
        const MemoryType& type = info.memories[import.index];
        if (type.limits.min > kMaxPages) return std::nullopt;
        auto memory = LinearMemory::create(type, kMaxPages);
        if (!memory.ok()) return std::nullopt;
        std::shared_ptr<LinearMemory> shared = std::move(*memory);
        e.memory = shared.get();
        e.owner = shared;
        break;
      }
      case ExternKind::Table: {
        const TableType& type = info.tables[import.index];
        if (type.limits.min > 100000) return std::nullopt;
        auto made = Table::make(type);
        if (!made.ok()) return std::nullopt;
        std::shared_ptr<Table> table = std::move(*made);
        e.table = table.get();
        e.owner = table;
        break;
      }
      case ExternKind::Global: {
        auto global = std::make_shared<GlobalInstance>();
        global->type = info.globals[import.index].type;
        e.global = global.get();
        e.owner = global;
        break;
      }
    }
    imports.push_back(std::move(e));
  }
  return imports;
}

void check_runtime_error(const char* where, const Error& e) {
  switch (e.kind()) {
    case ErrorKind::Link:
    case ErrorKind::Instantiate:
    case ErrorKind::Trap:
    case ErrorKind::Limit:
      return;
    default:
      invariant_broken(where, e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto module = Module::compile(std::span<const uint8_t>(data, size));
  if (!module.ok()) {
    ErrorKind k = module.error().kind();
    if (k != ErrorKind::Malformed && k != ErrorKind::Invalid && k != ErrorKind::Limit)
      invariant_broken("compile", module.error());
    return 0;
  }
  const ModuleInfo& info = (*module)->info();
  auto imports = stub_imports(info);
  if (!imports) return 0;
  InstanceLimits limits;
  limits.max_memory_pages = kMaxPages;
  for (const MemoryType& m : info.memories)
    if (m.limits.min > kMaxPages) return 0;
  auto instance = Instance::instantiate(*module, *imports, limits);
  if (!instance.ok()) {
    check_runtime_error("instantiate", instance.error());
    return 0;
  }
  size_t calls = 0;
  for (const Export& ex : info.exports) {
    if (ex.kind != ExternKind::Func || calls++ == kMaxCalls) continue;
    std::vector<Value> args;
    for (ValType t : info.func_type(ex.index).params) {
      Value v;
      v.type = t;
      args.push_back(v);
    }
    (*instance)->clear_interrupt();
    watchdog().begin(instance->get());
    auto r = (*instance)->call(ex.index, args);
    watchdog().end();
    if (!r.ok()) check_runtime_error("call", r.error());
  }
  return 0;
}

// tern's traps are signals tern handles itself: ASan must leave SIGSEGV/SIGBUS/SIGFPE/SIGILL
// alone. JIT code and the code registry live until exit by design: no leak report.
extern "C" const char* __asan_default_options() {
  return "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:detect_leaks=0";
}
