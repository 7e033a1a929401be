// HTTP/1.1 through a real loopback connection: both guest ABIs, keep-alive, pipelining,
// chunked bodies, 100-continue, malformed and oversized requests, slow clients, guests that trap
// or never return, graceful stop.
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "net_test_util.h"

namespace tern::net::test {
namespace {

using namespace std::chrono_literals;

ServerOptions native_options() {
  ServerOptions o;
  o.abi = Abi::Native;
  o.workers = 2;
  return o;
}

bool server_alive(uint16_t port) {
  auto res = get(port, "/-/health");
  return res.result() == http::status::ok && res.body() == "ok\n";
}

TEST_CASE("native ABI: routes, headers, query, body") {
  TestServer s("native.wasm", native_options());
  auto hello = get(s.port, "/hello");
  CHECK(hello.result() == http::status::ok);
  CHECK(hello.body() == "hello from wasm\n");
  CHECK(hello["x-guest"] == "native");
  CHECK(hello[http::field::content_type] == "text/plain");

  auto req = make_request(http::verb::put, "/echo?a=1&b=two", "payload bytes");
  req.set(http::field::content_type, "application/x-test");
  auto echo = fetch(s.port, req);
  CHECK(echo.result() == http::status::ok);
  CHECK(echo.body() == "payload bytes");
  CHECK(echo["x-method"] == "PUT");
  CHECK(echo["x-query"] == "a=1&b=two");
  CHECK(echo[http::field::content_type] == "application/x-test");

  auto missing = get(s.port, "/nope");
  CHECK(missing.result() == http::status::not_found);
  CHECK(missing.body() == "not found\n");
  CHECK(get(s.port, "/init").body() == "1\n");  // _initialize ran once per instance
  CHECK(server_alive(s.port));
}

TEST_CASE("keep-alive: one connection, several requests, one reused instance") {
  ServerOptions o = native_options();
  o.workers = 1;
  TestServer s("native.wasm", o);
  asio::io_context ioc;
  auto socket = connect(ioc, s.port);
  beast::flat_buffer buffer;
  for (int i = 1; i <= 5; ++i) {
    auto res = exchange(socket, buffer, make_request(http::verb::get, "/count"));
    CHECK(res.result() == http::status::ok);
    CHECK(res.keep_alive());
    CHECK(res.body() == std::to_string(i) + "\n");  // the instance (and its global) is reused
  }
}

TEST_CASE("pipelined requests are answered in order on one connection") {
  TestServer s("native.wasm", native_options());
  std::string batch;
  for (const char* body : {"first", "second!", "third..."})
    batch += "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(std::strlen(body)) + "\r\n\r\n" + body;
  batch += "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string out = raw_exchange(s.port, batch);
  size_t a = out.find("\r\n\r\nfirst"), b = out.find("\r\n\r\nsecond!"), c = out.find("\r\n\r\nthird..."),
         d = out.find("hello from wasm");
  CHECK(a != std::string::npos);
  CHECK(b != std::string::npos);
  CHECK(c != std::string::npos);
  CHECK(d != std::string::npos);
  CHECK(a < b);
  CHECK(b < c);
  CHECK(c < d);
  CHECK(out.find("<timeout>") == std::string::npos);  // Connection: close closed it
}

TEST_CASE("chunked request bodies and Expect: 100-continue") {
  TestServer s("native.wasm", native_options());
  std::string chunked = raw_exchange(s.port,
                                     "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                                     "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n");
  CHECK(chunked.starts_with("HTTP/1.1 200 OK"));
  CHECK(chunked.ends_with("\r\n\r\nhello, world"));

  asio::io_context ioc;
  auto socket = connect(ioc, s.port);
  asio::write(socket, asio::buffer(std::string("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")));
  beast::flat_buffer buffer;
  http::response<http::empty_body> cont;
  http::response_parser<http::empty_body> cont_parser;
  beast::error_code ec;
  http::read_header(socket, buffer, cont_parser, ec);
  REQUIRE(!ec);
  CHECK(cont_parser.get().result() == http::status::continue_);
  asio::write(socket, asio::buffer(std::string("body")));
  HttpResponse res;
  http::read(socket, buffer, res, ec);
  REQUIRE(!ec);
  CHECK(res.body() == "body");

  // Content-Length over the limit: refused before the body is sent.
  std::string refused = raw_exchange(s.port, "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n");
  CHECK(refused.starts_with("HTTP/1.1 413 Payload Too Large"));
}

TEST_CASE("malformed requests: 400, connection closed, server alive") {
  TestServer s("native.wasm", native_options());
  for (const char* bad : {"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", "GET / HTTP/7.x\r\n\r\n",
                          "\x01\x02\x03 / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
                          "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    CAPTURE(bad);
    std::string out = raw_exchange(s.port, bad);
    CHECK(out.starts_with("HTTP/1.1 400 Bad Request"));
    CHECK(out.find("Connection: close") != std::string::npos);
    CHECK(out.find("<timeout>") == std::string::npos);  // the server closed the connection
  }
  CHECK(server_alive(s.port));
  CHECK(get(s.port, "/hello").body() == "hello from wasm\n");
}

TEST_CASE("oversized headers answer 431, oversized bodies 413") {
  ServerOptions o = native_options();
  o.limits.max_header_bytes = 4096;
  o.limits.max_body_bytes = 1000;
  TestServer s("native.wasm", o);
  std::string big_header = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n";
  CHECK(raw_exchange(s.port, big_header).starts_with("HTTP/1.1 431 Request Header Fields Too Large"));

  std::string body(1001, 'b');
  std::string big_body = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n" + body;
  CHECK(raw_exchange(s.port, big_body).starts_with("HTTP/1.1 413 Payload Too Large"));
  std::string big_chunks = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) big_chunks += "190\r\n" + std::string(400, 'c') + "\r\n";
  big_chunks += "0\r\n\r\n";
  CHECK(raw_exchange(s.port, big_chunks).starts_with("HTTP/1.1 413 Payload Too Large"));

  auto ok = fetch(s.port, make_request(http::verb::post, "/echo", std::string(1000, 'k')));
  CHECK(ok.result() == http::status::ok);
  CHECK(ok.body().size() == 1000);
}

TEST_CASE("a slow client is disconnected when its header does not arrive in time") {
  ServerOptions o = native_options();
  o.limits.header_timeout = 300ms;
  TestServer s("native.wasm", o);
  auto start = std::chrono::steady_clock::now();
  std::string out = raw_exchange(s.port, "GET /hello HTTP/1.1\r\nHost: x\r\n", 5000);  // never finishes the header
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(out.find("<timeout>") == std::string::npos);  // the server closed, the client did not give up
  CHECK(out.find("hello") == std::string::npos);
  CHECK(waited >= 250ms);
  CHECK(waited < 3s);
  // An idle keep-alive connection is closed the same way.
  asio::io_context ioc;
  auto socket = connect(ioc, s.port, 5000);
  beast::flat_buffer buffer;
  CHECK(exchange(socket, buffer, make_request(http::verb::get, "/hello")).result() == http::status::ok);
  char c;
  beast::error_code ec;
  socket.read_some(asio::buffer(&c, 1), ec);
  CHECK(ec == asio::error::eof);
  CHECK(server_alive(s.port));
}

TEST_CASE("a trapping or looping guest answers 500/504; the server keeps serving") {
  ServerOptions o = native_options();
  o.limits.request_timeout = 300ms;
  TestServer s("native.wasm", o);
  for (int round = 0; round < 3; ++round) {
    CHECK(get(s.port, "/trap").result() == http::status::internal_server_error);
    CHECK(get(s.port, "/badptr").result() == http::status::internal_server_error);
    auto start = std::chrono::steady_clock::now();
    CHECK(get(s.port, "/loop").result() == http::status::gateway_timeout);
    CHECK(std::chrono::steady_clock::now() - start < 3s);
    auto next = get(s.port, "/hello");
    CHECK(next.result() == http::status::ok);
    CHECK(next.body() == "hello from wasm\n");
  }
  s.server->stop();
  std::string log = s.log_text();
  CHECK(log.find("GET /trap: trap: unreachable; instance discarded") != std::string::npos);
  CHECK(log.find("GET /loop: timeout") != std::string::npos);
  CHECK(log.find("\"GET /loop HTTP/1.1\" 504") != std::string::npos);
}

TEST_CASE("memory limit per instance") {
  ServerOptions o = native_options();
  {
    TestServer unlimited("native.wasm", o);
    CHECK(get(unlimited.port, "/grow").body() == "grown\n");
  }
  o.limits.max_memory_pages = 64;  // 4 MiB
  TestServer limited("native.wasm", o);
  CHECK(get(limited.port, "/grow").body() == "denied\n");
}

TEST_CASE("concurrent clients on several I/O threads and workers") {
  ServerOptions o = native_options();
  o.io_threads = 2;
  o.workers = 3;
  TestServer s("native.wasm", o);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      asio::io_context ioc;
      auto socket = connect(ioc, s.port);
      beast::flat_buffer buffer;
      for (int i = 0; i < 25; ++i) {
        std::string body = "client " + std::to_string(t) + " request " + std::to_string(i);
        auto res = exchange(socket, buffer, make_request(http::verb::post, "/echo", body));
        if (res.result() == http::status::ok && res.body() == body) ++ok;
      }
    });
  }
  for (auto& c : clients) c.join();
  CHECK(ok == 200);
}

TEST_CASE("graceful stop: the request in flight is answered, then the server is gone") {
  ServerOptions o = native_options();
  o.limits.request_timeout = 600ms;
  o.grace = 5s;
  TestServer s("native.wasm", o);
  asio::io_context ioc;
  auto idle = connect(ioc, s.port);  // an idle keep-alive connection is closed at once
  std::thread client([&] {
    auto res = get(s.port, "/loop");
    CHECK(res.result() == http::status::gateway_timeout);
    CHECK(!res.keep_alive());
  });
  std::this_thread::sleep_for(150ms);
  auto start = std::chrono::steady_clock::now();
  s.server->stop();
  client.join();
  CHECK(std::chrono::steady_clock::now() - start < 4s);
  char c;
  beast::error_code ec;
  idle.read_some(asio::buffer(&c, 1), ec);
  CHECK(ec == asio::error::eof);
  tcp::socket after(ioc);
  after.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port), ec);
  CHECK(ec);  // nothing listens any more
}

TEST_CASE("CGI ABI: a WAT command answers with its CGI headers and body") {
  TestServer s("cgi_hello.wasm", ServerOptions{});
  auto res = get(s.port, "/anything?x=1");
  CHECK(res.result() == http::status::ok);
  CHECK(res.body() == "hello from a wasm command\n");
  CHECK(res[http::field::content_type] == "text/plain");
  CHECK(res["X-Guest"] == "cgi-wat");
}

TEST_CASE("Server::create checks the module against the ABI") {
  ServerOptions native;
  native.abi = Abi::Native;
  auto wrong = Server::create(compile_wasm("cgi_hello.wasm"), native);
  REQUIRE(!wrong.ok());
  CHECK(wrong.error().kind() == ErrorKind::Link);
  CHECK(wrong.error().message().find("tern_http_handle") != std::string::npos);
  auto wrong_cgi = Server::create(compile_wasm("native.wasm"), ServerOptions{});
  REQUIRE(!wrong_cgi.ok());
  CHECK(wrong_cgi.error().kind() == ErrorKind::Link);
}

#ifdef TERN_NET_CGI_C
TEST_CASE("CGI ABI: environment, stdin, status, trap, timeout, exit status, bad output (C guest)") {
  ServerOptions o;
  o.limits.request_timeout = 300ms;
  o.workers = 2;
  TestServer s("cgi_guest.wasm", o);
  auto req = make_request(http::verb::post, "/env?q=1&r=2", "12345");
  req.set(http::field::content_type, "text/x-test");
  req.set("X-Test-Header", "some value");
  auto env = fetch(s.port, req);
  CHECK(env.result() == http::status::ok);
  for (const char* line : {"REQUEST_METHOD=POST\n", "PATH_INFO=/env\n", "QUERY_STRING=q=1&r=2\n", "CONTENT_TYPE=text/x-test\n",
                           "CONTENT_LENGTH=5\n", "SERVER_PROTOCOL=HTTP/1.1\n", "GATEWAY_INTERFACE=CGI/1.1\n",
                           "REMOTE_ADDR=127.0.0.1\n", "HTTP_X_TEST_HEADER=some value\n"}) {
    CAPTURE(line);
    CHECK(env.body().find(line) != std::string::npos);
  }
  auto echo = fetch(s.port, make_request(http::verb::post, "/echo", std::string(100000, 'e')));
  CHECK(echo.result() == http::status::ok);
  CHECK(echo.body() == std::string(100000, 'e'));
  CHECK(echo["X-Echo"] == "yes");
  auto status = get(s.port, "/status");
  CHECK(status.result() == http::status::not_found);
  CHECK(status.body() == "nothing here\n");
  CHECK(get(s.port, "/trap").result() == http::status::internal_server_error);
  CHECK(get(s.port, "/loop").result() == http::status::gateway_timeout);
  CHECK(get(s.port, "/exit").result() == http::status::internal_server_error);
  CHECK(get(s.port, "/bad").result() == http::status::bad_gateway);
  CHECK(get(s.port, "/").body() == "hello from C\n");
}
#endif

}  // namespace
}  // namespace tern::net::test
