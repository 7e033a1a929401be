// json-api: a tern native-ABI reactor serving handler.h. The server calls _initialize once per
// instance, then tern_http_handle once per request; `state` lives in the instance, so the
// counter grows across the requests one instance serves.
//
//   tern serve --abi native build/samples/json-api.wasm
//   curl -d '{"b": [1, 2.5], "a": "x"}' http://127.0.0.1:8080/transform
#include <string>

#include "../tern_http.h"
#include "handler.h"

namespace json_api {

[[noreturn]] void trap() { __builtin_trap(); }

[[noreturn]] void spin_forever() {
  // A side effect in the loop, so the compiler keeps it (an empty infinite loop is undefined
  // behaviour in C++). tern stops it at the loop header when the request's deadline passes.
  volatile uint64_t spins = 0;
  for (;;) spins = spins + 1;
}

}  // namespace json_api

namespace {

json_api::State state;

// Reads one request field through a getter of the ABI, growing the buffer when the first try
// was too small.
template <class Getter>
std::string read_field(Getter get, size_t first_try = 64) {
  std::string s(first_try, '\0');
  int32_t n = get(s.data(), static_cast<int32_t>(s.size()));
  if (n < 0) return {};
  if (static_cast<size_t>(n) > s.size()) {
    s.resize(static_cast<size_t>(n));
    n = get(s.data(), n);
  }
  s.resize(static_cast<size_t>(n));
  return s;
}

void set_header(std::string_view name, std::string_view value) {
  tern_http_set_header(name.data(), static_cast<int32_t>(name.size()), value.data(),
                       static_cast<int32_t>(value.size()));
}

}  // namespace

extern "C" TERN_HTTP_EXPORT("tern_http_handle") void tern_http_handle() {
  std::string method = read_field(tern_http_method, 16);
  std::string path = read_field(tern_http_path);
  std::string query = read_field(tern_http_query);
  std::string body;
  if (method == "POST") {
    int32_t len = tern_http_body(nullptr, 0);
    body.resize(static_cast<size_t>(len > 0 ? len : 0));
    if (len > 0) tern_http_body(body.data(), len);
  }

  json_api::Response res;
  const auto header = [](std::string_view name, std::string& value) {
    const auto name_len = static_cast<int32_t>(name.size());
    if (tern_http_header(name.data(), name_len, nullptr, 0) < 0) return false;
    value = read_field([&](char* p, int32_t cap) { return tern_http_header(name.data(), name_len, p, cap); });
    return true;
  };
  json_api::handle(state, {method, path, query, body, header}, res);

  if (res.status != 200) tern_http_set_status(res.status);
  set_header("Content-Type", res.content_type);
  tern_http_write(res.body.data(), static_cast<int32_t>(res.body.size()));
}
