// What the server asks of a guest ABI (net/cgi_handler.cpp, net/native_handler.cpp), and the
// pieces both ABIs share: the deadline watchdog, the instance seam and the server log.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "host/runtime/runtime.h"
#include "net/asio.h"
#include "net/server.h"
#include "tern/result.h"
#include "threads/worker_pool.h"

namespace tern::net {

// Where a request came from and arrived.
struct Peer {
  std::string remote_address;
  uint16_t local_port = 0;
  std::string server_name;
};

// The server log (access lines and guest errors); a null stream drops everything.
class Log {
 public:
  explicit Log(std::ostream* out) : out_(out) {}
  void line(std::string_view text);

 private:
  std::mutex mu_;
  std::ostream* out_;
};

// Interrupts instances whose deadline passed. One thread for the whole server, so a deadline
// fires even while the io_context is stopping (an Asio timer would not).
class Watchdog {
 public:
  Watchdog();
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Runs fn() (guest code on `instance`) with a deadline `timeout` from now. The result says
  // whether the deadline fired; once run() returns, the watchdog never touches `instance`
  // again (its interrupt flag is cleared when it had not fired).
  struct Outcome {
    Status status;
    bool timed_out = false;
  };
  Outcome run(Instance& instance, std::chrono::nanoseconds timeout, const std::function<Status()>& fn);

  // Interrupts every guest now running (the end of a stop's grace period).
  void interrupt_all();

 private:
  struct Armed {
    Instance* instance;
    bool fired = false;
  };
  void loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, Armed*> armed_;  // guarded by mu_
  bool stopping_ = false;                                               // guarded by mu_
  std::thread thread_;
};

// The one place net/ creates instances. InstancePool (embedding API) takes this over when it
// lands; until then every call instantiates.
class InstanceSource {
 public:
  InstanceSource(std::shared_ptr<Module> module, InstanceLimits limits) : module_(std::move(module)), limits_(limits) {}
  const Module& module() const { return *module_; }
  Result<std::shared_ptr<Instance>> instantiate(std::span<const Extern> imports) const {
    return Instance::instantiate(module_, imports, limits_);
  }

 private:
  std::shared_ptr<Module> module_;
  InstanceLimits limits_;
};

// Sends to open WebSocket connections by id (the server's registry).
class WsHub {
 public:
  virtual ~WsHub() = default;
  // false: no such open connection.
  virtual bool send(uint32_t conn, std::string data, bool binary) = 0;
  virtual bool close(uint32_t conn, uint16_t code) = 0;
};

// A guest ABI. handle() runs on a worker thread, never on an I/O thread; the ws_* events of one
// server are delivered serialized (one at a time, in order per connection).
class GuestHandler {
 public:
  virtual ~GuestHandler() = default;
  // Always answers: guest failures become 500/502/504 responses (and a log line).
  virtual HttpResponse handle(const HttpRequest& request, const Peer& peer) = 0;
  virtual bool accepts_websocket() const { return false; }
  virtual void ws_open(uint32_t /*conn*/) {}
  virtual void ws_message(uint32_t /*conn*/, std::string /*data*/, bool /*binary*/) {}
  virtual void ws_close(uint32_t /*conn*/) {}
};

struct HandlerContext {
  std::shared_ptr<Module> module;
  WorkerPool* pool;
  const ServerOptions* options;
  Watchdog* watchdog;
  Log* log;
  WsHub* hub;
};

Result<std::unique_ptr<GuestHandler>> make_cgi_handler(const HandlerContext& context);
Result<std::unique_ptr<GuestHandler>> make_native_handler(const HandlerContext& context);

// A plain-text response with `status` and a body naming it ("504 Gateway Timeout\n").
HttpResponse error_response(http::status status, unsigned version);

}  // namespace tern::net
