// A stand-in for `tern serve` in tests of the HTTP guest samples: it implements the
// "tern_http" imports of the native ABI (net/README.md) over one fake exchange held in memory,
// links WASI for the rest, and drives a reactor the way the server does (_initialize once, then
// tern_http_handle / tern_ws_* per event). So the samples are tested without the server.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "host/runtime/runtime.h"
#include "host/wasi/wasi.h"
#include "tern/result.h"

namespace tern::test {

// What the guest sees of a request and what it answered; the WebSocket side of the room.
struct FakeExchange {
  std::string method = "GET";
  std::string path = "/";
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;  // request headers, any case
  std::string body;

  int status = 200;
  std::vector<std::pair<std::string, std::string>> response_headers;
  std::string response_body;

  struct Sent {
    int32_t conn;
    std::string data;
    bool binary;
  };
  std::string ws_message;   // the message tern_ws_message is told about
  std::set<int32_t> open;   // connections ws_send may reach
  std::vector<Sent> sent;   // every ws_send to an open connection, in order
  std::vector<std::pair<int32_t, int32_t>> closed;  // ws_close(conn, code) calls

  // Clears the response before the next request (the request fields stay as set).
  void reset_response();
  // The last value set for a response header (case-insensitive), or "" if none.
  std::string response_header(std::string_view name) const;
};

class GuestHost {
 public:
  // Compiles `wasm_path`, instantiates it with the tern_http imports over `exchange` and WASI
  // over `wasi` and, for a reactor, runs _initialize.
  static Result<std::unique_ptr<GuestHost>> load(const std::string& wasm_path, std::shared_ptr<FakeExchange> exchange,
                                                 std::shared_ptr<wasi::Wasi> wasi);

  // One HTTP request: resets the response and calls tern_http_handle.
  Status handle();
  Status ws_open(int32_t conn);
  Status ws_message(int32_t conn, std::string message, bool binary);
  Status ws_close(int32_t conn);
  // Calls an export without arguments (e.g. _start of a command).
  Status call(std::string_view export_name);

  Instance& instance() { return *instance_; }

 private:
  std::shared_ptr<FakeExchange> exchange_;
  std::shared_ptr<wasi::Wasi> wasi_;
  std::vector<std::shared_ptr<HostFunc>> host_funcs_;
  std::shared_ptr<Instance> instance_;
};

// The bytes of a file, or an Io error naming it.
Result<std::vector<uint8_t>> read_file_bytes(const std::string& path);

}  // namespace tern::test
