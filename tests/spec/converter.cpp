#include "tests/spec/converter.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

extern char** environ;

namespace tern::spec {
namespace fs = std::filesystem;

namespace {

// posix_spawn_file_actions_t with a destructor.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&fa_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&fa_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &fa_; }

 private:
  posix_spawn_file_actions_t fa_;
};

// The first few lines of the tool's log, for the error message.
std::string log_head(const fs::path& log) {
  std::ifstream in(log);
  std::string line, out;
  for (int n = 0; n < 3 && std::getline(in, line); ++n) out += (n ? " | " : "") + line;
  return out.empty() ? "(no output)" : out;
}

std::string describe_status(int status) {
  std::ostringstream s;
  if (WIFEXITED(status)) s << "exited with " << WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) s << "killed by signal " << WTERMSIG(status);
  else s << "ended with status " << status;
  return s.str();
}

}  // namespace

Converter::Converter(fs::path work_dir) : work_dir_(std::move(work_dir)), tool_("wast2json") {
#ifdef TERN_WAST2JSON
  std::error_code ec;
  if (fs::exists(TERN_WAST2JSON, ec)) {
    tool_ = TERN_WAST2JSON;
    search_path_ = false;
  }
#endif
}

fs::path Converter::output_for(const SpecFile& file) const {
  fs::path rel(file.display);
  // Files outside the suite have an absolute display name; keep them apart, by file name.
  if (rel.is_absolute() || rel.empty() || *rel.begin() == "..") rel = fs::path("external") / rel.filename();
  rel.replace_extension(".json");
  return work_dir_ / rel;
}

Result<fs::path> Converter::convert(const SpecFile& file) const {
  const fs::path out = output_for(file);
  std::error_code ec;
  fs::create_directories(out.parent_path(), ec);
  if (ec) return Error(ErrorKind::Io) << "cannot create " << out.parent_path().string() << ": " << ec.message();
  fs::path log = out;
  log.replace_extension(".log");

  FileActions actions;
  posix_spawn_file_actions_addopen(actions.get(), STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(actions.get(), STDOUT_FILENO, STDERR_FILENO);

  std::vector<std::string> args{tool_, "--enable-all", file.path.string(), "-o", out.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  const int rc = search_path_ ? posix_spawnp(&pid, tool_.c_str(), actions.get(), nullptr, argv.data(), environ)
                              : posix_spawn(&pid, tool_.c_str(), actions.get(), nullptr, argv.data(), environ);
  if (rc != 0) return Error(ErrorKind::Io) << "cannot start " << tool_ << ": " << std::strerror(rc);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Error(ErrorKind::Io) << "waitpid for " << tool_ << ": " << std::strerror(errno);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return Error(ErrorKind::Io) << tool_ << " " << describe_status(status) << ": " << log_head(log);
  return out;
}

}  // namespace tern::spec
