// WebSocket through real loopback connections (Beast's client): echo with state per
// connection, broadcast, fragmented messages, ping/pong, the message size limit, the close
// handshake, and 1,000 connections at once.
#include <sys/resource.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "net_test_util.h"

namespace tern::net::test {
namespace {

using namespace std::chrono_literals;
using WsClient = websocket::stream<tcp::socket>;

ServerOptions ws_options() {
  ServerOptions o;
  o.abi = Abi::Native;
  o.workers = 2;
  o.io_threads = 2;
  return o;
}

std::unique_ptr<WsClient> ws_connect(asio::io_context& ioc, uint16_t port, const std::string& target = "/chat") {
  auto ws = std::make_unique<WsClient>(connect(ioc, port));
  beast::error_code ec;
  ws->handshake("127.0.0.1", target, ec);
  REQUIRE_MESSAGE(!ec, "handshake: " << ec.message());
  return ws;
}

struct Reply {
  uint32_t count = 0;  // the guest's per-connection message count
  std::string echo;
  bool binary = false;
};

Reply read_reply(WsClient& ws) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  ws.read(buffer, ec);
  REQUIRE_MESSAGE(!ec, "read: " << ec.message());
  std::string data = beast::buffers_to_string(buffer.data());
  Reply r;
  r.binary = ws.got_binary();
  if (!r.binary) {
    r.echo = data;
    return r;
  }
  REQUIRE(data.size() >= 4);
  std::memcpy(&r.count, data.data(), 4);
  r.echo = data.substr(4);
  return r;
}

void send_text(WsClient& ws, const std::string& text) {
  ws.text(true);
  beast::error_code ec;
  ws.write(asio::buffer(text), ec);
  REQUIRE_MESSAGE(!ec, "write: " << ec.message());
}

TEST_CASE("WebSocket: echo, with a message count kept per connection") {
  TestServer s("native.wasm", ws_options());
  asio::io_context ioc;
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(ws_connect(ioc, s.port));
  // Interleaved: client i sends i + 1 messages per round.
  std::vector<uint32_t> sent(clients.size(), 0);
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < clients.size(); ++i) {
      for (size_t k = 0; k <= i; ++k) {
        std::string text = "client " + std::to_string(i) + " message " + std::to_string(sent[i]);
        send_text(*clients[i], text);
        ++sent[i];
        Reply r = read_reply(*clients[i]);
        CHECK(r.binary);
        CHECK(r.count == sent[i]);
        CHECK(r.echo == text);
      }
    }
  }
  // Binary messages are echoed too.
  clients[0]->binary(true);
  const std::string bytes("\x00\x01\x02\xff", 4);
  clients[0]->write(asio::buffer(bytes));
  Reply r = read_reply(*clients[0]);
  CHECK(r.echo == bytes);
  CHECK(r.count == sent[0] + 1);
  for (auto& c : clients) c->close(websocket::close_code::normal);
}

TEST_CASE("WebSocket: broadcast reaches every open connection, not closed ones") {
  TestServer s("native.wasm", ws_options());
  asio::io_context ioc;
  auto a = ws_connect(ioc, s.port), b = ws_connect(ioc, s.port), c = ws_connect(ioc, s.port);
  auto gone = ws_connect(ioc, s.port);
  gone->close(websocket::close_code::normal);  // the close handshake completes
  // Make sure the server saw the close before broadcasting: a round trip on another client.
  send_text(*a, "sync");
  CHECK(read_reply(*a).count == 1);
  std::this_thread::sleep_for(100ms);
  send_text(*b, "*hello everyone");
  for (WsClient* ws : {a.get(), b.get(), c.get()}) {
    Reply r = read_reply(*ws);
    CHECK(!r.binary);
    CHECK(r.echo == "*hello everyone");
  }
  // c's own count is untouched by the broadcast.
  send_text(*c, "mine");
  CHECK(read_reply(*c).count == 1);
}

TEST_CASE("WebSocket: fragmented messages, ping/pong, size limit") {
  ServerOptions o = ws_options();
  o.limits.max_ws_message_bytes = 64 * 1024;
  TestServer s("native.wasm", o);
  asio::io_context ioc;
  auto ws = ws_connect(ioc, s.port);

  // A message sent as three frames arrives at the guest as one.
  ws->text(true);
  ws->write_some(false, asio::buffer(std::string("frag")));
  ws->write_some(false, asio::buffer(std::string("mented ")));
  ws->write_some(true, asio::buffer(std::string("message")));
  Reply r = read_reply(*ws);
  CHECK(r.echo == "fragmented message");
  CHECK(r.count == 1);

  bool ponged = false;
  ws->control_callback([&](websocket::frame_type kind, std::string_view payload) {
    if (kind == websocket::frame_type::pong && payload == "are you there") ponged = true;
  });
  ws->ping("are you there");
  send_text(*ws, "after ping");
  r = read_reply(*ws);  // the pong is processed while reading
  CHECK(ponged);
  CHECK(r.echo == "after ping");

  // Over the limit: the server closes with 1009 (message too big).
  ws->binary(true);
  beast::error_code ec;
  ws->write(asio::buffer(std::string(65 * 1024, 'x')), ec);
  beast::flat_buffer buffer;
  ws->read(buffer, ec);
  CHECK(ec == websocket::error::closed);
  CHECK(ws->reason().code == websocket::close_code::too_big);

  auto again = ws_connect(ioc, s.port);  // the server is fine
  send_text(*again, "still here");
  CHECK(read_reply(*again).echo == "still here");
}

TEST_CASE("WebSocket: a close started by the server on stop") {
  TestServer s("native.wasm", ws_options());
  asio::io_context ioc;
  auto ws = ws_connect(ioc, s.port);
  send_text(*ws, "x");
  read_reply(*ws);
  std::thread stopper([&] { s.server->stop(); });
  beast::flat_buffer buffer;
  beast::error_code ec;
  ws->read(buffer, ec);
  CHECK(ec == websocket::error::closed);
  CHECK(ws->reason().code == websocket::close_code::going_away);
  stopper.join();
}

TEST_CASE("1,000 concurrent WebSocket connections, each with its own state") {
  constexpr int kClients = 1000;
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 2 * kClients + 200) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 4 * kClients);
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  REQUIRE_MESSAGE(lim.rlim_cur >= 2 * kClients + 100, "RLIMIT_NOFILE too low: " << lim.rlim_cur);

  TestServer s("native.wasm", ws_options());
  asio::io_context ioc;
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(ws_connect(ioc, s.port));
  // All are open at once: every client sends, then every client reads its answer.
  for (int round = 1; round <= 2; ++round) {
    for (int i = 0; i < kClients; ++i) send_text(*clients[i], "c" + std::to_string(i) + " r" + std::to_string(round));
    int good = 0;
    for (int i = 0; i < kClients; ++i) {
      Reply r = read_reply(*clients[i]);
      if (r.binary && r.count == static_cast<uint32_t>(round) && r.echo == "c" + std::to_string(i) + " r" + std::to_string(round))
        ++good;
    }
    CHECK(good == kClients);
  }
  auto health = get(s.port, "/-/health");  // HTTP still answers meanwhile
  CHECK(health.result() == http::status::ok);
  for (auto& c : clients) {
    beast::error_code ec;
    c->close(websocket::close_code::normal, ec);
    CHECK(!ec);
  }
}

}  // namespace
}  // namespace tern::net::test
