// Helpers for the net/ tests: an in-process server on 127.0.0.1:0 and blocking Beast clients.
#pragma once

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "host/runtime/runtime.h"
#include "net/asio.h"
#include "net/server.h"

namespace tern::net::test {

inline std::shared_ptr<Module> compile_wasm(const std::string& name) {
  std::ifstream in(std::string(TERN_NET_WASM_DIR) + "/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in, "missing test module " << name);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto module = Module::compile(bytes);
  REQUIRE_MESSAGE(module.ok(), module.error().message());
  return *module;
}

// A server running in this process; the log is kept in memory.
struct TestServer {
  std::shared_ptr<std::ostringstream> log = std::make_shared<std::ostringstream>();
  std::unique_ptr<Server> server;
  uint16_t port = 0;

  TestServer(const std::string& wasm, ServerOptions options) {
    options.address = "127.0.0.1";
    options.port = 0;
    options.log = log.get();
    auto s = Server::create(compile_wasm(wasm), options);
    REQUIRE_MESSAGE(s.ok(), s.error().message());
    server = std::move(*s);
    auto st = server->start();
    REQUIRE_MESSAGE(st.ok(), st.error().message());
    port = server->port();
  }
  ~TestServer() {
    if (server) server->stop();
  }
  // The log so far (read after stop() or while no request is running).
  std::string log_text() const { return log->str(); }
};

// A connected blocking socket whose reads give up after `timeout_ms`.
inline tcp::socket connect(asio::io_context& ioc, uint16_t port, int timeout_ms = 10000) {
  tcp::socket socket(ioc);
  beast::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  REQUIRE_MESSAGE(!ec, "connect: " << ec.message());
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return socket;
}

inline HttpRequest make_request(http::verb method, const std::string& target, const std::string& body = {}) {
  HttpRequest req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!body.empty() || method == http::verb::post) {
    req.body() = body;
    req.prepare_payload();
  }
  return req;
}

// Writes `req` and reads one response on `socket`.
inline HttpResponse exchange(tcp::socket& socket, beast::flat_buffer& buffer, const HttpRequest& req) {
  beast::error_code ec;
  http::write(socket, req, ec);
  REQUIRE_MESSAGE(!ec, "write: " << ec.message());
  HttpResponse res;
  http::read(socket, buffer, res, ec);
  REQUIRE_MESSAGE(!ec, "read: " << ec.message());
  return res;
}

// One request on a fresh connection.
inline HttpResponse fetch(uint16_t port, const HttpRequest& req) {
  asio::io_context ioc;
  auto socket = connect(ioc, port);
  beast::flat_buffer buffer;
  return exchange(socket, buffer, req);
}

inline HttpResponse get(uint16_t port, const std::string& target) { return fetch(port, make_request(http::verb::get, target)); }

// Sends raw bytes and reads until the server closes (or the read times out: "<timeout>" is
// appended then).
inline std::string raw_exchange(uint16_t port, const std::string& bytes, int timeout_ms = 10000) {
  asio::io_context ioc;
  auto socket = connect(ioc, port, timeout_ms);
  beast::error_code ec;
  asio::write(socket, asio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  for (;;) {
    size_t n = socket.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) break;
    if (ec) {
      out += "<timeout>";
      break;
    }
  }
  return out;
}

}  // namespace tern::net::test
