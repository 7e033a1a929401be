// The fake server of guest_host.h. Every guest range is checked with LinearMemory::checked; a
// bad one fails the call with a Trap, as the ABI says the server does.
#include "guest_host.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <iterator>

namespace tern::test {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

Error bad_range(const char* import, int32_t ptr, int32_t len) {
  return Error(ErrorKind::Trap, "out of bounds memory access") << " (tern_http." << import << ": [" << ptr
                                                                << ", +" << len << "))";
}

// The guest bytes [ptr, ptr + len), or nullptr when they are not all in memory 0.
uint8_t* guest_range(Caller& caller, int32_t ptr, int32_t len) {
  LinearMemory* mem = caller.memory(0);
  if (mem == nullptr || len < 0) return nullptr;
  return mem->checked(static_cast<uint32_t>(ptr), static_cast<uint32_t>(len));
}

int32_t arg(std::span<const Value> args, size_t i) { return static_cast<int32_t>(static_cast<uint32_t>(args[i].lo)); }

// A getter of the ABI: copies min(cap, len) bytes of `value` to ptr and returns len.
Status copy_out(Caller& caller, const char* import, std::string_view value, int32_t ptr, int32_t cap,
                std::span<Value> results) {
  if (cap < 0) return bad_range(import, ptr, cap);
  const auto n = static_cast<int32_t>(std::min<size_t>(static_cast<size_t>(cap), value.size()));
  uint8_t* dst = guest_range(caller, ptr, n);
  if (dst == nullptr) return bad_range(import, ptr, n);
  std::copy_n(value.data(), n, dst);
  results[0] = Value::i32(static_cast<uint32_t>(value.size()));
  return {};
}

Result<std::string> copy_in(Caller& caller, const char* import, int32_t ptr, int32_t len) {
  uint8_t* src = guest_range(caller, ptr, len);
  if (src == nullptr) return bad_range(import, ptr, len);
  return std::string(reinterpret_cast<const char*>(src), static_cast<size_t>(len));
}

struct ImportDef {
  FuncType type;
  HostFunc::Callback callback;
};

// The tern_http import `field` over `ex`, or nullopt for a name the ABI does not have.
std::optional<ImportDef> tern_http_import(const std::string& field, const std::shared_ptr<FakeExchange>& ex) {
  using V = std::span<const Value>;
  using R = std::span<Value>;
  const auto i32s = [](size_t params, size_t results) {
    return FuncType{std::vector<ValType>(params, ValType::I32), std::vector<ValType>(results, ValType::I32)};
  };
  // The getters of one request field.
  const auto getter = [&](std::function<std::string_view(FakeExchange&)> field_of, const char* name) {
    return ImportDef{i32s(2, 1), [ex, field_of, name](Caller& c, V a, R r) {
                       return copy_out(c, name, field_of(*ex), arg(a, 0), arg(a, 1), r);
                     }};
  };
  if (field == "method") return getter([](FakeExchange& e) -> std::string_view { return e.method; }, "method");
  if (field == "path") return getter([](FakeExchange& e) -> std::string_view { return e.path; }, "path");
  if (field == "query") return getter([](FakeExchange& e) -> std::string_view { return e.query; }, "query");
  if (field == "body") return getter([](FakeExchange& e) -> std::string_view { return e.body; }, "body");
  if (field == "ws_message")
    return getter([](FakeExchange& e) -> std::string_view { return e.ws_message; }, "ws_message");
  if (field == "header") {
    return ImportDef{i32s(4, 1), [ex](Caller& c, V a, R r) -> Status {
                       auto name = copy_in(c, "header", arg(a, 0), arg(a, 1));
                       if (!name.ok()) return std::move(name).error();
                       for (const auto& [k, v] : ex->headers)
                         if (equal_ignoring_case(k, *name)) return copy_out(c, "header", v, arg(a, 2), arg(a, 3), r);
                       r[0] = Value::i32(static_cast<uint32_t>(-1));
                       return {};
                     }};
  }
  if (field == "set_status") {
    return ImportDef{i32s(1, 0), [ex](Caller&, V a, R) -> Status {
                       ex->status = arg(a, 0);
                       return {};
                     }};
  }
  if (field == "set_header") {
    return ImportDef{i32s(4, 0), [ex](Caller& c, V a, R) -> Status {
                       auto name = copy_in(c, "set_header", arg(a, 0), arg(a, 1));
                       if (!name.ok()) return std::move(name).error();
                       auto value = copy_in(c, "set_header", arg(a, 2), arg(a, 3));
                       if (!value.ok()) return std::move(value).error();
                       ex->response_headers.emplace_back(std::move(*name), std::move(*value));
                       return {};
                     }};
  }
  if (field == "write") {
    return ImportDef{i32s(2, 0), [ex](Caller& c, V a, R) -> Status {
                       auto data = copy_in(c, "write", arg(a, 0), arg(a, 1));
                       if (!data.ok()) return std::move(data).error();
                       ex->response_body += *data;
                       return {};
                     }};
  }
  if (field == "ws_send") {
    return ImportDef{i32s(4, 1), [ex](Caller& c, V a, R r) -> Status {
                       auto data = copy_in(c, "ws_send", arg(a, 1), arg(a, 2));
                       if (!data.ok()) return std::move(data).error();
                       const int32_t conn = arg(a, 0);
                       if (!ex->open.contains(conn)) {
                         r[0] = Value::i32(static_cast<uint32_t>(-1));
                         return {};
                       }
                       ex->sent.push_back({conn, std::move(*data), arg(a, 3) != 0});
                       r[0] = Value::i32(0);
                       return {};
                     }};
  }
  if (field == "ws_close") {
    return ImportDef{i32s(2, 0), [ex](Caller&, V a, R) -> Status {
                       ex->closed.emplace_back(arg(a, 0), arg(a, 1));
                       return {};
                     }};
  }
  return std::nullopt;
}

}  // namespace

void FakeExchange::reset_response() {
  status = 200;
  response_headers.clear();
  response_body.clear();
}

std::string FakeExchange::response_header(std::string_view name) const {
  std::string value;
  for (const auto& [k, v] : response_headers)
    if (equal_ignoring_case(k, name)) value = v;
  return value;
}

Result<std::vector<uint8_t>> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorKind::Io, "cannot open " + path);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Result<std::unique_ptr<GuestHost>> GuestHost::load(const std::string& wasm_path, std::shared_ptr<FakeExchange> exchange,
                                                   std::shared_ptr<wasi::Wasi> wasi) {
  TERN_TRY(auto bytes, read_file_bytes(wasm_path));
  TERN_TRY(auto module, Module::compile(bytes));
  auto host = std::unique_ptr<GuestHost>(new GuestHost());
  host->exchange_ = std::move(exchange);
  host->wasi_ = std::move(wasi);

  const ModuleInfo& info = module->info();
  std::vector<Extern> imports;
  for (size_t i = 0; i < info.imports.size(); ++i) {
    const Import& imp = info.imports[i];
    if (imp.module != "tern_http") {
      TERN_TRY(Extern e, wasi::link_import(host->wasi_, info, i));
      imports.push_back(std::move(e));
      continue;
    }
    const std::string what = "import #" + std::to_string(i) + " tern_http." + imp.field;
    auto def = tern_http_import(imp.field, host->exchange_);
    if (!def || imp.kind != ExternKind::Func) return Error(ErrorKind::Link, what + ": not in the tern_http ABI");
    const FuncType& declared = info.types[info.functions[imp.index].type_index];
    if (declared != def->type)
      return Error(ErrorKind::Link, what + ": declared " + to_string(declared) + ", ABI " + to_string(def->type));
    auto f = HostFunc::make(def->type, std::move(def->callback));
    Extern e;
    e.kind = ExternKind::Func;
    e.func = &f->ref;
    e.func_type = &f->type;
    e.owner = f;
    imports.push_back(std::move(e));
    host->host_funcs_.push_back(std::move(f));
  }
  TERN_TRY(host->instance_, Instance::instantiate(module, imports));
  if (host->instance_->get_export("_initialize")) TERN_TRY_STATUS(host->call("_initialize"));
  return host;
}

Status GuestHost::call(std::string_view export_name) {
  auto r = instance_->call(export_name, {});
  if (!r.ok()) return std::move(r).error();
  return {};
}

Status GuestHost::handle() {
  exchange_->reset_response();
  return call("tern_http_handle");
}

Status GuestHost::ws_open(int32_t conn) {
  exchange_->open.insert(conn);
  const Value args[] = {Value::i32(static_cast<uint32_t>(conn))};
  auto r = instance_->call("tern_ws_open", args);
  if (!r.ok()) return std::move(r).error();
  return {};
}

Status GuestHost::ws_message(int32_t conn, std::string message, bool binary) {
  const Value args[] = {Value::i32(static_cast<uint32_t>(conn)), Value::i32(static_cast<uint32_t>(message.size())),
                        Value::i32(binary ? 1 : 0)};
  exchange_->ws_message = std::move(message);
  auto r = instance_->call("tern_ws_message", args);
  if (!r.ok()) return std::move(r).error();
  return {};
}

Status GuestHost::ws_close(int32_t conn) {
  exchange_->open.erase(conn);
  const Value args[] = {Value::i32(static_cast<uint32_t>(conn))};
  auto r = instance_->call("tern_ws_close", args);
  if (!r.ok()) return std::move(r).error();
  return {};
}

}  // namespace tern::test
