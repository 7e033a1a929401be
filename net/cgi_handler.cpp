// The CGI-style ABI (net/README.md): a fresh instance of a WASI command per request, the request
// in its environment and on stdin, a CGI response (headers, blank line, body) on stdout.
//
// DESIGN
// 1. stdin and stdout are memfds: the body is written before _start runs and the output read
//    after it returns, so host/wasi needs no in-memory descriptors and a guest that never reads
//    stdin cannot block the server. stderr is the server's stderr.
// 2. Every request gets its own Wasi context (environment, stdio, preopens) and instance.
// 3. Output that is not a CGI response (no blank line after the headers, a header line without
//    ':') answers 502, as a CGI gateway does; a trap or a non-zero exit with no output 500; the
//    deadline 504.
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "net/guest.h"

namespace tern::net {
namespace {

Result<wasi::UniqueFd> make_memfd(const char* name) {
  int fd = memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) return Error(ErrorKind::Io) << "memfd_create: " << std::strerror(errno);
  return wasi::UniqueFd(fd);
}

Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error(ErrorKind::Io) << "write stdin: " << std::strerror(errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  if (::lseek(fd, 0, SEEK_SET) < 0) return Error(ErrorKind::Io) << "lseek: " << std::strerror(errno);
  return {};
}

Result<std::string> read_output(int fd, uint64_t max_bytes) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Error(ErrorKind::Io) << "fstat stdout: " << std::strerror(errno);
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    return Error(ErrorKind::Limit) << "the response has " << st.st_size << " bytes, more than the limit " << max_bytes;
  std::string out(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error(ErrorKind::Io) << "read stdout: " << std::strerror(errno);
    done += static_cast<size_t>(n);
  }
  return out;
}

// "HTTP_" + the header name in upper case with '-' as '_'.
std::string cgi_header_name(std::string_view name) {
  std::string out = "HTTP_";
  for (char c : name) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> cgi_environment(const HttpRequest& req, const Peer& peer) {
  std::string_view target = req.target();
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  std::vector<std::string> env = {
      "GATEWAY_INTERFACE=CGI/1.1",
      "REQUEST_METHOD=" + std::string(req.method_string()),
      "PATH_INFO=" + std::string(path),
      "QUERY_STRING=" + std::string(query),
      "SCRIPT_NAME=",
      "SERVER_PROTOCOL=HTTP/" + std::to_string(req.version() / 10) + "." + std::to_string(req.version() % 10),
      "SERVER_NAME=" + peer.server_name,
      "SERVER_PORT=" + std::to_string(peer.local_port),
      "REMOTE_ADDR=" + peer.remote_address,
      "CONTENT_LENGTH=" + std::to_string(req.body().size()),
      "CONTENT_TYPE=" + std::string(req[http::field::content_type]),
  };
  for (const auto& field : req) env.push_back(cgi_header_name(field.name_string()) + "=" + std::string(field.value()));
  return env;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The CGI response in `out` as an HTTP response; an Error says why it is not one.
Result<HttpResponse> parse_cgi_output(const std::string& out, unsigned version) {
  HttpResponse res{http::status::ok, version};
  size_t pos = 0;
  bool has_type = false;
  for (;;) {
    size_t eol = out.find('\n', pos);
    if (eol == std::string::npos) return Error(ErrorKind::Malformed, "the output has no blank line after the CGI headers");
    std::string_view line = trim(std::string_view(out).substr(pos, eol - pos));
    pos = eol + 1;
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return Error(ErrorKind::Malformed) << "CGI header line without a name: '" << line.substr(0, 80) << "'";
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (beast::iequals(name, "Status")) {
      unsigned code = 0;
      size_t i = 0;
      for (; i < value.size() && i < 3 && std::isdigit(static_cast<unsigned char>(value[i])); ++i) code = code * 10 + (value[i] - '0');
      if (i != 3 || code < 100 || code > 999) return Error(ErrorKind::Malformed) << "bad CGI Status '" << value << "'";
      std::string_view reason = trim(value.substr(3));
      res.result(code);
      if (!reason.empty()) res.reason(reason);
      continue;
    }
    if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding") ||
        beast::iequals(name, "Connection"))
      continue;  // the server frames the response itself
    if (beast::iequals(name, "Content-Type")) has_type = true;
    res.insert(name, value);
  }
  if (!has_type) res.set(http::field::content_type, "text/plain");
  res.body() = out.substr(pos);
  return res;
}

class CgiHandler final : public GuestHandler {
 public:
  explicit CgiHandler(const HandlerContext& c)
      : context_(c), source_(c.module, InstanceLimits{c.options->limits.max_memory_pages}) {}

  HttpResponse handle(const HttpRequest& req, const Peer& peer) override {
    const unsigned version = req.version();
    auto fail = [&](http::status status, const Error& e) {
      context_.log->line("guest error: " + std::string(req.method_string()) + " " + std::string(req.target()) + ": " +
                         std::string(to_string(e.kind())) + ": " + e.message());
      return error_response(status, version);
    };
    const ServerOptions& options = *context_.options;
    auto in = make_memfd("tern-cgi-stdin");
    if (!in) return fail(http::status::internal_server_error, in.error());
    auto out = make_memfd("tern-cgi-stdout");
    if (!out) return fail(http::status::internal_server_error, out.error());
    if (auto st = write_all(in->get(), req.body()); !st) return fail(http::status::internal_server_error, st.error());
    wasi::WasiConfig config;
    config.args = {options.script_name};
    config.env = cgi_environment(req, peer);
    config.preopens = options.preopens;
    config.stdin_fd = in->get();
    config.stdout_fd = out->get();
    config.stderr_fd = 2;
    auto wasi = wasi::Wasi::create(config);
    if (!wasi) return fail(http::status::internal_server_error, wasi.error());
    auto imports = wasi::link_imports(*wasi, source_.module().info());
    if (!imports) return fail(http::status::internal_server_error, imports.error());
    auto instance = source_.instantiate(*imports);
    if (!instance) return fail(http::status::internal_server_error, instance.error());

    auto outcome = context_.watchdog->run(**instance, options.limits.request_timeout, [&]() -> Status {
      auto r = (*instance)->call("_start", {});
      if (r) return {};
      return std::move(r).error();
    });
    if (outcome.timed_out) return fail(http::status::gateway_timeout, Error(ErrorKind::Trap, "deadline passed, interrupted"));
    auto output = read_output(out->get(), options.limits.max_response_bytes);
    if (!output) return fail(http::status::internal_server_error, output.error());
    if (!outcome.status) {
      const Error& e = outcome.status.error();
      uint32_t code = e.kind() == ErrorKind::Exit ? (*wasi)->exit_code().value_or(1) : 1;
      if (e.kind() != ErrorKind::Exit) return fail(http::status::internal_server_error, e);
      if (code != 0 && output->empty())
        return fail(http::status::internal_server_error, Error(ErrorKind::Exit) << "exit status " << code << " and no output");
    }
    auto res = parse_cgi_output(*output, version);
    if (!res) return fail(http::status::bad_gateway, res.error());
    return std::move(*res);
  }

 private:
  HandlerContext context_;
  InstanceSource source_;
};

}  // namespace

Result<std::unique_ptr<GuestHandler>> make_cgi_handler(const HandlerContext& context) {
  const ModuleInfo& info = context.module->info();
  bool has_start = false;
  for (const Export& e : info.exports)
    if (e.name == "_start" && e.kind == ExternKind::Func) has_start = true;
  if (!has_start) return Error(ErrorKind::Link, "--abi cgi needs a WASI command (a module exporting _start)");
  // Link once with a throwaway context so a bad import fails at startup, not per request.
  wasi::WasiConfig probe;
  TERN_TRY(auto wasi, wasi::Wasi::create(probe));
  TERN_TRY_STATUS(wasi::link_imports(wasi, info));
  return std::unique_ptr<GuestHandler>(new CgiHandler(context));
}

}  // namespace tern::net
