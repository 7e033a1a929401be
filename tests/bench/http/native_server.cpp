// http-native-server: the json-api handler (samples/http/json-api/handler.h, the very file the
// wasm guest is built from) compiled natively into a minimal Boost.Beast HTTP/1.1 server. It is
// the load benchmark's physical limit: the same handler with no wasm, no sandbox and no pool.
//
//   http-native-server [--listen 127.0.0.1:8081] [--threads N]
//
// N threads run one io_context; each thread has its own handler State (tern keeps one per
// instance). The handler's trap() answers 500 and spin_forever() 504, which is what tern answers
// for those routes, without the wait. Prints "listening on ADDR:PORT" once accepting.
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "handler.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace json_api {

struct Trapped {};
struct TimedOut {};

[[noreturn]] void trap() { throw Trapped{}; }
[[noreturn]] void spin_forever() { throw TimedOut{}; }

}  // namespace json_api

namespace {

thread_local json_api::State handler_state;

http::response<http::string_body> respond(const http::request<http::string_body>& req) {
  const std::string_view target(req.target().data(), req.target().size());
  const size_t q = target.find('?');
  const json_api::Request in{std::string_view(req.method_string().data(), req.method_string().size()),
                             target.substr(0, q),
                             q == std::string_view::npos ? std::string_view() : target.substr(q + 1), req.body(),
                             [&req](std::string_view name, std::string& value) {
                               auto it = req.find(beast::string_view(name.data(), name.size()));
                               if (it == req.end()) return false;
                               value.assign(it->value().data(), it->value().size());
                               return true;
                             }};
  json_api::Response out;
  try {
    json_api::handle(handler_state, in, out);
  } catch (const json_api::Trapped&) {
    out = {500, "text/plain", "trapped\n"};
  } catch (const json_api::TimedOut&) {
    out = {504, "text/plain", "timed out\n"};
  }
  http::response<http::string_body> res{static_cast<http::status>(out.status), req.version()};
  res.set(http::field::content_type, out.content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(out.body);
  res.prepare_payload();
  return res;
}

// One connection: read a request, answer it, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : stream_(std::move(socket)) {}
  void start() { read(); }

 private:
  void read() {
    req_ = {};
    http::async_read(stream_, buffer_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->res_ = respond(self->req_);
      http::async_write(self->stream_, self->res_, [self](beast::error_code ec2, size_t) {
        if (ec2 || !self->res_.keep_alive()) return self->close();
        self->read();
      });
    });
  }
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

void accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(socket))->start();
    }
    accept(acceptor);
  });
}

[[noreturn]] void usage() {
  std::fputs("usage: http-native-server [--listen ADDR:PORT] [--threads N]\n", stderr);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:8081";
  int threads = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--listen" && i + 1 < argc) listen = argv[++i];
    else if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else usage();
  }
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || threads < 1) usage();

  beast::error_code ec;
  const auto address = asio::ip::make_address(listen.substr(0, colon), ec);
  if (ec) usage();
  const auto port = static_cast<unsigned short>(std::atoi(listen.c_str() + colon + 1));

  asio::io_context io{threads};
  tcp::acceptor acceptor{io};
  const tcp::endpoint endpoint{address, port};
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::fprintf(stderr, "http-native-server: cannot listen on %s: %s\n", listen.c_str(), ec.message().c_str());
    return 1;
  }
  const auto bound = acceptor.local_endpoint();
  std::printf("listening on %s:%u\n", bound.address().to_string().c_str(), bound.port());
  std::fflush(stdout);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](beast::error_code, int) { io.stop(); });

  accept(acceptor);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  return 0;
}
