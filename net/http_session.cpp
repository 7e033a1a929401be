// One HTTP/1.1 connection: Beast reads a request, the worker pool runs the guest, the response
// is written back on the connection's strand, then the next request is read (keep-alive and
// pipelining: Beast's buffer keeps bytes of the requests that follow).
//
// DESIGN
// 1. Every completion handler holds shared_from_this(); the session ends when no operation is
//    pending. All state is touched on the strand only; the worker posts its result back to it.
// 2. A request that cannot be served answers once and closes: 400 (malformed), 431 (header
//    too large), 413 (body too large). A read timeout closes without answering.
// 3. The header is read first, so `Expect: 100-continue` is answered (or refused with 413 when
//    Content-Length is over the limit) before the client sends the body.
#include <array>
#include <chrono>
#include <cstdio>
#include <optional>

#include "net/core.h"

namespace tern::net {
namespace {

using Clock = std::chrono::steady_clock;

class HttpSession final : public Session, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(ServerCore& core, tcp::socket socket) : core_(core), stream_(std::move(socket)) {
    beast::error_code ec;
    auto remote = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_.remote_address = remote.address().to_string();
    auto local = stream_.socket().local_endpoint(ec);
    if (!ec) {
      peer_.local_port = local.port();
      peer_.server_name = local.address().to_string();
    }
  }
  ~HttpSession() override { core_.remove_session(id_); }

  void run() {
    id_ = core_.add_session(weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  void shutdown() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (!self->busy_) self->close();
    });
  }

 private:
  void read_header() {
    if (stopping_) return close();
    parser_.emplace();
    parser_->header_limit(core_.limits().max_header_bytes);
    parser_->body_limit(core_.limits().max_body_bytes);
    busy_ = false;
    stream_.expires_after(core_.limits().header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return read_failed(ec);
    busy_ = true;
    started_ = Clock::now();
    const auto& req = parser_->get();
    if (beast::iequals(req[http::field::expect], "100-continue") && !parser_->is_done()) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
      stream_.expires_after(core_.limits().body_timeout);
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code ec, size_t) {
        if (ec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return on_request();
    stream_.expires_after(core_.limits().body_timeout);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->read_failed(ec);
      self->on_request();
    });
  }

  void read_failed(beast::error_code ec) {
    if (ec == http::error::header_limit) return refuse(http::status::request_header_fields_too_large);
    if (ec == http::error::body_limit) return refuse(http::status::payload_too_large);
    // end_of_stream: the client closed between requests; timeout: idle or too slow.
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof)
      return close();
    // The bytes do not parse as HTTP/1.1 (Beast's parser said why).
    if (ec.category() == beast::error_code(http::error::bad_target).category()) return refuse(http::status::bad_request);
    close();
  }

  // Answers a request that will not reach the guest, then closes.
  void refuse(http::status status) {
    if (!busy_) started_ = Clock::now();
    busy_ = true;
    const auto& req = parser_->get();
    HttpResponse res = error_response(status, 11);
    res.keep_alive(false);
    res.prepare_payload();
    std::string method = parser_->is_header_done() ? std::string(req.method_string()) : "-";
    std::string target = parser_->is_header_done() ? std::string(req.target()) : "-";
    write(std::move(res), std::move(method), std::move(target));
  }

  void on_request() {
    HttpRequest req = parser_->release();
    if (websocket::is_upgrade(req) && core_.handler().accepts_websocket()) {
      core_.log().line(peer_.remote_address + " \"" + std::string(req.method_string()) + " " + std::string(req.target()) +
                       " HTTP/1.1\" 101 0 websocket");
      stream_.expires_never();
      start_ws_session(core_, std::move(stream_), std::move(req));
      return;
    }
    std::string method(req.method_string());
    std::string target(req.target());
    if (target == "/-/health" && (req.method() == http::verb::get || req.method() == http::verb::head)) {
      HttpResponse res{http::status::ok, req.version()};
      res.set(http::field::content_type, "text/plain");
      res.body() = "ok\n";
      return respond(std::move(res), req.keep_alive(), std::move(method), std::move(target));
    }
    stream_.expires_never();  // the guest's deadline is the limit now
    auto shared_req = std::make_shared<HttpRequest>(std::move(req));
    core_.pool().post([self = shared_from_this(), shared_req, method = std::move(method), target = std::move(target)]() mutable {
      HttpResponse res = self->core_.abandoned() ? error_response(http::status::service_unavailable, shared_req->version())
                                                 : self->core_.handler().handle(*shared_req, self->peer_);
      const bool keep_alive = shared_req->keep_alive();
      asio::post(self->stream_.get_executor(), [self, res = std::move(res), keep_alive, method = std::move(method),
                                                target = std::move(target)]() mutable {
        self->respond(std::move(res), keep_alive, std::move(method), std::move(target));
      });
    });
  }

  void respond(HttpResponse res, bool keep_alive, std::string method, std::string target) {
    res.keep_alive(keep_alive && !stopping_ && !core_.stopping());
    if (method == "HEAD") {
      res.content_length(res.body().size());
      res.body().clear();
    } else {
      res.prepare_payload();
    }
    write(std::move(res), std::move(method), std::move(target));
  }

  void write(HttpResponse res, std::string method, std::string target) {
    auto shared_res = std::make_shared<HttpResponse>(std::move(res));
    const auto ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.3fms", ms);
    core_.log().line(peer_.remote_address + " \"" + method + " " + target + " HTTP/1.1\" " +
                     std::to_string(shared_res->result_int()) + " " + std::to_string(shared_res->body().size()) + " " +
                     elapsed);
    stream_.expires_after(core_.limits().body_timeout);
    http::async_write(stream_, *shared_res, [self = shared_from_this(), shared_res](beast::error_code ec, size_t) {
      if (ec) return self->close();
      if (!shared_res->keep_alive()) return self->linger_close();
      self->read_header();
    });
  }

  // Closes after the client has seen the response: the send side first, then whatever the
  // client still sends is read and dropped until it closes (or a second passes). Closing with
  // unread bytes would reset the connection and could destroy the response in flight.
  void linger_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(1));
    drain();
  }

  void drain() {
    auto scratch = std::make_shared<std::array<char, 4096>>();
    stream_.async_read_some(asio::buffer(*scratch), [self = shared_from_this(), scratch](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->drain();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  ServerCore& core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Peer peer_;
  uint64_t id_ = 0;
  bool busy_ = false;      // between a header and its response
  bool stopping_ = false;  // shutdown(): close once idle
  Clock::time_point started_;
};

}  // namespace

void start_http_session(ServerCore& core, tcp::socket socket) {
  std::make_shared<HttpSession>(core, std::move(socket))->run();
}

}  // namespace tern::net
