// WASI path_* functions. Every path goes through resolve() (wasi_resolve.cpp); the system call
// then works on the resolved parent and one component with NOFOLLOW semantics.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "host/wasi/wasi_internal.h"

namespace tern::wasi {
namespace {

constexpr uint32_t kLookupSymlinkFollow = 1;
constexpr uint32_t kOflagCreat = 1, kOflagDirectory = 2, kOflagExcl = 4, kOflagTrunc = 8;
constexpr uint32_t kFdflagAppend = 1, kFdflagDsync = 2, kFdflagNonblock = 4, kFdflagRsync = 8, kFdflagSync = 16;

// Looks up directory descriptor `fd` (ENOTDIR if it is not a directory, ENOTCAPABLE without
// `needed`), reads the guest path at (ptr, len) and resolves it.
uint16_t resolve_arg(const Call& c, uint32_t fd, uint64_t needed, uint32_t ptr, uint32_t len, bool follow,
                     std::shared_ptr<FdEntry>& entry, ResolvedPath& out) {
  if (uint16_t r = c.wasi.get(fd, 0, entry)) return r;
  if (entry->filetype != filetype::kDirectory) return err::kNotdir;
  if ((entry->rights_base.load() & needed) != needed) return err::kNotcapable;
  auto path = c.string(ptr, len);
  if (!path) return err::kFault;
  return resolve(entry->fd.get(), *path, follow, out);
}

#define WASI_RESOLVE(resolved, fd, needed, ptr, len, follow)                                    \
  std::shared_ptr<FdEntry> resolved##_entry;                                                    \
  ResolvedPath resolved;                                                                        \
  if (uint16_t resolve_errno_ = resolve_arg(c, (fd), (needed), (ptr), (len), (follow), resolved##_entry, resolved); \
      resolve_errno_)                                                                           \
  return resolve_errno_

uint16_t ok_or_errno(int r) { return r == 0 ? err::kSuccess : host_error(); }

Result<uint16_t> path_create_directory(Call& c) {
  WASI_RESOLVE(p, c.u32(0), rights::kPathCreateDirectory, c.u32(1), c.u32(2), false);
  return ok_or_errno(::mkdirat(p.dir(), p.name.c_str(), 0777));
}

Result<uint16_t> path_filestat_get(Call& c) {
  WASI_RESOLVE(p, c.u32(0), rights::kPathFilestatGet, c.u32(2), c.u32(3), c.u32(1) & kLookupSymlinkFollow);
  if (c.bytes(c.u32(4), 64) == nullptr) return err::kFault;
  struct stat st {};
  if (::fstatat(p.dir(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return host_error();
  store_filestat(c, c.u32(4), st, -1);
  return err::kSuccess;
}

Result<uint16_t> path_filestat_set_times(Call& c) {
  WASI_RESOLVE(p, c.u32(0), rights::kPathFilestatSetTimes, c.u32(2), c.u32(3), c.u32(1) & kLookupSymlinkFollow);
  struct timespec ts[2];
  if (uint16_t r = times_from_flags(c.u64(4), c.u64(5), c.u32(6), ts)) return r;
  return ok_or_errno(::utimensat(p.dir(), p.name.c_str(), ts, AT_SYMLINK_NOFOLLOW));
}

Result<uint16_t> path_link(Call& c) {
  WASI_RESOLVE(from, c.u32(0), rights::kPathLinkSource, c.u32(2), c.u32(3), c.u32(1) & kLookupSymlinkFollow);
  WASI_RESOLVE(to, c.u32(4), rights::kPathLinkTarget, c.u32(5), c.u32(6), false);
  return ok_or_errno(::linkat(from.dir(), from.name.c_str(), to.dir(), to.name.c_str(), 0));
}

int open_flags(uint32_t oflags, uint64_t base, uint32_t fdflags) {
  int flags = O_CLOEXEC | O_NOFOLLOW;
  const bool read = base & (rights::kFdRead | rights::kFdReaddir);
  const bool write = base & (rights::kFdWrite | rights::kFdAllocate | rights::kFdFilestatSetSize);
  if (oflags & kOflagDirectory) {
    flags |= O_RDONLY | O_DIRECTORY;
  } else if (read && write) {
    flags |= O_RDWR;
  } else if (write) {
    flags |= O_WRONLY;
  } else {
    flags |= O_RDONLY;
  }
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & (kFdflagSync | kFdflagRsync)) flags |= O_SYNC;
  return flags;
}

// path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags, fd_out)
Result<uint16_t> path_open(Call& c) {
  const uint32_t oflags = c.u32(4);
  const uint64_t base = c.u64(5), inheriting = c.u64(6);
  const uint32_t fdflags = c.u32(7);
  if (oflags & ~uint32_t{15} || fdflags & ~uint32_t{31}) return err::kInval;
  uint64_t needed = rights::kPathOpen;
  if (oflags & kOflagCreat) needed |= rights::kPathCreateFile;
  if (oflags & kOflagTrunc) needed |= rights::kPathFilestatSetSize;
  WASI_RESOLVE(p, c.u32(0), needed, c.u32(2), c.u32(3), c.u32(1) & kLookupSymlinkFollow);
  if (c.bytes(c.u32(8), 4) == nullptr) return err::kFault;
  UniqueFd fd(::openat(p.dir(), p.name.c_str(), open_flags(oflags, base, fdflags), 0666));
  if (!fd.valid()) return host_error();
  auto entry = make_entry(std::move(fd));
  // Rights never grow: what the directory may hand on, for this type of file.
  const uint64_t parent_inheriting = p_entry->rights_inheriting.load();
  entry->rights_base = base & parent_inheriting & rights_for(entry->filetype);
  entry->rights_inheriting = inheriting & parent_inheriting;
  uint32_t new_fd = 0;
  if (uint16_t r = c.wasi.insert(std::move(entry), new_fd)) return r;
  c.store<uint32_t>(c.u32(8), new_fd);
  return err::kSuccess;
}

Result<uint16_t> path_readlink(Call& c) {
  WASI_RESOLVE(p, c.u32(0), rights::kPathReadlink, c.u32(1), c.u32(2), false);
  const uint32_t buf_len = c.u32(4);
  uint8_t* buf = c.bytes(c.u32(3), buf_len);
  if (buf == nullptr || c.bytes(c.u32(5), 4) == nullptr) return err::kFault;
  char target[PATH_MAX];
  ssize_t n = ::readlinkat(p.dir(), p.name.c_str(), target, sizeof target);
  if (n < 0) return host_error();
  // Like readlink(2), a short buffer gets the beginning of the target.
  const uint32_t copied = std::min<uint32_t>(static_cast<uint32_t>(n), buf_len);
  std::memcpy(buf, target, copied);
  c.store<uint32_t>(c.u32(5), copied);
  return err::kSuccess;
}

Result<uint16_t> path_remove_directory(Call& c) {
  WASI_RESOLVE(p, c.u32(0), rights::kPathRemoveDirectory, c.u32(1), c.u32(2), false);
  return ok_or_errno(::unlinkat(p.dir(), p.name.c_str(), AT_REMOVEDIR));
}

Result<uint16_t> path_rename(Call& c) {
  WASI_RESOLVE(from, c.u32(0), rights::kPathRenameSource, c.u32(1), c.u32(2), false);
  WASI_RESOLVE(to, c.u32(3), rights::kPathRenameTarget, c.u32(4), c.u32(5), false);
  return ok_or_errno(::renameat(from.dir(), from.name.c_str(), to.dir(), to.name.c_str()));
}

// path_symlink(old_path, old_len, fd, new_path, new_len): old_path is the link's content. An
// absolute target could never be followed inside the sandbox, so it is refused up front.
Result<uint16_t> path_symlink(Call& c) {
  auto target = c.string(c.u32(0), c.u32(1));
  if (!target) return err::kFault;
  if (target->empty() || target->find('\0') != std::string::npos) return err::kInval;
  if (target->front() == '/') return err::kNotcapable;
  WASI_RESOLVE(p, c.u32(2), rights::kPathSymlink, c.u32(3), c.u32(4), false);
  return ok_or_errno(::symlinkat(target->c_str(), p.dir(), p.name.c_str()));
}

Result<uint16_t> path_unlink_file(Call& c) {
  WASI_RESOLVE(p, c.u32(0), rights::kPathUnlinkFile, c.u32(1), c.u32(2), false);
  return ok_or_errno(::unlinkat(p.dir(), p.name.c_str(), 0));
}

constexpr FunctionSpec kFunctions[] = {
    {"path_create_directory", "iii", true, path_create_directory},
    {"path_filestat_get", "iiiii", true, path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", true, path_filestat_set_times},
    {"path_link", "iiiiiii", true, path_link},
    {"path_open", "iiiiiIIii", true, path_open},
    {"path_readlink", "iiiiii", true, path_readlink},
    {"path_remove_directory", "iii", true, path_remove_directory},
    {"path_rename", "iiiiii", true, path_rename},
    {"path_symlink", "iiiii", true, path_symlink},
    {"path_unlink_file", "iii", true, path_unlink_file},
};

}  // namespace

std::span<const FunctionSpec> path_functions() { return kFunctions; }

}  // namespace tern::wasi
