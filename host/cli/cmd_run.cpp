// `tern run`: runs a WASI command (or a reactor's export) with WASI preview1.
//
// DESIGN
// 1. Options come before FILE; everything after FILE goes to the guest unchanged, so
//    `tern run app.wasm --help` passes --help to app.
// 2. Exit status: what `_start` ended with (0 when it returns, n for proc_exit(n), the low 8
//    bits as any process), 1 when the module cannot be loaded, linked or instantiated, 2 for a
//    usage error, 124 when --timeout expired (as timeout(1)), 134 when the guest trapped
//    (128 + SIGABRT: what a native program that aborts reports).
// 3. A trap prints "FILE: trap: MESSAGE" and the wasm backtrace on stderr; the guest's own
//    output is never buffered by tern (WASI writes go straight to the descriptors).
// 4. --timeout runs a timer thread that calls Instance::interrupt(); code stops at the next
//    loop header or call, a guest sleeping in poll_oneoff within 50 ms.
// 5. wasi-threads: every run has a ThreadGroup (threads/thread_group.h) that provides
//    `wasi`.`thread-spawn`; imported memories are created from their import types
//    (host/wasi/wasi_threads.h). The program ends when _start returns or any thread traps or
//    calls proc_exit; then the group interrupts and joins every thread, so none outlives
//    `tern run`, and the exit status is the first thread's ending (a trap prints its thread
//    id). --max-threads refuses spawns past the limit (a negative tid, one warning line).
// 6. --preload NAME=FILE loads side modules (host/runtime/side_module.h) into the main instance
//    after it is instantiated and before its entry point, in command-line order, and again into
//    every spawned thread's instance. The main module reaches them through its imports
//    tern.dlopen/tern.dlsym, which every run provides.
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "host/cli/run_values.h"
#include "host/runtime/runtime.h"
#include "host/runtime/side_module.h"
#include "host/wasi/wasi.h"
#include "host/wasi/wasi_threads.h"
#include "threads/thread_group.h"

extern char** environ;

namespace tern::cli {
namespace {

constexpr int kExitTimeout = 124;
constexpr int kExitTrap = 134;

constexpr OptionSpec kOptions[] = {
    {"--dir", true},        {"--env", true},      {"--inherit-env"},   {"--invoke", true},
    {"--max-memory", true}, {"--timeout", true},  {"--enable", true},  {"--disable", true},
    {"--max-threads", true}, {"--thread-stack", true}, {"--preload", true},
};

constexpr uint64_t kMinThreadStack = 64 * 1024;

// The index of FILE in `args`: the first argument that is neither an option nor an option's
// value. Returns args.size() if there is none.
size_t file_index(std::span<const std::string_view> args) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--") return i + 1;
    if (a == "-" || !a.starts_with("-")) return i;
    if (a.find('=') != std::string_view::npos) continue;
    for (const OptionSpec& spec : kOptions)
      if (spec.name == a && spec.takes_value) ++i;
  }
  return args.size();
}

// Calls Instance::interrupt() when the deadline passes, unless cancelled first.
class Deadline {
 public:
  Deadline(Instance& instance, std::chrono::nanoseconds after)
      : thread_([this, &instance, after] {
          std::unique_lock lock(mu_);
          if (cv_.wait_for(lock, after, [this] { return done_; })) return;
          fired_ = true;
          instance.interrupt();
        }) {}
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;
  ~Deadline() { cancel(); }
  // Stops the timer; returns whether it had fired.
  bool cancel() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    return fired_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool fired_ = false;
  std::thread thread_;
};

struct RunSettings {
  wasi::WasiConfig wasi;
  InstanceLimits limits;
  ThreadLimits threads;
  std::optional<std::string> invoke;
  std::vector<std::string_view> invoke_args;
  std::optional<std::chrono::nanoseconds> timeout;
  std::string_view timeout_text;
  std::vector<std::pair<std::string, std::string>> preloads;  // NAME, FILE
};

// --max-threads: a decimal count in [0, 1000000].
Result<uint64_t> parse_count(std::string_view text) {
  uint64_t n = 0;
  if (text.empty() || text.size() > 7) return Error(ErrorKind::Usage) << "--max-threads expects a count, got '" << text << "'";
  for (char c : text) {
    if (c < '0' || c > '9') return Error(ErrorKind::Usage) << "--max-threads expects a count, got '" << text << "'";
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > 1000000) return Error(ErrorKind::Usage) << "--max-threads is more than 1000000";
  return n;
}

Status apply_options(const ParsedArgs& args, RunSettings& s) {
  if (args.has("--inherit-env"))
    for (char** e = environ; *e != nullptr; ++e) s.wasi.env.emplace_back(*e);
  for (const auto& [name, value] : args.options) {
    if (name == "--dir") {
      size_t sep = value.find("::");
      std::string host(value.substr(0, sep));
      std::string guest(sep == std::string_view::npos ? value : value.substr(sep + 2));
      if (host.empty() || guest.empty()) return Error(ErrorKind::Usage) << "--dir expects HOST[::GUEST], got '" << value << "'";
      s.wasi.preopens.push_back({host, guest});
    } else if (name == "--env") {
      if (value.find('=') == std::string_view::npos || value.starts_with("="))
        return Error(ErrorKind::Usage) << "--env expects KEY=VALUE, got '" << value << "'";
      s.wasi.env.emplace_back(value);
    } else if (name == "--invoke") {
      s.invoke = std::string(value);
    } else if (name == "--max-memory") {
      TERN_TRY(uint64_t bytes, parse_size(value));
      if (bytes > uint64_t{kMaxPages32} * kPageSize) return Error(ErrorKind::Usage) << "--max-memory is more than 4 GiB";
      s.limits.max_memory_pages = static_cast<uint32_t>(bytes / kPageSize);
    } else if (name == "--max-threads") {
      TERN_TRY(uint64_t n, parse_count(value));
      s.threads.max_threads = static_cast<uint32_t>(n);
    } else if (name == "--thread-stack") {
      TERN_TRY(uint64_t bytes, parse_size(value));
      if (bytes < kMinThreadStack || bytes > (uint64_t{1} << 32))
        return Error(ErrorKind::Usage) << "--thread-stack must be between 64KiB and 4GiB, got '" << value << "'";
      s.threads.stack_size = static_cast<size_t>(bytes);
    } else if (name == "--preload") {
      size_t eq = value.find('=');
      if (eq == std::string_view::npos || eq == 0 || eq + 1 == value.size())
        return Error(ErrorKind::Usage) << "--preload expects NAME=FILE, got '" << value << "'";
      s.preloads.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else if (name == "--timeout") {
      TERN_TRY(s.timeout, parse_duration(value));
      s.timeout_text = value;
    }
  }
  return {};
}

// Calls `name` with arguments parsed from the command line and prints its results.
Status invoke(Instance& instance, const std::string& name, std::span<const std::string_view> texts) {
  auto ex = instance.get_export(name);
  if (!ex || ex->kind != ExternKind::Func) return Error(ErrorKind::Usage) << "no exported function '" << name << "'";
  const FuncType& type = *ex->func_type;
  if (texts.size() != type.params.size())
    return Error(ErrorKind::Usage) << "'" << name << "' takes " << type.params.size() << " argument(s) " << to_string(type)
                                   << ", got " << texts.size();
  std::vector<Value> args;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto v = parse_value(type.params[i], texts[i]);
    if (!v) return std::move(v).error().context("argument " + std::to_string(i + 1));
    args.push_back(*v);
  }
  TERN_TRY(auto results, instance.call(name, args));
  for (const Value& v : results) std::cout << format_value(v) << "\n";
  std::cout.flush();
  return {};
}

// Runs the module's entry point(s); the Error of a trap or proc_exit comes back unchanged.
Status run_entry(Instance& instance, const RunSettings& s) {
  const bool has_start = instance.get_export("_start").has_value();
  const bool has_initialize = instance.get_export("_initialize").has_value();
  if (has_start && has_initialize) return Error(ErrorKind::Link, "module exports both _start and _initialize");
  if (has_initialize) TERN_TRY_STATUS(instance.call("_initialize", {}));
  if (s.invoke) return invoke(instance, *s.invoke, s.invoke_args);
  if (has_start) {
    TERN_TRY_STATUS(instance.call("_start", {}));
    return {};
  }
  if (has_initialize) return {};
  return Error(ErrorKind::Usage, "module exports neither _start nor _initialize; use --invoke NAME");
}

// --preload NAME=FILE: compiles FILE and loads it into the main instance; returns its handle.
// Errors name FILE.
Result<uint32_t> load_side_module(DynamicLinker& linker, Instance& main, const std::string& name, const std::string& file,
                        const DecodeOptions& options) {
  auto bytes = read_file(file, options.limits.max_module_size);
  if (!bytes) return std::move(bytes).error().context(display_name(file));
  auto side = Module::compile(*bytes, options);
  if (!side) return std::move(side).error().context(display_name(file));
  auto handle = linker.load(main, name, *side);
  if (!handle) return std::move(handle).error().context(display_name(file));
  return *handle;
}

int run_module(std::string_view path, const DecodeOptions& options, RunSettings& s) {
  auto fail = [&](const Error& e, int code) {
    print_file_error(path, e);
    return code;
  };
  auto bytes = read_file(path, options.limits.max_module_size);
  if (!bytes) return fail(bytes.error(), kExitFailure);
  auto module = Module::compile(*bytes, options);
  if (!module) return fail(module.error(), kExitFailure);
  auto wasi = wasi::Wasi::create(s.wasi);
  if (!wasi) return fail(wasi.error(), kExitFailure);
  auto group = std::make_shared<ThreadGroup>(s.threads);
  group->on_limit_reached([path](uint32_t max) {
    std::cerr << display_name(path) << ": warning: thread-spawn refused: " << max
              << " threads already running (--max-threads " << max << ")\n";
  });
  auto linker = DynamicLinker::create();
  auto imports = wasi::link_command_imports(*wasi, group, (*module)->info(), s.limits.max_memory_pages,
                                            [&linker](const Import& imp) { return linker->host_import(imp); });
  if (!imports) return fail(imports.error(), kExitFailure);
  group->set_program(*module, *imports, s.limits);
  if (!s.preloads.empty())
    group->on_instantiate([linker, path](Instance& thread_instance) -> Status {
      Status st = linker->attach(thread_instance);
      if (!st.ok()) print_file_error(path, st.error());  // the guest sees only a failed spawn
      return st;
    });
  // The start function may already trap or exit, so instantiation errors go through the same
  // mapping as the entry point's.
  auto finish = [&](const Status& status, bool timed_out, int32_t tid) {
    if (status.ok()) return kExitOk;
    const Error& e = status.error();
    if (e.kind() == ErrorKind::Exit) return static_cast<int>((*wasi)->exit_code().value_or(1) & 0xff);
    if (e.kind() == ErrorKind::Trap && timed_out && e.message() == "interrupted") {
      std::cerr << display_name(path) << ": timeout: still running after " << s.timeout_text << ", interrupted\n";
      return kExitTimeout;
    }
    if (e.kind() == ErrorKind::Trap) {
      print_file_error(path, e);
      if (tid > 0) std::cerr << "in thread " << tid << " (wasi_thread_start)\n";
      std::cerr << e.details();  // the wasm backtrace
      return kExitTrap;
    }
    return fail(e, e.kind() == ErrorKind::Usage ? kExitUsage : kExitFailure);
  };
  auto instance = Instance::instantiate(*module, *imports, s.limits);
  if (!instance) {
    group->finish();
    return finish(instance.error(), false, 0);
  }
  group->add_instance(*instance);
  for (const auto& [name, file] : s.preloads) {
    auto handle = load_side_module(*linker, **instance, name, file, options);
    if (!handle) {
      group->finish();
      return finish(std::move(handle).error(), false, 0);
    }
    group->add_instance(linker->instance(*handle));  // a loop in side code stops on an ending too
  }

  std::optional<Deadline> deadline;
  if (s.timeout) deadline.emplace(**instance, *s.timeout);
  Status status = run_entry(**instance, s);
  group->finish();  // _start returned or the program ended: no thread outlives it
  const bool timed_out = deadline && deadline->cancel();
  if (auto ending = group->ending()) return finish(ending->error, timed_out, ending->tid);
  return finish(status, timed_out, 0);
}

int run_run(const Command& self, std::span<const std::string_view> raw_args) {
  const size_t file_at = file_index(raw_args);
  auto args = parse_args(raw_args.first(std::min(file_at, raw_args.size())), kOptions);
  if (!args) return usage_error(self, args.error().message());
  if (args->help) {
    print_command_help(std::cout, self);
    return kExitOk;
  }
  if (file_at >= raw_args.size()) return usage_error(self, "no input file");
  DecodeOptions options;
  if (auto st = apply_feature_options(*args, options.features); !st) return usage_error(self, st.error().message());
  RunSettings s;
  if (auto st = apply_options(*args, s); !st) return usage_error(self, st.error().message());
  const std::string_view path = raw_args[file_at];
  auto guest_args = raw_args.subspan(file_at + 1);
  if (s.invoke) {
    s.wasi.args.emplace_back(*s.invoke);
    s.invoke_args.assign(guest_args.begin(), guest_args.end());
  } else {
    s.wasi.args.emplace_back(path);
    for (std::string_view a : guest_args) s.wasi.args.emplace_back(a);
  }
  return run_module(path, options, s);
}

}  // namespace

extern const Command kRunCommand = {
    .name = "run",
    .summary = "Run a WASI command, or call an export of a module (WASI preview1).",
    .usage = "tern run [options] FILE.wasm [ARGS...]",
    .details =
        "Runs the module's _start with ARGS as its arguments (argv[0] is FILE). A reactor\n"
        "(a module exporting _initialize) gets _initialize first. Options go before FILE;\n"
        "everything after FILE is passed to the guest.\n"
        "\n"
        "options:\n"
        "  --dir HOST[::GUEST]  preopen directory HOST as GUEST (default: the same name);\n"
        "                       the guest cannot leave it (no .., absolute paths or\n"
        "                       symlinks out)\n"
        "  --env KEY=VALUE      set an environment variable for the guest\n"
        "  --inherit-env        pass tern's whole environment to the guest\n"
        "  --invoke NAME        call export NAME instead of _start; ARGS are its arguments\n"
        "                       (i32/i64 decimal or 0x hex, f32/f64 decimal, inf, nan);\n"
        "                       prints each result on its own line\n"
        "  --max-memory SIZE    limit each linear memory (e.g. 64MiB, 1GiB)\n"
        "  --timeout DURATION   interrupt the guest after DURATION (e.g. 500ms, 10s, 2m)\n"
        "  --max-threads N      wasi-threads: at most N spawned threads at once (default 64);\n"
        "                       thread-spawn past it returns -1 and warns once\n"
        "  --thread-stack SIZE  wasm stack of each spawned thread (default 8MiB; tern adds\n"
        "                       room for TLS and host calls)\n"
        "  --preload NAME=FILE  load side module FILE (wasm-ld -shared) into the main\n"
        "                       module's memory and table before it starts (repeatable,\n"
        "                       loaded in order); the main module finds it with\n"
        "                       tern.dlopen(\"NAME\") and tern.dlsym\n"
        TERN_CLI_FEATURE_OPTIONS_HELP
        "  -h, --help           show this help\n"
        "\n"
        "Exit status: the guest's (0 when _start returns, n for proc_exit(n)); 1 the module\n"
        "cannot be loaded, linked or instantiated; 2 usage error; 124 --timeout expired;\n"
        "134 the guest trapped (printed as 'FILE: trap: MESSAGE' and a wasm backtrace).\n"
        "With wasi-threads, a trap or proc_exit in any thread ends the program with that\n"
        "status; the program also ends when _start returns (other threads are stopped).\n",
    .run = run_run,
};

}  // namespace tern::cli
