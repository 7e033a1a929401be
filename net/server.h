// tern::net::Server: `tern serve` as a library. An HTTP/1.1 and WebSocket server (Boost.Asio +
// Beast) whose requests are answered by a wasm module through one of two guest ABIs (net/README.md).
//
// DESIGN
// 1. Asio io_context threads accept, parse and serialize (Beast; no HTTP parsing by hand).
//    Guest code never runs on them: a parsed request goes to the server's WorkerPool and the
//    response is posted back to the connection's strand (net/http_session.cpp).
// 2. Every limit is a field of ServerLimits, checked before guest code runs (header and body
//    size answer 431/413 from Beast's parser limits) or while it runs (deadline through
//    Instance::interrupt() from a watchdog thread, memory through InstanceLimits).
// 3. A guest that traps answers 500, one past its deadline 504; either way that instance is
//    discarded and the next request gets another. The server keeps serving.
// 4. stop() is graceful: the acceptor closes, idle connections close, requests in flight get
//    up to `grace` to finish (their responses carry Connection: close), then guests still
//    running are interrupted and every thread is joined.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "host/runtime/runtime.h"
#include "host/wasi/wasi.h"
#include "tern/result.h"

namespace tern::net {

enum class Abi : uint8_t {
  Cgi,     // a WASI command per request: environment + stdin in, CGI response on stdout
  Native,  // a reactor exporting tern_http_handle / tern_ws_*, importing module "tern_http"
};

struct ServerLimits {
  std::chrono::nanoseconds request_timeout = std::chrono::seconds(10);  // guest deadline -> 504
  std::chrono::nanoseconds header_timeout = std::chrono::seconds(10);   // read a request header; keep-alive idle
  std::chrono::nanoseconds body_timeout = std::chrono::seconds(30);     // read a request body
  uint32_t max_header_bytes = 16 * 1024;                                // -> 431
  uint64_t max_body_bytes = 1024 * 1024;                                // -> 413
  uint64_t max_response_bytes = 64 * 1024 * 1024;                       // CGI stdout past it -> 500
  uint64_t max_ws_message_bytes = 1024 * 1024;                          // closes with 1009 (too big)
  size_t max_ws_queued_messages = 1024;                                 // a client that does not read is dropped
  uint32_t max_memory_pages = kMaxPages32;                              // per instance
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: an ephemeral port (see Server::port())
  unsigned io_threads = 1;
  unsigned workers = 0;  // 0: hardware_concurrency()
  Abi abi = Abi::Cgi;
  ServerLimits limits;
  std::chrono::nanoseconds grace = std::chrono::seconds(10);  // stop(): time for requests in flight
  std::vector<wasi::Preopen> preopens;                        // --dir, for both ABIs
  std::string script_name = "handler.wasm";                   // argv[0] of a CGI guest
  // One line per request: REMOTE "METHOD TARGET HTTP/1.1" STATUS BYTES MSms. nullptr: none.
  // Also receives guest errors (traps, timeouts). Written under a mutex.
  std::ostream* log = nullptr;
  // Stop gracefully on SIGINT/SIGTERM (asio::signal_set; tern's trap signals are not touched).
  bool stop_on_signals = false;
};

class ServerCore;

class Server {
 public:
  // Checks `module` against the ABI (exports, imports) and creates the server; nothing listens
  // yet. Errors: Link (the module does not fit the ABI), Usage (bad options).
  static Result<std::unique_ptr<Server>> create(std::shared_ptr<Module> module, ServerOptions options);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the I/O threads and workers. Io error if the address cannot be bound.
  Status start();
  // The bound port (after start()).
  uint16_t port() const;
  // Graceful stop (DESIGN 4); returns when every thread is joined. Safe to call twice.
  void stop();
  // Blocks until the server stopped (stop() from another thread or a signal).
  void wait();

 private:
  explicit Server(std::unique_ptr<ServerCore> core);
  std::unique_ptr<ServerCore> core_;
};

}  // namespace tern::net
