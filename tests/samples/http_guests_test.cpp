// The HTTP guest samples (samples/http/), each driven without the server: json-api and ws-chat
// through the fake tern_http host of guest_host.h, cgi as a WASI command with a CGI
// environment, stdin and stdout. TERN_SAMPLES_DIR is build/samples.
#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "guest_host.h"

namespace tern::test {
namespace {

std::string sample(const char* name) { return std::string(TERN_SAMPLES_DIR) + "/" + name; }

std::shared_ptr<wasi::Wasi> make_wasi(const wasi::WasiConfig& config = {}) {
  auto w = wasi::Wasi::create(config);
  REQUIRE_MESSAGE(w.ok(), w.error().message());
  return *w;
}

struct Guest {
  std::shared_ptr<FakeExchange> ex = std::make_shared<FakeExchange>();
  std::unique_ptr<GuestHost> host;

  explicit Guest(const char* wasm) {
    auto h = GuestHost::load(sample(wasm), ex, make_wasi());
    REQUIRE_MESSAGE(h.ok(), h.error().message());
    host = std::move(*h);
  }

  // One request; REQUIREs that the handler returned.
  FakeExchange& request(std::string method, std::string path, std::string query = {}, std::string body = {}) {
    ex->method = std::move(method);
    ex->path = std::move(path);
    ex->query = std::move(query);
    ex->body = std::move(body);
    Status s = host->handle();
    REQUIRE_MESSAGE(s.ok(), s.error().message());
    return *ex;
  }
};

TEST_CASE("json-api: GET /hello, with and without a name") {
  Guest g("json-api.wasm");
  auto& r = g.request("GET", "/hello");
  CHECK(r.status == 200);
  CHECK(r.response_header("content-type") == "text/plain");
  CHECK(r.response_body == "hello, world\n");
  CHECK(g.request("GET", "/hello", "name=tern").response_body == "hello, tern\n");
}

TEST_CASE("json-api: POST /transform answers the transformed document and its stats") {
  Guest g("json-api.wasm");
  auto& r = g.request("POST", "/transform", {}, R"({"b": [1, 2.5, "x"], "a": {"z": null, "y": true}})");
  CHECK(r.status == 200);
  CHECK(r.response_header("Content-Type") == "application/json");
  CHECK(r.response_body ==
        R"({"result":{"a":{"y":true,"z":null},"b":[2,5.0,"X"]},)"
        R"("stats":{"arrays":1,"booleans":1,"depth":3,"nulls":1,"numbers":2,"objects":2,"strings":1,"sum":3.5,"values":8}})");

  // A scalar document; a negative integer doubles as a signed one.
  CHECK(g.request("POST", "/transform", {}, "-21").response_body ==
        R"({"result":-42,"stats":{"arrays":0,"booleans":0,"depth":1,"nulls":0,"numbers":1,"objects":0,"strings":0,"sum":-21.0,"values":1}})");
}

TEST_CASE("json-api: a large body is read whole") {
  Guest g("json-api.wasm");
  std::string doc = "[";
  const int n = 100000;
  for (int i = 0; i < n; ++i) doc += (i ? "," : "") + std::to_string(i);
  doc += "]";
  auto& r = g.request("POST", "/transform", {}, doc);
  REQUIRE(r.status == 200);
  // sum 0..n-1 and the last element doubled.
  CHECK(r.response_body.find("\"sum\":4999950000.0") != std::string::npos);
  CHECK(r.response_body.find(std::to_string(2 * (n - 1)) + "]") != std::string::npos);
}

TEST_CASE("json-api: malformed JSON is a 400 with a JSON error, and the instance keeps serving") {
  Guest g("json-api.wasm");
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "nul"}) {
    CAPTURE(bad);
    auto& r = g.request("POST", "/transform", {}, bad);
    CHECK(r.status == 400);
    CHECK(r.response_header("content-type") == "application/json");
    CHECK(r.response_body == R"({"error":"malformed JSON","method":"POST","path":"/transform"})");
  }
  CHECK(g.request("POST", "/transform", {}, "[]").status == 200);
}

TEST_CASE("json-api: GET /hello takes the name from an X-Name header (any case) when the query has none") {
  Guest g("json-api.wasm");
  g.ex->headers = {{"Accept", "*/*"}, {"x-NAME", "a header"}};
  CHECK(g.request("GET", "/hello").response_body == "hello, a header\n");
  CHECK(g.request("GET", "/hello", "name=query").response_body == "hello, query\n");
  // Longer than the guest's first buffer (64 bytes).
  g.ex->headers = {{"X-Name", std::string(300, 'n')}};
  CHECK(g.request("GET", "/hello").response_body == "hello, " + std::string(300, 'n') + "\n");
}

TEST_CASE("json-api: the counter lives in the instance") {
  Guest a("json-api.wasm");
  CHECK(a.request("GET", "/counter").response_body == R"({"counter":1,"requests":1})");
  a.request("GET", "/hello");
  CHECK(a.request("GET", "/counter").response_body == R"({"counter":2,"requests":3})");
  CHECK(a.request("GET", "/counter").response_body == R"({"counter":3,"requests":4})");
  // Another instance of the same module starts from zero.
  Guest b("json-api.wasm");
  CHECK(b.request("GET", "/counter").response_body == R"({"counter":1,"requests":1})");
}

TEST_CASE("json-api: unknown routes and wrong methods are 404") {
  Guest g("json-api.wasm");
  auto& r = g.request("GET", "/nope");
  CHECK(r.status == 404);
  CHECK(r.response_body == R"({"error":"not found","method":"GET","path":"/nope"})");
  CHECK(g.request("GET", "/transform").status == 404);
  CHECK(g.request("POST", "/hello").status == 404);
  CHECK(g.request("DELETE", "/counter").status == 404);
}

TEST_CASE("json-api: GET /trap traps; a fresh instance serves the next request") {
  Guest g("json-api.wasm");
  g.ex->path = "/trap";
  Status s = g.host->handle();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind() == ErrorKind::Trap);
  CHECK(s.error().message() == "unreachable");
  Guest fresh("json-api.wasm");
  CHECK(fresh.request("GET", "/hello").status == 200);
}

TEST_CASE("json-api: GET /spin runs until interrupted") {
  Guest g("json-api.wasm");
  g.ex->path = "/spin";
  Instance* inst = &g.host->instance();
  std::thread stopper([inst] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    inst->interrupt();
  });
  const auto start = std::chrono::steady_clock::now();
  Status s = g.host->handle();
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(100));
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind() == ErrorKind::Trap);
  CHECK(s.error().message() == "interrupted");
}

TEST_CASE("ws-chat: text messages go to every open connection as \"<conn>: <text>\"") {
  Guest g("ws-chat.wasm");
  for (int32_t c : {1, 2, 3}) REQUIRE(g.host->ws_open(c).ok());
  REQUIRE(g.host->ws_message(2, "hi there", false).ok());
  REQUIRE(g.ex->sent.size() == 3);
  std::set<int32_t> receivers;
  for (const auto& m : g.ex->sent) {
    CHECK(m.data == "2: hi there");
    CHECK_FALSE(m.binary);
    receivers.insert(m.conn);
  }
  CHECK(receivers == std::set<int32_t>{1, 2, 3});

  // A closed connection no longer receives; an empty message is still a message.
  g.ex->sent.clear();
  REQUIRE(g.host->ws_close(3).ok());
  REQUIRE(g.host->ws_message(1, "", false).ok());
  receivers.clear();
  for (const auto& m : g.ex->sent) {
    CHECK(m.data == "1: ");
    receivers.insert(m.conn);
  }
  CHECK(receivers == std::set<int32_t>{1, 2});
  CHECK(g.ex->closed.empty());
}

TEST_CASE("ws-chat: many connections, a long message") {
  Guest g("ws-chat.wasm");
  const int32_t n = 1000;
  for (int32_t c = 0; c < n; ++c) REQUIRE(g.host->ws_open(c).ok());
  const std::string text(70000, 'q');
  REQUIRE(g.host->ws_message(999, text, false).ok());
  REQUIRE(g.ex->sent.size() == static_cast<size_t>(n));
  CHECK(g.ex->sent.front().data == "999: " + text);
}

TEST_CASE("ws-chat: a binary message closes its connection with 1003") {
  Guest g("ws-chat.wasm");
  REQUIRE(g.host->ws_open(7).ok());
  REQUIRE(g.host->ws_open(8).ok());
  REQUIRE(g.host->ws_message(7, std::string("\x00\x01", 2), true).ok());
  CHECK(g.ex->sent.empty());
  REQUIRE(g.ex->closed.size() == 1);
  CHECK(g.ex->closed[0] == std::pair<int32_t, int32_t>{7, 1003});
}

TEST_CASE("ws-chat: GET / is the chat page, anything else 404") {
  Guest g("ws-chat.wasm");
  auto& r = g.request("GET", "/");
  CHECK(r.status == 200);
  CHECK(r.response_header("content-type") == "text/html; charset=utf-8");
  CHECK(r.response_body.find("<title>tern chat</title>") != std::string::npos);
  CHECK(r.response_body.find("new WebSocket(") != std::string::npos);
  CHECK(g.request("GET", "/other").status == 404);
  CHECK(g.request("POST", "/").status == 404);
}

// A memfd holding `text`, rewound, for a guest's stdin or stdout.
int memfd_with(const std::string& text) {
  int fd = ::memfd_create("cgi-test", 0);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::lseek(fd, 0, SEEK_SET);
  return fd;
}

std::string read_all(int fd) {
  ::lseek(fd, 0, SEEK_SET);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

struct CgiRun {
  Status status;
  std::string stdout_text;
  std::optional<uint32_t> exit_code;
};

CgiRun run_cgi(std::vector<std::string> env, const std::string& body) {
  int in = memfd_with(body);
  int out = memfd_with("");
  wasi::WasiConfig config;
  config.args = {"cgi.wasm"};
  config.env = std::move(env);
  config.stdin_fd = in;
  config.stdout_fd = out;
  auto wasi = make_wasi(config);
  auto ex = std::make_shared<FakeExchange>();
  auto host = GuestHost::load(sample("cgi.wasm"), ex, wasi);
  REQUIRE_MESSAGE(host.ok(), host.error().message());
  CgiRun run{(*host)->call("_start"), {}, wasi->exit_code()};
  run.stdout_text = read_all(out);
  ::close(in);
  ::close(out);
  return run;
}

TEST_CASE("cgi: echoes the request from the CGI environment and stdin as JSON") {
  auto r = run_cgi({"REQUEST_METHOD=POST", "PATH_INFO=/a/b", "QUERY_STRING=x=1&y=2",
                    "CONTENT_TYPE=text/plain", "CONTENT_LENGTH=14", "HTTP_USER_AGENT=test \"agent\""},
                   "line 1\n\ttab\x01!");
  REQUIRE_MESSAGE(r.status.ok(), r.status.error().message());
  CHECK(r.stdout_text ==
        "Content-Type: application/json\n\n"
        R"({"method":"POST","path":"/a/b","query":"x=1&y=2","content_type":"text/plain",)"
        R"("user_agent":"test \"agent\"","body":"line 1\n\ttab\u0001!"})"
        "\n");
}

TEST_CASE("cgi: absent variables are null; /status/NNN sets the status") {
  auto r = run_cgi({"REQUEST_METHOD=GET", "PATH_INFO=/status/418", "QUERY_STRING="}, "");
  REQUIRE(r.status.ok());
  CHECK(r.stdout_text ==
        "Status: 418\nContent-Type: application/json\n\n"
        R"({"method":"GET","path":"/status/418","query":"","content_type":null,"user_agent":null,"body":""})"
        "\n");
}

TEST_CASE("cgi: /exit ends with status 3 and no output; /trap traps") {
  auto exit_run = run_cgi({"REQUEST_METHOD=GET", "PATH_INFO=/exit"}, "");
  REQUIRE_FALSE(exit_run.status.ok());
  CHECK(exit_run.status.error().kind() == ErrorKind::Exit);
  CHECK(exit_run.exit_code == 3u);
  CHECK(exit_run.stdout_text.empty());

  auto trap_run = run_cgi({"REQUEST_METHOD=GET", "PATH_INFO=/trap"}, "");
  REQUIRE_FALSE(trap_run.status.ok());
  CHECK(trap_run.status.error().kind() == ErrorKind::Trap);
  CHECK(trap_run.stdout_text.empty());
}

}  // namespace
}  // namespace tern::test
