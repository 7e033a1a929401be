// `tern serve`: answers HTTP/1.1 and WebSocket traffic with a wasm module (net/README.md).
//
// DESIGN
// 1. The command only turns options into net::ServerOptions; the server is net::Server, the
//    same library class the tests run in-process.
// 2. It runs until SIGINT or SIGTERM, then stops gracefully (net/server.h, DESIGN 4).
// 3. Exit status: 0 after a signal, 1 the module cannot be loaded or does not fit the ABI or
//    the address cannot be bound, 2 usage error.
#include <charconv>
#include <fstream>
#include <iostream>
#include <thread>

#include "host/cli/cache_options.h"
#include "host/cli/cli.h"
#include "host/cli/commands.h"
#include "host/cli/run_values.h"
#include "net/server.h"

namespace tern::cli {
namespace {

constexpr OptionSpec kOptions[] = {
    {"--listen", true},  {"--io-threads", true}, {"--workers", true},    {"--timeout", true},
    {"--max-memory", true}, {"--max-body", true}, {"--abi", true},        {"--dir", true},
    {"--access-log", true}, {"--grace", true},   {"--enable", true},     {"--disable", true},
    {"--cache", true},      {"--no-cache"},
};

Result<unsigned> parse_threads(std::string_view option, std::string_view text) {
  unsigned n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n == 0 || n > 1024)
    return Error(ErrorKind::Usage) << option << " expects a count in [1, 1024], got '" << text << "'";
  return n;
}

// "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" (127.0.0.1).
Status parse_listen(std::string_view text, net::ServerOptions& o) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return Error(ErrorKind::Usage) << "--listen expects ADDR:PORT, got '" << text << "'";
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || p > 65535)
    return Error(ErrorKind::Usage) << "--listen: bad port in '" << text << "'";
  o.address = host.empty() ? "127.0.0.1" : std::string(host);
  o.port = static_cast<uint16_t>(p);
  return {};
}

Status apply_options(const ParsedArgs& args, net::ServerOptions& o, std::string& access_log) {
  for (const auto& [name, value] : args.options) {
    if (name == "--listen") {
      TERN_TRY_STATUS(parse_listen(value, o));
    } else if (name == "--io-threads") {
      TERN_TRY(o.io_threads, parse_threads(name, value));
    } else if (name == "--workers") {
      TERN_TRY(o.workers, parse_threads(name, value));
    } else if (name == "--timeout") {
      TERN_TRY(o.limits.request_timeout, parse_duration(value));
    } else if (name == "--grace") {
      TERN_TRY(o.grace, parse_duration(value));
    } else if (name == "--max-memory") {
      TERN_TRY(uint64_t bytes, parse_size(value));
      if (bytes > uint64_t{kMaxPages32} * kPageSize) return Error(ErrorKind::Usage) << "--max-memory is more than 4 GiB";
      o.limits.max_memory_pages = static_cast<uint32_t>(bytes / kPageSize);
    } else if (name == "--max-body") {
      TERN_TRY(o.limits.max_body_bytes, parse_size(value));
    } else if (name == "--abi") {
      if (value == "cgi") {
        o.abi = net::Abi::Cgi;
      } else if (value == "native") {
        o.abi = net::Abi::Native;
      } else {
        return Error(ErrorKind::Usage) << "--abi expects cgi or native, got '" << value << "'";
      }
    } else if (name == "--dir") {
      size_t sep = value.find("::");
      std::string host(value.substr(0, sep));
      std::string guest(sep == std::string_view::npos ? value : value.substr(sep + 2));
      if (host.empty() || guest.empty()) return Error(ErrorKind::Usage) << "--dir expects HOST[::GUEST], got '" << value << "'";
      o.preopens.push_back({host, guest});
    } else if (name == "--access-log") {
      access_log = std::string(value);
    }
  }
  return {};
}

int run_serve(const Command& self, std::span<const std::string_view> raw) {
  ParsedArgs args;
  DecodeOptions decode;
  if (auto exit = begin_command(self, raw, kOptions, args, decode.features)) return *exit;
  if (args.positionals.size() != 1) return usage_error(self, args.positionals.empty() ? "no input file" : "one FILE.wasm only");
  net::ServerOptions options;
  std::string access_log;
  if (auto st = apply_options(args, options, access_log); !st) return usage_error(self, st.error().message());
  std::ofstream log_file;
  options.log = &std::cerr;
  if (!access_log.empty() && access_log != "-") {
    log_file.open(access_log, std::ios::app);
    if (!log_file) {
      std::cerr << "tern serve: cannot open the access log " << access_log << "\n";
      return kExitFailure;
    }
    options.log = &log_file;
  }
  options.stop_on_signals = true;
  const std::string_view path = args.positionals[0];
  options.script_name = std::string(path);

  auto bytes = read_file(path, decode.limits.max_module_size);
  if (!bytes) return print_file_error(path, bytes.error()), kExitFailure;
  auto cache = open_cache(args);
  if (!cache) return usage_error(self, cache.error().message());
  auto module = Module::compile(*bytes, decode, nullptr, cache->get());
  if (!module) return print_file_error(path, module.error()), kExitFailure;
  auto server = net::Server::create(*module, options);
  if (!server) return print_file_error(path, server.error()), kExitFailure;
  if (auto st = (*server)->start(); !st) return print_file_error(path, st.error()), kExitFailure;
  std::cerr << "tern serve: " << display_name(path) << " (" << (options.abi == net::Abi::Cgi ? "cgi" : "native")
            << " ABI) listening on http://" << (options.address.find(':') != std::string::npos ? "[" + options.address + "]" : options.address)
            << ":" << (*server)->port() << "/" << std::endl;
  (*server)->wait();
  std::cerr << "tern serve: stopped" << std::endl;
  return kExitOk;
}

}  // namespace

extern const Command kServeCommand = {
    .name = "serve",
    .summary = "Serve HTTP/1.1 and WebSocket traffic with a wasm module as the handler.",
    .usage = "tern serve [options] FILE.wasm",
    .details =
        "Answers HTTP requests (and WebSocket messages with --abi native) with FILE.wasm.\n"
        "The two guest ABIs are described in net/README.md. GET /-/health answers 'ok'\n"
        "without running guest code. Stops gracefully on SIGINT or SIGTERM.\n"
        "\n"
        "options:\n"
        "  --listen ADDR:PORT   address to listen on (default 127.0.0.1:8080; :PORT for\n"
        "                       127.0.0.1, [::1]:PORT for IPv6, port 0 for any free port)\n"
        "  --abi cgi|native     cgi (default): a WASI command per request, the request in\n"
        "                       its environment and stdin, a CGI response on stdout;\n"
        "                       native: a reactor exporting tern_http_handle, reused\n"
        "  --io-threads N       threads that accept, read and write (default 1)\n"
        "  --workers N          threads that run guest code (default: one per core)\n"
        "  --timeout DURATION   deadline per request (default 10s); past it: 504\n"
        "  --max-memory SIZE    limit each instance's linear memory (e.g. 64MiB)\n"
        "  --max-body SIZE      largest request body (default 1MiB); larger: 413\n"
        "  --dir HOST[::GUEST]  preopen directory HOST for the guest as GUEST\n"
        "  --access-log FILE    append the access log (a line per request) to FILE\n"
        "                       instead of stderr\n"
        "  --grace DURATION     on SIGINT/SIGTERM, time for requests in flight (default 10s)\n"
        TERN_CLI_FEATURE_OPTIONS_HELP
        TERN_CLI_CACHE_OPTIONS_HELP
        "  -h, --help           show this help\n",
    .run = run_serve,
};

}  // namespace tern::cli
