// tern-diff: the tern side of the differential fuzzer (tests/fuzz/diff/README.md).
//
//   tern-diff [--timeout-ms N] PLAN.json
//
// PLAN.json (written by run.py) lists modules, and for each the exports to call in order with
// their arguments, the globals to read and the memory to hash. For every module this prints a
// trace that node_diff.js prints identically for V8:
//
//   module <index>
//   inst ok | inst error <kind> <message>
//   call <export> -> <values> | call <export> trap <message> | call <export> skip
//   log <type> <value>            (from a fuzzing-support.log-* import, during a call)
//   mem <pages> <hash>            (after each call that is not hangLimitInitializer)
//   global <name> <value>
//
// Values are printed as the JS side can see them: i32/i64 unsigned decimal, floats as the bits
// of their value (f32 widened to f64 as JS does), every NaN as "nan" (JS numbers do not keep
// NaN payloads), references as "null" or "ref". Trap messages are printed raw; run.py maps
// tern's and V8's messages to one set of kinds.
//
// A call that runs longer than the timeout is interrupted from a watchdog thread
// (Instance::interrupt) and prints "trap interrupted".
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "host/runtime/runtime.h"

namespace {

using tern::Error;
using tern::Extern;
using tern::ExternKind;
using tern::FuncType;
using tern::HostFunc;
using tern::Instance;
using tern::Module;
using tern::Status;
using tern::Value;
using tern::ValType;

std::string hex(uint64_t v, int digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

// A value as JS sees it (see the header comment).
std::string format_value(ValType type, uint64_t lo) {
  switch (type) {
    case ValType::I32: return std::to_string(static_cast<uint32_t>(lo));
    case ValType::I64: return std::to_string(lo);
    case ValType::F32: {
      float f;
      uint32_t bits = static_cast<uint32_t>(lo);
      std::memcpy(&f, &bits, 4);
      if (f != f) return "nan";
      double d = f;
      uint64_t dbits;
      std::memcpy(&dbits, &d, 8);
      return "0x" + hex(dbits, 16);
    }
    case ValType::F64: {
      double d;
      std::memcpy(&d, &lo, 8);
      if (d != d) return "nan";
      return "0x" + hex(lo, 16);
    }
    case ValType::FuncRef:
    case ValType::ExternRef: return lo == 0 ? "null" : "ref";
    default: return "?";
  }
}

// 32-bit FNV-1a over little-endian 32-bit words (node_diff.js computes the same).
uint32_t hash_memory(const uint8_t* base, uint64_t size) {
  uint32_t h = 2166136261u;
  for (uint64_t i = 0; i + 4 <= size; i += 4) {
    uint32_t w;
    std::memcpy(&w, base + i, 4);
    h = (h ^ w) * 16777619u;
  }
  return h;
}

ValType parse_type(const std::string& s) {
  if (s == "i32") return ValType::I32;
  if (s == "i64") return ValType::I64;
  if (s == "f32") return ValType::F32;
  if (s == "f64") return ValType::F64;
  if (s == "funcref") return ValType::FuncRef;
  if (s == "externref") return ValType::ExternRef;
  return ValType::V128;
}

// Interrupts the instance whose call has run past the deadline.
class Watchdog {
 public:
  explicit Watchdog(std::chrono::milliseconds limit) : limit_(limit), thread_([this] { run(); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void begin(Instance* instance) {
    std::lock_guard lock(mu_);
    current_ = instance;
    deadline_ = std::chrono::steady_clock::now() + limit_;
    cv_.notify_all();
  }
  void end() {
    std::lock_guard lock(mu_);
    current_ = nullptr;
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      if (current_ == nullptr) {
        cv_.wait(lock);
        continue;
      }
      if (std::chrono::steady_clock::now() >= deadline_) {
        current_->interrupt();  // under mu_: end() cannot release the instance meanwhile
        current_ = nullptr;
        continue;
      }
      cv_.wait_until(lock, deadline_);
    }
  }

  std::chrono::milliseconds limit_;
  std::mutex mu_;
  std::condition_variable cv_;
  Instance* current_ = nullptr;
  std::chrono::steady_clock::time_point deadline_;
  bool stop_ = false;
  std::thread thread_;
};

// fuzzing-support.log-* print their argument; any other function import returns zeros.
// log-v128 fails as V8 does when a v128 crosses to JS.
std::vector<Extern> make_imports(const Module& module, std::ostream& out, std::vector<std::shared_ptr<HostFunc>>& keep,
                                 std::string& unsupported) {
  std::vector<Extern> imports;
  const auto& info = module.info();
  for (const auto& import : info.imports) {
    if (import.kind != ExternKind::Func) {
      unsupported = import.module + "." + import.field;
      return {};
    }
    const FuncType& type = info.func_type(import.index);
    bool is_log = import.module == "fuzzing-support" && import.field.rfind("log-", 0) == 0;
    bool has_v128 = false;
    for (ValType t : type.params) has_v128 |= t == ValType::V128;
    for (ValType t : type.results) has_v128 |= t == ValType::V128;
    auto fn = HostFunc::make(type, [&out, is_log, has_v128](tern::Caller&, std::span<const Value> args,
                                                            std::span<Value> results) -> Status {
      if (has_v128) return Error(tern::ErrorKind::Trap, "js type error: v128 crosses to JS");
      if (is_log && args.size() == 1) out << "log " << tern::to_string(args[0].type) << " " << format_value(args[0].type, args[0].lo) << "\n";
      for (Value& r : results) r.lo = r.hi = 0;
      return {};
    });
    keep.push_back(fn);
    Extern e;
    e.kind = ExternKind::Func;
    e.func = &fn->ref;
    e.func_type = &fn->type;
    e.owner = fn;
    imports.push_back(e);
  }
  return imports;
}

void run_module(size_t index, const nlohmann::json& plan, Watchdog& watchdog, std::ostream& out) {
  out << "module " << index << "\n";
  const std::string path = plan.at("path");
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto module = Module::compile(bytes);
  if (!module.ok()) {
    out << "inst error " << tern::to_string(module.error().kind()) << " " << module.error().message() << "\n";
    return;
  }
  std::vector<std::shared_ptr<HostFunc>> keep;
  std::string unsupported;
  auto imports = make_imports(**module, out, keep, unsupported);
  if (!unsupported.empty()) {
    out << "inst error Link unsupported import " << unsupported << "\n";
    return;
  }
  auto instance_result = Instance::instantiate(*module, imports);
  if (!instance_result.ok()) {
    out << "inst error " << tern::to_string(instance_result.error().kind()) << " " << instance_result.error().message() << "\n";
    return;
  }
  std::shared_ptr<Instance> instance = *instance_result;
  out << "inst ok\n";

  const std::string memory_name = plan.value("memory", "");
  for (const auto& call : plan.at("calls")) {
    const std::string name = call.at("export");
    if (call.contains("skip")) {
      out << "call " << name << " skip\n";
      continue;
    }
    std::vector<Value> args;
    for (const auto& a : call.at("args")) {
      Value v;
      v.type = parse_type(a.at(0));
      v.lo = std::stoull(a.at(1).get<std::string>());
      args.push_back(v);
    }
    instance->clear_interrupt();
    watchdog.begin(instance.get());
    auto r = instance->call(name, args);
    watchdog.end();
    if (r.ok()) {
      out << "call " << name << " ->";
      for (const Value& v : *r) out << " " << format_value(v.type, v.lo);
      out << "\n";
    } else {
      out << "call " << name << " trap " << r.error().message() << "\n";
    }
    if (name == "hangLimitInitializer") continue;
    if (!memory_name.empty()) {
      auto m = instance->get_export(memory_name);
      if (m && m->kind == ExternKind::Memory)
        out << "mem " << m->memory->pages() << " " << hash_memory(m->memory->base(), m->memory->size_bytes()) << "\n";
    }
  }
  // TERN_DIFF_DUMP=DIR: the final memory goes to DIR/<index>.tern.mem (for explaining a
  // memory mismatch byte by byte; node_diff.js writes <index>.node.mem).
  if (const char* dump = std::getenv("TERN_DIFF_DUMP"); dump != nullptr && !memory_name.empty()) {
    auto m = instance->get_export(memory_name);
    if (m && m->kind == ExternKind::Memory) {
      std::ofstream file(std::string(dump) + "/" + std::to_string(index) + ".tern.mem", std::ios::binary);
      file.write(reinterpret_cast<const char*>(m->memory->base()), static_cast<std::streamsize>(m->memory->size_bytes()));
    }
  }
  for (const auto& g : plan.at("globals")) {
    const std::string name = g.at("name");
    auto e = instance->get_export(name);
    if (!e || e->kind != ExternKind::Global) {
      out << "global " << name << " missing\n";
      continue;
    }
    out << "global " << name << " " << format_value(e->global->type.type, e->global->cell.lo) << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  long timeout_ms = 5000;
  std::string plan_path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--timeout-ms" && i + 1 < argc)
      timeout_ms = std::stol(argv[++i]);
    else
      plan_path = arg;
  }
  if (plan_path.empty()) {
    std::cerr << "usage: tern-diff [--timeout-ms N] PLAN.json\n";
    return 2;
  }
  std::ifstream plan_file(plan_path);
  nlohmann::json plan = nlohmann::json::parse(plan_file, nullptr, false);
  if (plan.is_discarded() || !plan.contains("modules")) {
    std::cerr << "tern-diff: cannot read plan " << plan_path << "\n";
    return 2;
  }
  Watchdog watchdog{std::chrono::milliseconds(timeout_ms)};
  size_t index = 0;
  for (const auto& m : plan.at("modules")) {
    std::ostringstream trace;
    run_module(index++, m, watchdog, trace);
    std::cout << trace.str() << std::flush;  // whole modules only, so a crash names its module
  }
  return 0;
}
