// WASI preview1 (`wasi_snapshot_preview1`): the host side of a WASI command or reactor.
//
// DESIGN
// 1. A `Wasi` context is global host state: its fd table is shared by every instance and thread
//    that links against it, so every access goes through `mu_`. A lookup hands out a
//    shared_ptr<FdEntry>: a concurrent fd_close removes the table slot, but the host descriptor
//    is closed only when the last call using it returns.
// 2. Guest pointers are never trusted: every access to guest memory goes through
//    LinearMemory::checked(), and an out-of-bounds pointer answers EFAULT (errno 21).
// 3. Preopened directories are a sandbox. Every guest path passes one resolver
//    (wasi_resolve.cpp) that walks it component by component with openat(O_PATH | O_NOFOLLOW)
//    from the directory's descriptor: an absolute path, a `..` above the starting directory
//    and a symlink whose target is absolute or climbs out all fail with ENOTCAPABLE (76). The
//    final system call also uses *at() on the resolved parent with NOFOLLOW, so a symlink
//    swapped in after resolution is never followed out.
// 4. Errno values are the spec's (wasi_snapshot_preview1 witx), never the host's: host errnos
//    pass through one mapping (errno_from_host).
// 5. proc_exit(n) stores n in the context and ends the call with an Error of kind Exit; the
//    embedder (e.g. `tern run`) turns it into the process's exit status. With several threads
//    (wasi-threads) the first proc_exit's status is kept.
// 6. Descriptors 0-2 are dups of the configured stdio; preopens follow from 3 in the order
//    given, then any host descriptors handed in (`WasiConfig::extra_fds`, e.g. sockets).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "host/runtime/runtime.h"
#include "jit/module.h"
#include "tern/result.h"

namespace tern::wasi {

struct Preopen {
  std::string host_path;   // a directory on the host
  std::string guest_path;  // the name the guest sees (fd_prestat_dir_name)
};

struct WasiConfig {
  std::vector<std::string> args;  // argv, argv[0] included
  std::vector<std::string> env;   // "KEY=VALUE"
  std::vector<Preopen> preopens;
  int stdin_fd = 0;  // host descriptors, dup'ed: the guest closing them leaves the host's open
  int stdout_fd = 1;
  int stderr_fd = 2;
  std::vector<int> extra_fds;  // handed to the guest after the preopens (dup'ed)
};

// An owned host file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// One guest descriptor.
struct FdEntry {
  UniqueFd fd;
  uint8_t filetype = 0;  // __wasi_filetype_t
  std::atomic<uint64_t> rights_base{0};  // atomic: fd_fdstat_set_rights may race with users
  std::atomic<uint64_t> rights_inheriting{0};
  std::optional<std::string> preopen;  // the guest name of a preopened directory
};

class Wasi {
 public:
  // Opens the preopened directories and dups the stdio descriptors. Fails (ErrorKind::Io)
  // naming a directory that cannot be opened.
  static Result<std::shared_ptr<Wasi>> create(const WasiConfig& config);

  const std::vector<std::string>& args() const { return args_; }
  const std::vector<std::string>& env() const { return env_; }

  // The entry for `fd` if it exists (else errno BADF) and has every right in `rights` (else
  // NOTCAPABLE). Returns 0 or the errno.
  uint16_t get(uint32_t fd, uint64_t rights, std::shared_ptr<FdEntry>& out);
  // Adds an entry at the lowest free descriptor; returns 0 and the descriptor, or MFILE.
  uint16_t insert(std::shared_ptr<FdEntry> entry, uint32_t& fd_out);
  uint16_t close(uint32_t fd);
  uint16_t renumber(uint32_t from, uint32_t to);
  // fd_fdstat_set_rights: rights can only be dropped (else NOTCAPABLE).
  uint16_t restrict_rights(uint32_t fd, uint64_t base, uint64_t inheriting);

  // Set by proc_exit; the first status set is kept.
  std::optional<uint32_t> exit_code() const;
  void set_exit_code(uint32_t code);

 private:
  Wasi() = default;

  std::vector<std::string> args_;
  std::vector<std::string> env_;
  std::mutex mu_;
  std::vector<std::shared_ptr<FdEntry>> fds_;  // guarded by mu_
  std::atomic<int64_t> exit_code_{-1};
};

// The imports of `module`, in import order, for Instance::instantiate. Every import must be a
// `wasi_snapshot_preview1` function with the spec's signature; any other import fails with a
// Link error naming it: "import #2 env.foo: ...".
Result<std::vector<Extern>> link_imports(const std::shared_ptr<Wasi>& wasi, const ModuleInfo& module);
// One import of `module` (by its index in the import list), with the same checks.
Result<Extern> link_import(const std::shared_ptr<Wasi>& wasi, const ModuleInfo& module, size_t index);

// The names of every function tern provides, for tests and `--help`.
std::vector<std::string> function_names();

}  // namespace tern::wasi
