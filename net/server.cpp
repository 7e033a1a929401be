// tern::net::Server and the server core: listening, threads, the session registry, stopping.
#include "net/server.h"

#include <csignal>

#include "net/core.h"
#include "net/ws_session.h"

namespace tern::net {

ServerCore::ServerCore(std::shared_ptr<Module> module, ServerOptions options)
    : options_(std::move(options)), module_(std::move(module)), log_(options_.log), acceptor_(ioc_), signals_(ioc_) {}

ServerCore::~ServerCore() { stop(); }

Status ServerCore::init_handler() {
  if (options_.io_threads == 0) return Error(ErrorKind::Usage, "io_threads must be at least 1");
  unsigned workers = options_.workers != 0 ? options_.workers : std::max(1u, std::thread::hardware_concurrency());
  pool_ = std::make_unique<WorkerPool>(workers);
  HandlerContext context{module_, pool_.get(), &options_, &watchdog_, &log_, this};
  auto handler = options_.abi == Abi::Cgi ? make_cgi_handler(context) : make_native_handler(context);
  if (!handler) return std::move(handler).error();
  handler_ = std::move(*handler);
  return {};
}

Status ServerCore::start() {
  if (started_) return Error(ErrorKind::Usage, "the server was started already");
  beast::error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) return Error(ErrorKind::Usage) << "bad listen address '" << options_.address << "': " << ec.message();
  tcp::endpoint endpoint(address, options_.port);
  auto fail = [&](std::string_view what) {
    return Error(ErrorKind::Io) << what << " " << options_.address << ":" << options_.port << ": " << ec.message();
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec) return fail("cannot open a socket for");
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec); ec) return fail("cannot set SO_REUSEADDR on");
  if (acceptor_.bind(endpoint, ec); ec) return fail("cannot bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) return fail("cannot listen on");
  port_ = acceptor_.local_endpoint(ec).port();
  started_ = true;
  if (options_.stop_on_signals) {
    signals_.add(SIGINT, ec);
    signals_.add(SIGTERM, ec);
    signals_.async_wait([this](beast::error_code e, int) {
      if (e) return;
      std::lock_guard lock(mu_);
      stop_requested_ = true;
      cv_.notify_all();
    });
  }
  accept();
  for (unsigned i = 0; i < options_.io_threads; ++i) io_threads_.emplace_back([this] { ioc_.run(); });
  return {};
}

void ServerCore::accept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      start_http_session(*this, std::move(socket));
    } else {
      // EMFILE and the like: log, back off a little, go on accepting.
      log_.line("accept: " + ec.message());
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    accept();
  });
}

void ServerCore::stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
  }
  if (started_) {
    stopping_.store(true, std::memory_order_release);
    asio::post(ioc_, [this] {
      beast::error_code ec;
      acceptor_.close(ec);
      signals_.cancel(ec);
    });
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(mu_);
      for (auto& [id, weak] : sessions_)
        if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) s->shutdown();
    live.clear();
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.grace, [this] { return sessions_.empty(); });
    }
    // Past the grace period: guests still running are interrupted, queued ones skipped.
    abandoned_.store(true, std::memory_order_release);
    watchdog_.interrupt_all();
    ioc_.stop();
    for (auto& t : io_threads_) t.join();
    io_threads_.clear();
  }
  pool_.reset();  // runs what is queued (answered 503 without guest code), joins the workers
  std::lock_guard lock(mu_);
  stopped_ = true;
  cv_.notify_all();
}

void ServerCore::wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return stop_requested_ || stopped_; });
  if (stopped_) return;
  lock.unlock();
  log_.line("stopping: finishing requests in flight");
  stop();
}

uint64_t ServerCore::add_session(std::weak_ptr<Session> session) {
  std::lock_guard lock(mu_);
  uint64_t id = next_session_++;
  sessions_.emplace(id, std::move(session));
  return id;
}

void ServerCore::remove_session(uint64_t id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
  if (sessions_.empty()) cv_.notify_all();
}

uint32_t ServerCore::add_ws(std::weak_ptr<WsSession> session) {
  std::lock_guard lock(mu_);
  uint32_t conn = next_conn_++;
  if (next_conn_ == 0 || next_conn_ > 0x7fffffff) next_conn_ = 1;  // ids stay positive i32s
  ws_.emplace(conn, std::move(session));
  return conn;
}

void ServerCore::remove_ws(uint32_t conn) {
  std::lock_guard lock(mu_);
  ws_.erase(conn);
}

std::shared_ptr<WsSession> ServerCore::find_ws(uint32_t conn) {
  std::lock_guard lock(mu_);
  auto it = ws_.find(conn);
  return it == ws_.end() ? nullptr : it->second.lock();
}

bool ServerCore::send(uint32_t conn, std::string data, bool binary) {
  auto session = find_ws(conn);
  if (!session) return false;
  session->send(std::move(data), binary);
  return true;
}

bool ServerCore::close(uint32_t conn, uint16_t code) {
  auto session = find_ws(conn);
  if (!session) return false;
  session->close(code);
  return true;
}

Server::Server(std::unique_ptr<ServerCore> core) : core_(std::move(core)) {}
Server::~Server() { stop(); }

Result<std::unique_ptr<Server>> Server::create(std::shared_ptr<Module> module, ServerOptions options) {
  if (!module) return Error(ErrorKind::Usage, "no module");
  auto core = std::make_unique<ServerCore>(std::move(module), std::move(options));
  TERN_TRY_STATUS(core->init_handler());
  return std::unique_ptr<Server>(new Server(std::move(core)));
}

Status Server::start() { return core_->start(); }
uint16_t Server::port() const { return core_->port(); }
void Server::stop() { core_->stop(); }
void Server::wait() { core_->wait(); }

}  // namespace tern::net
