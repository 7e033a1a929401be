// One WebSocket connection. Beast does the protocol: the upgrade handshake, assembling
// fragmented messages, answering pings, the close handshake, the per-message size limit (a
// larger message closes the connection with 1009).
//
// DESIGN
// 1. All state is touched on the connection's strand; send() and close() may come from a
//    worker thread (a guest calling ws_send) and are posted to it.
// 2. One write at a time: outgoing messages queue, up to ServerLimits::max_ws_queued_messages;
//    a client that does not read past that is dropped rather than growing the server's memory.
// 3. The guest sees tern_ws_open after the handshake and exactly one tern_ws_close when the
//    connection ends, however it ends.
#include "net/ws_session.h"

namespace tern::net {

WsSession::WsSession(ServerCore& core, beast::tcp_stream stream) : core_(core), ws_(std::move(stream)) {}

WsSession::~WsSession() { core_.remove_session(id_); }

void WsSession::run(HttpRequest request) {
  id_ = core_.add_session(weak_from_this());
  request_ = std::move(request);
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(core_.limits().max_ws_message_bytes);
  ws_.async_accept(request_, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) {
    core_.log().line("websocket handshake failed: " + ec.message());
    return;
  }
  conn_ = core_.add_ws(weak_from_this());
  open_ = true;
  core_.handler().ws_open(conn_);
  if (core_.stopping()) close(static_cast<uint16_t>(websocket::close_code::going_away));
  read();
}

void WsSession::read() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->closed();
    std::string data = beast::buffers_to_string(self->buffer_.data());
    self->buffer_.consume(self->buffer_.size());
    self->core_.handler().ws_message(self->conn_, std::move(data), !self->ws_.got_text());
    self->read();
  });
}

void WsSession::send(std::string data, bool binary) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), data = std::move(data), binary]() mutable {
    if (!self->open_ || self->close_code_ >= 0) return;
    if (self->queue_.size() >= self->core_.limits().max_ws_queued_messages) {
      self->core_.log().line("websocket " + std::to_string(self->conn_) + ": send queue full, dropping the client");
      beast::error_code ec;
      beast::get_lowest_layer(self->ws_).socket().close(ec);
      return;
    }
    self->queue_.push_back({std::move(data), binary});
    if (!self->writing_) self->write_next();
  });
}

void WsSession::close(uint16_t code) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), code] {
    if (!self->open_ || self->close_code_ >= 0) return;
    self->close_code_ = code;
    if (!self->writing_) self->write_next();
  });
}

void WsSession::shutdown() { close(static_cast<uint16_t>(websocket::close_code::going_away)); }

void WsSession::write_next() {
  if (queue_.empty()) {
    writing_ = false;
    if (close_code_ >= 0 && !close_sent_) {
      close_sent_ = true;
      writing_ = true;
      ws_.async_close(websocket::close_reason(static_cast<uint16_t>(close_code_)),
                      [self = shared_from_this()](beast::error_code) { self->writing_ = false; });
    }
    return;
  }
  writing_ = true;
  ws_.text(!queue_.front().binary);
  ws_.async_write(asio::buffer(queue_.front().data), [self = shared_from_this()](beast::error_code ec, size_t) {
    self->queue_.pop_front();
    if (ec) {
      self->writing_ = false;
      self->queue_.clear();
      return;
    }
    self->write_next();
  });
}

void WsSession::closed() {
  if (!open_) return;
  open_ = false;
  queue_.clear();
  core_.remove_ws(conn_);
  core_.handler().ws_close(conn_);
}

void start_ws_session(ServerCore& core, beast::tcp_stream stream, HttpRequest request) {
  std::make_shared<WsSession>(core, std::move(stream))->run(std::move(request));
}

}  // namespace tern::net
