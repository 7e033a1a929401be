// The native ABI (net/README.md): a reactor that exports tern_http_handle (and optionally
// tern_ws_open/message/close) and imports module "tern_http" to read the request and write the
// response. Instances are reused across requests.
//
// DESIGN
// 1. The tern_http host functions are created once and shared by every instance; they find
//    the request they serve through a thread-local pointer set around each call (a call runs
//    on one worker thread from start to end).
// 2. HTTP requests take an idle instance from a free list (or instantiate one and run its
//    _initialize); one request at a time per instance. An instance that trapped or timed out
//    is dropped, never returned to the list.
// 3. All WebSocket events go to one dedicated instance through a serial queue on the worker
//    pool, so a chat room's state lives in one place and events never overlap. If it traps it
//    is replaced by a fresh one (its state is lost; the open connections stay open).
// 4. Every guest pointer goes through LinearMemory::checked(); a bad range traps the handler.
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "net/guest.h"

namespace tern::net {
namespace {

// What the tern_http functions act on during one call into the guest.
struct NativeCall {
  const HttpRequest* request = nullptr;
  std::string_view path, query;
  HttpResponse* response = nullptr;
  uint64_t max_response_bytes = 0;
  const std::string* ws_message = nullptr;
  WsHub* hub = nullptr;
};
thread_local NativeCall* t_call = nullptr;

class CallScope {
 public:
  explicit CallScope(NativeCall* call) : saved_(t_call) { t_call = call; }
  ~CallScope() { t_call = saved_; }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  NativeCall* saved_;
};

Error guest_fault(std::string_view fn, std::string_view what) {
  return Error(ErrorKind::Trap) << "tern_http." << fn << ": " << what;
}

Result<uint8_t*> guest_range(Caller& caller, std::string_view fn, uint64_t ptr, uint64_t len) {
  LinearMemory* memory = caller.memory(0);
  if (memory == nullptr) return guest_fault(fn, "the module has no memory");
  uint8_t* p = memory->checked(ptr, len);
  if (p == nullptr) return guest_fault(fn, "out-of-bounds pointer");
  return p;
}

Result<NativeCall*> current(std::string_view fn, bool need_request) {
  if (t_call == nullptr || (need_request && t_call->request == nullptr))
    return guest_fault(fn, "called outside a request");
  return t_call;
}

uint32_t arg(std::span<const Value> args, size_t i) { return static_cast<uint32_t>(args[i].lo); }

// copy min(cap, len) bytes of `text` to guest (ptr, cap); returns len.
Status copy_out(Caller& caller, std::string_view fn, std::string_view text, uint32_t ptr, uint32_t cap,
                std::span<Value> results) {
  size_t n = std::min<size_t>(cap, text.size());
  TERN_TRY(uint8_t * dst, guest_range(caller, fn, ptr, n));
  if (n != 0) std::memcpy(dst, text.data(), n);  // an empty string_view may have a null data()
  results[0] = Value::i32(static_cast<uint32_t>(text.size()));
  return {};
}

struct ImportSpec {
  std::string_view name;
  FuncType type;
  HostFunc::Callback callback;
};

std::vector<ImportSpec> import_specs() {
  const ValType I = ValType::I32;
  auto text_getter = [](std::string_view fn, std::string_view (*pick)(const NativeCall&)) -> HostFunc::Callback {
    return [fn, pick](Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
      TERN_TRY(NativeCall * call, current(fn, true));
      return copy_out(caller, fn, pick(*call), arg(args, 0), arg(args, 1), results);
    };
  };
  std::vector<ImportSpec> specs;
  specs.push_back({"method", {{I, I}, {I}}, text_getter("method", [](const NativeCall& c) { return std::string_view(c.request->method_string()); })});
  specs.push_back({"path", {{I, I}, {I}}, text_getter("path", [](const NativeCall& c) { return c.path; })});
  specs.push_back({"query", {{I, I}, {I}}, text_getter("query", [](const NativeCall& c) { return c.query; })});
  specs.push_back({"body", {{I, I}, {I}}, text_getter("body", [](const NativeCall& c) { return std::string_view(c.request->body()); })});
  specs.push_back({"header", {{I, I, I, I}, {I}}, [](Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    TERN_TRY(NativeCall * call, current("header", true));
    TERN_TRY(uint8_t * name, guest_range(caller, "header", arg(args, 0), arg(args, 1)));
    std::string_view key(reinterpret_cast<const char*>(name), arg(args, 1));
    auto it = call->request->find(key);  // Beast compares field names case-insensitively
    if (it == call->request->end()) {
      results[0] = Value::i32(static_cast<uint32_t>(-1));
      return {};
    }
    return copy_out(caller, "header", it->value(), arg(args, 2), arg(args, 3), results);
  }});
  specs.push_back({"set_status", {{I}, {}}, [](Caller&, std::span<const Value> args, std::span<Value>) -> Status {
    TERN_TRY(NativeCall * call, current("set_status", true));
    uint32_t code = arg(args, 0);
    if (code < 100 || code > 999) return guest_fault("set_status", "status " + std::to_string(code) + " is not in [100, 999]");
    call->response->result(code);
    return {};
  }});
  specs.push_back({"set_header", {{I, I, I, I}, {}}, [](Caller& caller, std::span<const Value> args, std::span<Value>) -> Status {
    TERN_TRY(NativeCall * call, current("set_header", true));
    TERN_TRY(uint8_t * name, guest_range(caller, "set_header", arg(args, 0), arg(args, 1)));
    TERN_TRY(uint8_t * value, guest_range(caller, "set_header", arg(args, 2), arg(args, 3)));
    std::string_view n(reinterpret_cast<const char*>(name), arg(args, 1));
    std::string_view v(reinterpret_cast<const char*>(value), arg(args, 3));
    if (n.empty() || n.find_first_of(":\r\n ") != std::string_view::npos || v.find_first_of("\r\n") != std::string_view::npos)
      return guest_fault("set_header", "a header name or value with ':', space, CR or LF");
    call->response->set(n, v);
    return {};
  }});
  specs.push_back({"write", {{I, I}, {}}, [](Caller& caller, std::span<const Value> args, std::span<Value>) -> Status {
    TERN_TRY(NativeCall * call, current("write", true));
    TERN_TRY(uint8_t * data, guest_range(caller, "write", arg(args, 0), arg(args, 1)));
    std::string& body = call->response->body();
    if (body.size() + arg(args, 1) > call->max_response_bytes) return guest_fault("write", "the response is larger than the limit");
    body.append(reinterpret_cast<const char*>(data), arg(args, 1));
    return {};
  }});
  specs.push_back({"ws_message", {{I, I}, {I}}, [](Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    TERN_TRY(NativeCall * call, current("ws_message", false));
    if (call->ws_message == nullptr) return guest_fault("ws_message", "called outside tern_ws_message");
    return copy_out(caller, "ws_message", *call->ws_message, arg(args, 0), arg(args, 1), results);
  }});
  specs.push_back({"ws_send", {{I, I, I, I}, {I}}, [](Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    TERN_TRY(NativeCall * call, current("ws_send", false));
    TERN_TRY(uint8_t * data, guest_range(caller, "ws_send", arg(args, 1), arg(args, 2)));
    bool sent = call->hub->send(arg(args, 0), std::string(reinterpret_cast<const char*>(data), arg(args, 2)), arg(args, 3) != 0);
    results[0] = Value::i32(sent ? 0 : static_cast<uint32_t>(-1));
    return {};
  }});
  specs.push_back({"ws_close", {{I, I}, {}}, [](Caller&, std::span<const Value> args, std::span<Value>) -> Status {
    TERN_TRY(NativeCall * call, current("ws_close", false));
    call->hub->close(arg(args, 0), static_cast<uint16_t>(arg(args, 1)));
    return {};
  }});
  return specs;
}

Extern func_extern(const std::shared_ptr<HostFunc>& f) {
  Extern e;
  e.kind = ExternKind::Func;
  e.func = &f->ref;
  e.func_type = &f->type;
  e.owner = f;
  return e;
}

// The export `name` if it is a function of type `type`; a Link error if it exists with another
// kind or type; nullopt if absent.
Result<bool> has_func_export(const Module& module, std::string_view name, const FuncType& type) {
  const ModuleInfo& info = module.info();
  for (const Export& e : info.exports) {
    if (e.name != name) continue;
    if (e.kind != ExternKind::Func) return Error(ErrorKind::Link) << "export " << name << " is not a function";
    const FuncType& have = info.func_type(e.index);
    if (have != type)
      return Error(ErrorKind::Link) << "export " << name << " has type " << to_string(have) << ", the native ABI expects "
                                    << to_string(type);
    return true;
  }
  return false;
}

class NativeHandler final : public GuestHandler {
 public:
  NativeHandler(const HandlerContext& c, std::vector<Extern> imports, bool websocket)
      : context_(c),
        source_(c.module, InstanceLimits{c.options->limits.max_memory_pages}),
        imports_(std::move(imports)),
        websocket_(websocket) {}

  HttpResponse handle(const HttpRequest& req, const Peer&) override {
    HttpResponse res{http::status::ok, req.version()};
    std::string_view target = req.target();
    size_t q = target.find('?');
    NativeCall call;
    call.request = &req;
    call.path = target.substr(0, q);
    call.query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    call.response = &res;
    call.max_response_bytes = context_.options->limits.max_response_bytes;
    call.hub = context_.hub;
    auto what = std::string(req.method_string()) + " " + std::string(req.target());

    auto instance = acquire(what);
    if (!instance) return error_response(http::status::internal_server_error, req.version());
    auto outcome = run(**instance, &call, [&] { return (*instance)->call("tern_http_handle", {}); });
    if (!outcome.status || outcome.timed_out) {
      report(what, outcome);  // the instance is dropped here (DESIGN 2)
      return error_response(outcome.timed_out ? http::status::gateway_timeout : http::status::internal_server_error,
                            req.version());
    }
    release(std::move(*instance));
    if (res[http::field::content_type].empty()) res.set(http::field::content_type, "text/plain");
    return res;
  }

  bool accepts_websocket() const override { return websocket_; }

  void ws_open(uint32_t conn) override {
    const Value args[] = {Value::i32(conn)};
    ws_event("tern_ws_open", "ws open " + std::to_string(conn), args, nullptr);
  }
  void ws_message(uint32_t conn, std::string data, bool binary) override {
    const Value args[] = {Value::i32(conn), Value::i32(static_cast<uint32_t>(data.size())), Value::i32(binary ? 1 : 0)};
    ws_event("tern_ws_message", "ws message " + std::to_string(conn), args, &data);
  }
  void ws_close(uint32_t conn) override {
    const Value args[] = {Value::i32(conn)};
    ws_event("tern_ws_close", "ws close " + std::to_string(conn), args, nullptr);
  }

 private:
  template <class F>
  Watchdog::Outcome run(Instance& instance, NativeCall* call, F&& fn) {
    return context_.watchdog->run(instance, context_.options->limits.request_timeout, [&]() -> Status {
      CallScope scope(call);
      auto r = fn();
      if (r) return {};
      return std::move(r).error();
    });
  }

  void report(const std::string& what, const Watchdog::Outcome& outcome) {
    if (outcome.timed_out) {
      context_.log->line("guest error: " + what + ": timeout: deadline passed, interrupted; instance discarded");
      return;
    }
    const Error& e = outcome.status.error();
    context_.log->line("guest error: " + what + ": " + std::string(to_string(e.kind())) + ": " + e.message() +
                       "; instance discarded");
  }

  // A new instance with its _initialize run (under the deadline).
  Result<std::shared_ptr<Instance>> fresh(const std::string& what) {
    auto instance = source_.instantiate(imports_);
    if (!instance) {
      report(what, {instance.error()});
      return std::move(instance).error();
    }
    if (!(*instance)->get_export("_initialize")) return instance;
    NativeCall none;
    none.hub = context_.hub;
    auto outcome = run(**instance, &none, [&] { return (*instance)->call("_initialize", {}); });
    if (!outcome.status || outcome.timed_out) {
      report(what + " (_initialize)", outcome);
      return Error(ErrorKind::Trap, "_initialize failed");
    }
    return instance;
  }

  Result<std::shared_ptr<Instance>> acquire(const std::string& what) {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        auto instance = std::move(idle_.back());
        idle_.pop_back();
        return instance;
      }
    }
    return fresh(what);
  }

  void release(std::shared_ptr<Instance> instance) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(instance));
  }

  // Queues one WebSocket event for the dedicated instance (DESIGN 3).
  void ws_event(const char* export_name, std::string what, std::span<const Value> args, std::string* message) {
    std::vector<Value> owned(args.begin(), args.end());
    std::optional<std::string> data;
    if (message != nullptr) data = std::move(*message);
    auto task = [this, export_name, what = std::move(what), owned = std::move(owned), data = std::move(data)]() {
      if (!has_export(export_name)) return;
      if (!ws_instance_) {
        auto instance = fresh(what);
        if (!instance) return;
        ws_instance_ = std::move(*instance);
      }
      NativeCall call;
      call.hub = context_.hub;
      call.ws_message = data ? &*data : nullptr;
      auto outcome = run(*ws_instance_, &call, [&] { return ws_instance_->call(export_name, owned); });
      if (!outcome.status || outcome.timed_out) {
        report(what, outcome);
        ws_instance_.reset();
      }
    };
    bool start = false;
    {
      std::lock_guard lock(ws_mu_);
      ws_queue_.push_back(std::move(task));
      if (!ws_draining_) start = ws_draining_ = true;
    }
    if (start) context_.pool->post([this] { drain_ws(); });
  }

  void drain_ws() {
    for (;;) {
      std::function<void()> task;
      {
        std::lock_guard lock(ws_mu_);
        if (ws_queue_.empty()) {
          ws_draining_ = false;
          return;
        }
        task = std::move(ws_queue_.front());
        ws_queue_.pop_front();
      }
      task();
    }
  }

  bool has_export(std::string_view name) const {
    for (const Export& e : source_.module().info().exports)
      if (e.name == name && e.kind == ExternKind::Func) return true;
    return false;
  }

  HandlerContext context_;
  InstanceSource source_;
  std::vector<Extern> imports_;
  bool websocket_;
  std::mutex mu_;
  std::vector<std::shared_ptr<Instance>> idle_;  // guarded by mu_

  std::mutex ws_mu_;
  std::deque<std::function<void()>> ws_queue_;  // guarded by ws_mu_
  bool ws_draining_ = false;                    // guarded by ws_mu_
  std::shared_ptr<Instance> ws_instance_;       // used only by the task draining the queue
};

}  // namespace

Result<std::unique_ptr<GuestHandler>> make_native_handler(const HandlerContext& context) {
  const Module& module = *context.module;
  const ModuleInfo& info = module.info();
  const FuncType none{};
  const FuncType conn{{ValType::I32}, {}};
  const FuncType message{{ValType::I32, ValType::I32, ValType::I32}, {}};
  TERN_TRY(bool has_handle, has_func_export(module, "tern_http_handle", none));
  if (!has_handle) return Error(ErrorKind::Link, "--abi native needs an export tern_http_handle: () -> ()");
  TERN_TRY(bool has_open, has_func_export(module, "tern_ws_open", conn));
  TERN_TRY(bool has_message, has_func_export(module, "tern_ws_message", message));
  TERN_TRY(bool has_close, has_func_export(module, "tern_ws_close", conn));
  TERN_TRY(bool has_init, has_func_export(module, "_initialize", none));
  (void)has_init;

  wasi::WasiConfig config;  // guest stdout and stderr go to the server's stderr
  config.args = {context.options->script_name};
  config.preopens = context.options->preopens;
  config.stdout_fd = 2;
  TERN_TRY(auto wasi, wasi::Wasi::create(config));
  static const std::vector<ImportSpec> specs = import_specs();
  std::vector<Extern> imports;
  for (size_t i = 0; i < info.imports.size(); ++i) {
    const Import& imp = info.imports[i];
    const std::string what = "import #" + std::to_string(i) + " " + imp.module + "." + imp.field;
    if (imp.module == "wasi_snapshot_preview1") {
      TERN_TRY(Extern ex, wasi::link_import(wasi, info, i));
      imports.push_back(std::move(ex));
      continue;
    }
    if (imp.module != "tern_http")
      return Error(ErrorKind::Link, what + ": unknown import (the native ABI provides tern_http and wasi_snapshot_preview1)");
    if (imp.kind != ExternKind::Func) return Error(ErrorKind::Link, what + ": tern_http provides functions only");
    const ImportSpec* spec = nullptr;
    for (const ImportSpec& s : specs)
      if (s.name == imp.field) spec = &s;
    if (spec == nullptr) return Error(ErrorKind::Link, what + ": unknown tern_http function");
    const FuncType& have = info.func_type(imp.index);
    if (have != spec->type)
      return Error(ErrorKind::Link, what + ": the module imports it as " + to_string(have) + ", tern_http defines " +
                                        to_string(spec->type));
    imports.push_back(func_extern(HostFunc::make(spec->type, spec->callback)));
  }
  return std::unique_ptr<GuestHandler>(new NativeHandler(context, std::move(imports), has_open || has_message || has_close));
}

}  // namespace tern::net
