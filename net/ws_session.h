// One WebSocket connection (net/ws_session.cpp); the server's registry finds it by id.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "net/core.h"

namespace tern::net {

class WsSession final : public Session, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(ServerCore& core, beast::tcp_stream stream);
  ~WsSession() override;

  void run(HttpRequest request);
  // Queues a message (any thread). The connection is dropped if its queue is full.
  void send(std::string data, bool binary);
  // Starts the close handshake after the queued messages (any thread).
  void close(uint16_t code);
  void shutdown() override;

 private:
  struct Outgoing {
    std::string data;
    bool binary = false;
  };
  void on_accept(beast::error_code ec);
  void read();
  void write_next();
  void closed();

  ServerCore& core_;
  websocket::stream<beast::tcp_stream> ws_;
  HttpRequest request_;  // the upgrade request, alive while async_accept runs
  beast::flat_buffer buffer_;
  uint64_t id_ = 0;
  uint32_t conn_ = 0;
  std::deque<Outgoing> queue_;
  bool writing_ = false;
  bool open_ = false;       // the handshake completed and tern_ws_close was not sent yet
  int close_code_ = -1;     // a close requested while messages were queued
  bool close_sent_ = false;
};

}  // namespace tern::net
