// WASI context, descriptor table, errno mapping and linking. DESIGN block in host/wasi/wasi.h.
#include "host/wasi/wasi.h"

#include <fcntl.h>
#include <limits.h>  // IOV_MAX
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "host/wasi/wasi_internal.h"

namespace tern::wasi {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

uint16_t errno_from_host(int e) {
  switch (e) {
    case 0: return err::kSuccess;
    case E2BIG: return err::k2Big;
    case EACCES: return err::kAcces;
    case EADDRINUSE: return 3;
    case EADDRNOTAVAIL: return 4;
    case EAFNOSUPPORT: return 5;
    case EAGAIN: return err::kAgain;
    case EALREADY: return 7;
    case EBADF: return err::kBadf;
    case EBADMSG: return 9;
    case EBUSY: return 10;
    case ECANCELED: return 11;
    case ECHILD: return 12;
    case ECONNABORTED: return 13;
    case ECONNREFUSED: return 14;
    case ECONNRESET: return 15;
    case EDEADLK: return 16;
    case EDESTADDRREQ: return 17;
    case EDOM: return 18;
    case EDQUOT: return 19;
    case EEXIST: return err::kExist;
    case EFAULT: return err::kFault;
    case EFBIG: return 22;
    case EHOSTUNREACH: return 23;
    case EIDRM: return 24;
    case EILSEQ: return 25;
    case EINPROGRESS: return 26;
    case EINTR: return 27;
    case EINVAL: return err::kInval;
    case EIO: return err::kIo;
    case EISCONN: return 30;
    case EISDIR: return err::kIsdir;
    case ELOOP: return err::kLoop;
    case EMFILE: return err::kMfile;
    case EMLINK: return 34;
    case EMSGSIZE: return 35;
    case EMULTIHOP: return 36;
    case ENAMETOOLONG: return err::kNametoolong;
    case ENETDOWN: return 38;
    case ENETRESET: return 39;
    case ENETUNREACH: return 40;
    case ENFILE: return 41;
    case ENOBUFS: return 42;
    case ENODEV: return 43;
    case ENOENT: return err::kNoent;
    case ENOEXEC: return 45;
    case ENOLCK: return 46;
    case ENOLINK: return 47;
    case ENOMEM: return 48;
    case ENOMSG: return 49;
    case ENOPROTOOPT: return 50;
    case ENOSPC: return 51;
    case ENOSYS: return err::kNosys;
    case ENOTCONN: return 53;
    case ENOTDIR: return err::kNotdir;
    case ENOTEMPTY: return err::kNotempty;
    case ENOTRECOVERABLE: return 56;
    case ENOTSOCK: return err::kNotsock;
    case EOPNOTSUPP: return err::kNotsup;  // == ENOTSUP on Linux
    case ENOTTY: return 59;
    case ENXIO: return 60;
    case EOVERFLOW: return err::kOverflow;
    case EOWNERDEAD: return 62;
    case EPERM: return err::kPerm;
    case EPIPE: return 64;
    case EPROTO: return 65;
    case EPROTONOSUPPORT: return 66;
    case EPROTOTYPE: return 67;
    case ERANGE: return 68;
    case EROFS: return 69;
    case ESPIPE: return err::kSpipe;
    case ESRCH: return 71;
    case ESTALE: return 72;
    case ETIMEDOUT: return 73;
    case ETXTBSY: return 74;
    case EXDEV: return 75;
    default: return err::kIo;
  }
}

uint16_t host_error() { return errno_from_host(errno); }

uint8_t filetype_of(const struct stat& st, int fd) {
  if (S_ISREG(st.st_mode)) return filetype::kRegularFile;
  if (S_ISDIR(st.st_mode)) return filetype::kDirectory;
  if (S_ISCHR(st.st_mode)) return filetype::kCharacterDevice;
  if (S_ISBLK(st.st_mode)) return filetype::kBlockDevice;
  if (S_ISLNK(st.st_mode)) return filetype::kSymbolicLink;
  if (S_ISSOCK(st.st_mode)) {
    int type = 0;
    socklen_t len = sizeof type;
    if (fd >= 0 && ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM)
      return filetype::kSocketDgram;
    return filetype::kSocketStream;
  }
  return filetype::kUnknown;  // pipes: WASI has no fifo type
}

uint64_t rights_for(uint8_t type) {
  switch (type) {
    case filetype::kRegularFile: return rights::kRegularFile;
    case filetype::kDirectory: return rights::kDirectory;
    case filetype::kSocketDgram:
    case filetype::kSocketStream: return rights::kSocket;
    case filetype::kBlockDevice: return rights::kRegularFile;
    default: return rights::kStream;
  }
}

std::shared_ptr<FdEntry> make_entry(UniqueFd fd) {
  auto e = std::make_shared<FdEntry>();
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0) e->filetype = filetype_of(st, fd.get());
  e->rights_base = rights_for(e->filetype);
  e->rights_inheriting = e->filetype == filetype::kDirectory ? rights::kRegularFile | rights::kDirectory : 0;
  e->fd = std::move(fd);
  return e;
}

Result<std::shared_ptr<Wasi>> Wasi::create(const WasiConfig& config) {
  std::shared_ptr<Wasi> w(new Wasi());
  w->args_ = config.args;
  w->env_ = config.env;
  auto add_dup = [&](int host_fd, std::string_view what) -> Status {
    int fd = ::fcntl(host_fd, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) {
      // A closed stdio descriptor becomes an empty slot the guest sees as EBADF.
      if (errno == EBADF) {
        w->fds_.push_back(nullptr);
        return {};
      }
      return Error(ErrorKind::Io) << "cannot duplicate " << what << ": " << std::strerror(errno);
    }
    w->fds_.push_back(make_entry(UniqueFd(fd)));
    return {};
  };
  TERN_TRY_STATUS(add_dup(config.stdin_fd, "stdin"));
  TERN_TRY_STATUS(add_dup(config.stdout_fd, "stdout"));
  TERN_TRY_STATUS(add_dup(config.stderr_fd, "stderr"));
  for (const Preopen& p : config.preopens) {
    UniqueFd fd(::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return Error(ErrorKind::Io) << "cannot open directory '" << p.host_path << "': " << std::strerror(errno);
    auto e = make_entry(std::move(fd));
    e->preopen = p.guest_path;
    w->fds_.push_back(std::move(e));
  }
  for (int host_fd : config.extra_fds) TERN_TRY_STATUS(add_dup(host_fd, "descriptor " + std::to_string(host_fd)));
  return w;
}

uint16_t Wasi::get(uint32_t fd, uint64_t needed, std::shared_ptr<FdEntry>& out) {
  std::lock_guard lock(mu_);
  if (fd >= fds_.size() || !fds_[fd]) return err::kBadf;
  if ((fds_[fd]->rights_base & needed) != needed) return err::kNotcapable;
  out = fds_[fd];
  return err::kSuccess;
}

uint16_t Wasi::insert(std::shared_ptr<FdEntry> entry, uint32_t& fd_out) {
  constexpr size_t kMaxFds = 1 << 16;
  std::lock_guard lock(mu_);
  auto slot = std::ranges::find(fds_, nullptr);
  if (slot != fds_.end()) {
    *slot = std::move(entry);
    fd_out = static_cast<uint32_t>(slot - fds_.begin());
    return err::kSuccess;
  }
  if (fds_.size() >= kMaxFds) return err::kMfile;
  fds_.push_back(std::move(entry));
  fd_out = static_cast<uint32_t>(fds_.size() - 1);
  return err::kSuccess;
}

uint16_t Wasi::close(uint32_t fd) {
  std::shared_ptr<FdEntry> gone;  // destroyed after the lock is released
  std::lock_guard lock(mu_);
  if (fd >= fds_.size() || !fds_[fd]) return err::kBadf;
  gone = std::move(fds_[fd]);
  return err::kSuccess;
}

uint16_t Wasi::renumber(uint32_t from, uint32_t to) {
  std::shared_ptr<FdEntry> gone;
  std::lock_guard lock(mu_);
  if (from >= fds_.size() || !fds_[from] || to >= fds_.size() || !fds_[to]) return err::kBadf;
  if (from == to) return err::kSuccess;
  gone = std::move(fds_[to]);
  fds_[to] = std::move(fds_[from]);
  return err::kSuccess;
}

uint16_t Wasi::restrict_rights(uint32_t fd, uint64_t base, uint64_t inheriting) {
  std::lock_guard lock(mu_);
  if (fd >= fds_.size() || !fds_[fd]) return err::kBadf;
  FdEntry& e = *fds_[fd];
  if ((base & ~e.rights_base) != 0 || (inheriting & ~e.rights_inheriting) != 0) return err::kNotcapable;
  e.rights_base = base;
  e.rights_inheriting = inheriting;
  return err::kSuccess;
}

std::optional<uint32_t> Wasi::exit_code() const {
  int64_t v = exit_code_.load(std::memory_order_acquire);
  if (v < 0) return std::nullopt;
  return static_cast<uint32_t>(v);
}

void Wasi::set_exit_code(uint32_t code) {
  int64_t none = -1;  // the first proc_exit wins when several threads call it at once
  exit_code_.compare_exchange_strong(none, code, std::memory_order_acq_rel);
}

std::optional<std::string> Call::string(uint32_t offset, uint32_t len) const {
  const uint8_t* p = bytes(offset, len);
  if (p == nullptr) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(p), len);
}

std::optional<std::vector<struct iovec>> Call::iovecs(uint32_t offset, uint32_t count) const {
  const uint8_t* arr = bytes(offset, uint64_t{count} * 8);
  if (arr == nullptr) return std::nullopt;
  // The whole array must lie in memory, but only the first IOV_MAX entries are converted:
  // readv/writev take no more, so a longer list makes a short read or write (which callers
  // handle), and the guest cannot make the host allocate 2 GiB of iovecs for a 1 GiB array.
  count = std::min<uint32_t>(count, IOV_MAX);
  std::vector<struct iovec> out(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf = 0, len = 0;
    std::memcpy(&buf, arr + i * 8, 4);
    std::memcpy(&len, arr + i * 8 + 4, 4);
    uint8_t* p = bytes(buf, len);
    if (p == nullptr && len != 0) return std::nullopt;
    out[i] = {p, len};
  }
  return out;
}

bool store_filestat(const Call& c, uint32_t offset, const struct stat& st, int fd) {
  uint8_t* p = c.bytes(offset, 64);
  if (p == nullptr) return false;
  auto ns = [](const struct timespec& t) { return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec); };
  const uint64_t fields[] = {st.st_dev, st.st_ino, filetype_of(st, fd), st.st_nlink, static_cast<uint64_t>(st.st_size),
                             ns(st.st_atim), ns(st.st_mtim), ns(st.st_ctim)};
  std::memset(p, 0, 64);
  std::memcpy(p, &fields[0], 8);
  std::memcpy(p + 8, &fields[1], 8);
  p[16] = static_cast<uint8_t>(fields[2]);
  for (int i = 3; i < 8; ++i) std::memcpy(p + 24 + (i - 3) * 8, &fields[i], 8);
  return true;
}

uint16_t times_from_flags(uint64_t atim, uint64_t mtim, uint32_t fst_flags, struct timespec out[2]) {
  constexpr uint32_t kAtim = 1, kAtimNow = 2, kMtim = 4, kMtimNow = 8;
  if ((fst_flags & kAtim && fst_flags & kAtimNow) || (fst_flags & kMtim && fst_flags & kMtimNow)) return err::kInval;
  if (fst_flags & ~uint32_t{15}) return err::kInval;
  auto set = [](struct timespec& t, uint64_t value, bool given, bool now) {
    if (now) {
      t = {0, UTIME_NOW};
    } else if (given) {
      t = {static_cast<time_t>(value / 1'000'000'000u), static_cast<long>(value % 1'000'000'000u)};
    } else {
      t = {0, UTIME_OMIT};
    }
  };
  set(out[0], atim, fst_flags & kAtim, fst_flags & kAtimNow);
  set(out[1], mtim, fst_flags & kMtim, fst_flags & kMtimNow);
  return err::kSuccess;
}

namespace {

const FunctionSpec* find_function(std::string_view name) {
  for (auto group : {fd_functions(), path_functions(), misc_functions(), poll_functions()}) {
    for (const FunctionSpec& f : group)
      if (f.name == name) return &f;
  }
  return nullptr;
}

FuncType type_of(const FunctionSpec& f) {
  FuncType t;
  for (char p : f.params) t.params.push_back(p == 'I' ? ValType::I64 : ValType::I32);
  if (f.returns_errno) t.results.push_back(ValType::I32);
  return t;
}

}  // namespace

Result<Extern> link_import(const std::shared_ptr<Wasi>& wasi, const ModuleInfo& module, size_t index) {
  const Import& imp = module.imports[index];
  const std::string what = "import #" + std::to_string(index) + " " + imp.module + "." + imp.field;
  if (imp.module != "wasi_snapshot_preview1")
    return Error(ErrorKind::Link, what + ": unknown import (tern provides only wasi_snapshot_preview1)");
  if (imp.kind != ExternKind::Func)
    return Error(ErrorKind::Link, what + ": WASI provides functions, the module imports a " + std::string(to_string(imp.kind)));
  const FunctionSpec* spec = find_function(imp.field);
  if (spec == nullptr) return Error(ErrorKind::Link, what + ": unknown WASI function");
  FuncType want = type_of(*spec);
  const FuncType& have = module.func_type(imp.index);
  if (have != want)
    return Error(ErrorKind::Link, what + ": the module imports it as " + to_string(have) + ", WASI defines " + to_string(want));
  Handler handler = spec->handler;
  auto fn = HostFunc::make(std::move(want), [wasi, handler](Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    Call call{*wasi, caller, caller.memory(0), args};
    TERN_TRY(uint16_t e, handler(call));
    if (!results.empty()) results[0] = Value::i32(e);
    return {};
  });
  Extern ex;
  ex.kind = ExternKind::Func;
  ex.func = &fn->ref;
  ex.func_type = &fn->type;
  ex.owner = fn;
  return ex;
}

Result<std::vector<Extern>> link_imports(const std::shared_ptr<Wasi>& wasi, const ModuleInfo& module) {
  std::vector<Extern> externs;
  for (size_t i = 0; i < module.imports.size(); ++i) {
    TERN_TRY(Extern ex, link_import(wasi, module, i));
    externs.push_back(std::move(ex));
  }
  return externs;
}

std::vector<std::string> function_names() {
  std::vector<std::string> names;
  for (auto group : {fd_functions(), path_functions(), misc_functions(), poll_functions()})
    for (const FunctionSpec& f : group) names.emplace_back(f.name);
  return names;
}

}  // namespace tern::wasi
