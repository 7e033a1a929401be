// The server's shared state (internal to net/): what sessions reach through `ServerCore&`.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "net/guest.h"
#include "net/server.h"
#include "threads/worker_pool.h"

namespace tern::net {

// A connection, as the server sees it when stopping.
class Session {
 public:
  virtual ~Session() = default;
  // Graceful stop: close when idle, after the response in flight otherwise. Any thread.
  virtual void shutdown() = 0;
};

class WsSession;

class ServerCore final : public WsHub {
 public:
  ServerCore(std::shared_ptr<Module> module, ServerOptions options);
  ~ServerCore() override;

  Status init_handler();
  Status start();
  void stop();
  void wait();
  uint16_t port() const { return port_; }

  const ServerOptions& options() const { return options_; }
  const ServerLimits& limits() const { return options_.limits; }
  GuestHandler& handler() { return *handler_; }
  WorkerPool& pool() { return *pool_; }
  Log& log() { return log_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  // Past the grace period: queued requests are answered 503 without running guest code.
  bool abandoned() const { return abandoned_.load(std::memory_order_acquire); }

  uint64_t add_session(std::weak_ptr<Session> session);
  void remove_session(uint64_t id);
  uint32_t add_ws(std::weak_ptr<WsSession> session);
  void remove_ws(uint32_t conn);

  // WsHub
  bool send(uint32_t conn, std::string data, bool binary) override;
  bool close(uint32_t conn, uint16_t code) override;

 private:
  void accept();
  std::shared_ptr<WsSession> find_ws(uint32_t conn);

  ServerOptions options_;
  std::shared_ptr<Module> module_;
  Log log_;
  Watchdog watchdog_;
  std::unique_ptr<GuestHandler> handler_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions_;  // guarded by mu_
  std::unordered_map<uint32_t, std::weak_ptr<WsSession>> ws_;       // guarded by mu_
  uint64_t next_session_ = 1;                                       // guarded by mu_
  uint32_t next_conn_ = 1;                                          // guarded by mu_
  bool stop_requested_ = false;                                     // guarded by mu_ (a signal)
  bool stopped_ = false;                                            // guarded by mu_
  std::mutex stop_mu_;                                              // one stop() at a time
  std::atomic<bool> stopping_{false};
  std::atomic<bool> abandoned_{false};
  bool started_ = false;
  uint16_t port_ = 0;

  // Destroyed before everything above: pending handlers hold sessions, which use the above.
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  std::vector<std::thread> io_threads_;
  std::unique_ptr<WorkerPool> pool_;
};

// Starts serving an accepted connection (net/http_session.cpp).
void start_http_session(ServerCore& core, tcp::socket socket);
// Takes over a connection whose request asked for a WebSocket upgrade (net/ws_session.cpp).
void start_ws_session(ServerCore& core, beast::tcp_stream stream, HttpRequest request);

}  // namespace tern::net
