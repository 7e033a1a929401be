// Helpers shared by the subcommands: argument parsing, file reading, error lines.
#include "host/cli/cli.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

namespace tern::cli {

void print_command_help(std::ostream& os, const Command& command) {
  os << "usage: " << command.usage << "\n\n" << command.summary << "\n";
  if (!command.details.empty()) os << "\n" << command.details;
}

int usage_error(const Command& command, std::string_view message) {
  std::cerr << "tern " << command.name << ": " << message << "\n"
            << "usage: " << command.usage << "\n"
            << "Run 'tern help " << command.name << "' for details.\n";
  return kExitUsage;
}

bool ParsedArgs::has(std::string_view name) const {
  return std::ranges::any_of(options, [&](const auto& o) { return o.first == name; });
}

Result<ParsedArgs> parse_args(std::span<const std::string_view> args, std::span<const OptionSpec> specs) {
  ParsedArgs parsed;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (options_done || arg == "-" || !arg.starts_with("-")) {
      parsed.positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      return parsed;
    }
    std::string_view name = arg;
    std::string_view value;
    bool inline_value = false;
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      inline_value = true;
    }
    auto spec = std::ranges::find(specs, name, &OptionSpec::name);
    if (spec == specs.end()) return Error(ErrorKind::Usage) << "unknown option '" << name << "'";
    if (!spec->takes_value) {
      if (inline_value) return Error(ErrorKind::Usage) << "option '" << name << "' takes no value";
      parsed.options.emplace_back(name, std::string_view());
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return Error(ErrorKind::Usage) << "option '" << name << "' needs a value";
      value = args[++i];
    }
    parsed.options.emplace_back(name, value);
  }
  return parsed;
}

namespace {

bool* feature_flag(Features& f, std::string_view name) {
  if (name == "simd") return &f.simd;
  if (name == "threads") return &f.threads;
  if (name == "reference-types") return &f.reference_types;
  if (name == "tail-call") return &f.tail_call;
  if (name == "extended-const") return &f.extended_const;
  if (name == "multi-memory") return &f.multi_memory;
  return nullptr;
}

}  // namespace

std::optional<int> begin_command(const Command& self, std::span<const std::string_view> raw,
                                 std::span<const OptionSpec> specs, ParsedArgs& args, Features& features) {
  auto parsed = parse_args(raw, specs);
  if (!parsed) return usage_error(self, parsed.error().message());
  args = std::move(*parsed);
  if (args.help) {
    print_command_help(std::cout, self);
    return kExitOk;
  }
  if (auto status = apply_feature_options(args, features); !status) return usage_error(self, status.error().message());
  return std::nullopt;
}

Status apply_feature_options(const ParsedArgs& args, Features& features) {
  for (const auto& [name, value] : args.options) {
    if (name != "--enable" && name != "--disable") continue;
    bool* flag = feature_flag(features, value);
    if (flag == nullptr) return Error(ErrorKind::Usage) << "unknown feature '" << value << "'";
    *flag = name == "--enable";
  }
  return {};
}

namespace {

// Closes a file descriptor it owns, unless it is stdin.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ > STDIN_FILENO) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

Error io_error(std::string_view what, int err) {
  return Error(ErrorKind::Io) << what << ": " << std::strerror(err);
}

}  // namespace

Result<std::vector<uint8_t>> read_file(std::string_view path, uint64_t max_size) {
  const bool is_stdin = path == "-";
  Fd fd(is_stdin ? STDIN_FILENO : ::open(std::string(path).c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return io_error("cannot open", errno);

  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("cannot stat", errno);
  if (S_ISDIR(st.st_mode)) return Error(ErrorKind::Io, "is a directory, not a file");

  constexpr size_t kChunk = 1 << 16;
  std::vector<uint8_t> bytes;
  if (S_ISREG(st.st_mode)) {
    const auto size = static_cast<uint64_t>(st.st_size);
    if (size > max_size) {
      return Error(ErrorKind::Limit) << "file is " << size << " bytes, more than the limit of " << max_size;
    }
    bytes.reserve(size + kChunk);  // the last, empty read must not reallocate
  }
  // Read until end of file, whatever fstat said: the file may change, and pipes have no size.
  for (;;) {
    const size_t old_size = bytes.size();
    bytes.resize(old_size + kChunk);
    const ssize_t n = ::read(fd.get(), bytes.data() + old_size, kChunk);
    if (n < 0 && errno == EINTR) {
      bytes.resize(old_size);
      continue;
    }
    if (n < 0) return io_error("cannot read", errno);
    bytes.resize(old_size + static_cast<size_t>(n));
    if (bytes.size() > max_size) {
      return Error(ErrorKind::Limit) << "file is more than the limit of " << max_size << " bytes";
    }
    if (n == 0) break;
  }
  return bytes;
}

Result<std::shared_ptr<const ModuleInfo>> load_module(std::string_view path, const DecodeOptions& options) {
  TERN_TRY(auto bytes, read_file(path, options.limits.max_module_size));
  return decode_module(bytes, options);
}

std::string display_name(std::string_view path) { return path == "-" ? "<stdin>" : std::string(path); }

void print_file_error(std::string_view path, const Error& error) {
  std::cerr << display_name(path) << ": " << to_string(error.kind()) << ": " << error.message() << "\n";
}

}  // namespace tern::cli
