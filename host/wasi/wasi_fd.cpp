// WASI fd_* functions: reading, writing, seeking, stat and directory listing on descriptors.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host/wasi/wasi_internal.h"

namespace tern::wasi {
namespace {

constexpr uint16_t kFdflagAppend = 1, kFdflagDsync = 2, kFdflagNonblock = 4, kFdflagRsync = 8, kFdflagSync = 16;

Result<uint16_t> fd_advise(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdAdvise);
  static constexpr int kAdvice[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  uint32_t advice = c.u32(3);
  if (advice >= std::size(kAdvice)) return err::kInval;
  int r = ::posix_fadvise(e->fd.get(), static_cast<off_t>(c.u64(1)), static_cast<off_t>(c.u64(2)), kAdvice[advice]);
  return errno_from_host(r);
}

Result<uint16_t> fd_allocate(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdAllocate);
  int r = ::posix_fallocate(e->fd.get(), static_cast<off_t>(c.u64(1)), static_cast<off_t>(c.u64(2)));
  return errno_from_host(r);
}

Result<uint16_t> fd_close(Call& c) { return c.wasi.close(c.u32(0)); }

Result<uint16_t> fd_datasync(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdDatasync);
  return ::fdatasync(e->fd.get()) == 0 ? err::kSuccess : host_error();
}

Result<uint16_t> fd_sync(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdSync);
  return ::fsync(e->fd.get()) == 0 ? err::kSuccess : host_error();
}

Result<uint16_t> fd_fdstat_get(Call& c) {
  WASI_GET(e, c.u32(0), 0);
  int fl = ::fcntl(e->fd.get(), F_GETFL);
  if (fl < 0) return host_error();
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= kFdflagAppend;
  if (fl & O_NONBLOCK) flags |= kFdflagNonblock;
  if ((fl & O_SYNC) == O_SYNC) {
    flags |= kFdflagSync;
  } else if (fl & O_DSYNC) {
    flags |= kFdflagDsync;
  }
  uint8_t* p = c.bytes(c.u32(1), 24);
  if (p == nullptr) return err::kFault;
  std::memset(p, 0, 24);
  p[0] = e->filetype;
  std::memcpy(p + 2, &flags, 2);
  uint64_t base = e->rights_base.load(), inheriting = e->rights_inheriting.load();
  std::memcpy(p + 8, &base, 8);
  std::memcpy(p + 16, &inheriting, 8);
  return err::kSuccess;
}

Result<uint16_t> fd_fdstat_set_flags(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdFdstatSetFlags);
  uint32_t flags = c.u32(1);
  if (flags & ~uint32_t{31}) return err::kInval;
  // Linux changes only O_APPEND and O_NONBLOCK after open; the sync flags are not supported.
  if (flags & (kFdflagDsync | kFdflagRsync | kFdflagSync)) return err::kNotsup;
  int fl = ::fcntl(e->fd.get(), F_GETFL);
  if (fl < 0) return host_error();
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) fl |= O_APPEND;
  if (flags & kFdflagNonblock) fl |= O_NONBLOCK;
  return ::fcntl(e->fd.get(), F_SETFL, fl) == 0 ? err::kSuccess : host_error();
}

Result<uint16_t> fd_fdstat_set_rights(Call& c) { return c.wasi.restrict_rights(c.u32(0), c.u64(1), c.u64(2)); }

Result<uint16_t> fd_filestat_get(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdFilestatGet);
  struct stat st {};
  if (::fstat(e->fd.get(), &st) != 0) return host_error();
  return store_filestat(c, c.u32(1), st, e->fd.get()) ? err::kSuccess : err::kFault;
}

Result<uint16_t> fd_filestat_set_size(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdFilestatSetSize);
  if (c.u64(1) > static_cast<uint64_t>(INT64_MAX)) return err::kInval;
  return ::ftruncate(e->fd.get(), static_cast<off_t>(c.u64(1))) == 0 ? err::kSuccess : host_error();
}

Result<uint16_t> fd_filestat_set_times(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdFilestatSetTimes);
  struct timespec ts[2];
  if (uint16_t r = times_from_flags(c.u64(1), c.u64(2), c.u32(3), ts)) return r;
  return ::futimens(e->fd.get(), ts) == 0 ? err::kSuccess : host_error();
}

// fd_read, fd_write, fd_pread, fd_pwrite: iovecs at args[1], count at args[2]; the result count
// is stored at args[result_arg].
template <bool kWrite, bool kPositional>
Result<uint16_t> fd_io(Call& c) {
  constexpr uint64_t kRight = (kWrite ? rights::kFdWrite : rights::kFdRead) | (kPositional ? rights::kFdSeek : 0);
  WASI_GET(e, c.u32(0), kRight);
  auto iov = c.iovecs(c.u32(1), c.u32(2));
  if (!iov) return err::kFault;
  const uint32_t result_ptr = c.u32(kPositional ? 4 : 3);
  if (c.bytes(result_ptr, 4) == nullptr) return err::kFault;
  const int count = static_cast<int>(iov->size());
  ssize_t n;
  if constexpr (kPositional) {
    if (c.u64(3) > static_cast<uint64_t>(INT64_MAX)) return err::kInval;
    const auto offset = static_cast<off_t>(c.u64(3));
    n = kWrite ? ::pwritev(e->fd.get(), iov->data(), count, offset) : ::preadv(e->fd.get(), iov->data(), count, offset);
  } else {
    n = kWrite ? ::writev(e->fd.get(), iov->data(), count) : ::readv(e->fd.get(), iov->data(), count);
  }
  if (n < 0) return host_error();
  c.store<uint32_t>(result_ptr, static_cast<uint32_t>(n));
  return err::kSuccess;
}

Result<uint16_t> fd_prestat_get(Call& c) {
  WASI_GET(e, c.u32(0), 0);
  if (!e->preopen) return err::kBadf;
  uint8_t* p = c.bytes(c.u32(1), 8);
  if (p == nullptr) return err::kFault;
  std::memset(p, 0, 8);  // tag 0: a directory
  const auto len = static_cast<uint32_t>(e->preopen->size());
  std::memcpy(p + 4, &len, 4);
  return err::kSuccess;
}

Result<uint16_t> fd_prestat_dir_name(Call& c) {
  WASI_GET(e, c.u32(0), 0);
  if (!e->preopen) return err::kBadf;
  const uint32_t len = c.u32(2);
  if (len < e->preopen->size()) return err::kNametoolong;
  uint8_t* p = c.bytes(c.u32(1), e->preopen->size());
  if (p == nullptr) return err::kFault;
  std::memcpy(p, e->preopen->data(), e->preopen->size());
  return err::kSuccess;
}

Result<uint16_t> fd_renumber(Call& c) { return c.wasi.renumber(c.u32(0), c.u32(1)); }

Result<uint16_t> fd_seek(Call& c) {
  const auto offset = static_cast<int64_t>(c.u64(1));
  const uint32_t whence = c.u32(2);
  // Asking for the position only needs the tell right.
  const uint64_t needed = offset == 0 && whence == 1 ? rights::kFdTell : rights::kFdSeek;
  WASI_GET(e, c.u32(0), needed);
  static constexpr int kWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence > 2) return err::kInval;
  if (c.bytes(c.u32(3), 8) == nullptr) return err::kFault;
  off_t pos = ::lseek(e->fd.get(), offset, kWhence[whence]);
  if (pos < 0) return host_error();
  c.store<uint64_t>(c.u32(3), static_cast<uint64_t>(pos));
  return err::kSuccess;
}

Result<uint16_t> fd_tell(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdTell);
  if (c.bytes(c.u32(1), 8) == nullptr) return err::kFault;
  off_t pos = ::lseek(e->fd.get(), 0, SEEK_CUR);
  if (pos < 0) return host_error();
  c.store<uint64_t>(c.u32(1), static_cast<uint64_t>(pos));
  return err::kSuccess;
}

uint8_t filetype_of_dirent(int dir, const struct dirent& d) {
  switch (d.d_type) {
    case DT_REG: return filetype::kRegularFile;
    case DT_DIR: return filetype::kDirectory;
    case DT_LNK: return filetype::kSymbolicLink;
    case DT_CHR: return filetype::kCharacterDevice;
    case DT_BLK: return filetype::kBlockDevice;
    case DT_SOCK: return filetype::kSocketStream;
    default: break;
  }
  struct stat st {};
  if (::fstatat(dir, d.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return filetype::kUnknown;
  return filetype_of(st, -1);
}

// Cookies are entry indexes: each call lists the directory afresh from a new descriptor, so
// concurrent readers of one fd never share a position.
Result<uint16_t> fd_readdir(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdReaddir);
  const uint32_t buf_len = c.u32(2);
  uint8_t* buf = c.bytes(c.u32(1), buf_len);
  const uint64_t cookie = c.u64(3);
  const uint32_t used_ptr = c.u32(4);
  if (buf == nullptr || c.bytes(used_ptr, 4) == nullptr) return err::kFault;
  int fd = ::openat(e->fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return host_error();
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    uint16_t r = host_error();
    ::close(fd);
    return r;
  }
  uint32_t used = 0;
  uint64_t index = 0;
  int read_errno = 0;
  while (used < buf_len) {
    errno = 0;
    struct dirent* d = ::readdir(dir);
    if (d == nullptr) {
      read_errno = errno;
      break;
    }
    if (index++ < cookie) continue;
    uint8_t header[24] = {};
    const uint64_t next = index;
    const uint64_t ino = d->d_ino;
    const auto namlen = static_cast<uint32_t>(std::strlen(d->d_name));
    std::memcpy(header, &next, 8);
    std::memcpy(header + 8, &ino, 8);
    std::memcpy(header + 16, &namlen, 4);
    header[20] = filetype_of_dirent(::dirfd(dir), *d);
    // The last entry may be cut short: the guest sees bufused == buf_len and asks again.
    uint32_t n = std::min<uint32_t>(24, buf_len - used);
    std::memcpy(buf + used, header, n);
    used += n;
    n = std::min<uint32_t>(namlen, buf_len - used);
    std::memcpy(buf + used, d->d_name, n);
    used += n;
  }
  ::closedir(dir);
  if (read_errno != 0) return errno_from_host(read_errno);
  c.store<uint32_t>(used_ptr, used);
  return err::kSuccess;
}

constexpr FunctionSpec kFunctions[] = {
    {"fd_advise", "iIIi", true, fd_advise},
    {"fd_allocate", "iII", true, fd_allocate},
    {"fd_close", "i", true, fd_close},
    {"fd_datasync", "i", true, fd_datasync},
    {"fd_fdstat_get", "ii", true, fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", true, fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", true, fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", true, fd_filestat_get},
    {"fd_filestat_set_size", "iI", true, fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", true, fd_filestat_set_times},
    {"fd_pread", "iiiIi", true, fd_io<false, true>},
    {"fd_prestat_get", "ii", true, fd_prestat_get},
    {"fd_prestat_dir_name", "iii", true, fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", true, fd_io<true, true>},
    {"fd_read", "iiii", true, fd_io<false, false>},
    {"fd_readdir", "iiiIi", true, fd_readdir},
    {"fd_renumber", "ii", true, fd_renumber},
    {"fd_seek", "iIii", true, fd_seek},
    {"fd_sync", "i", true, fd_sync},
    {"fd_tell", "ii", true, fd_tell},
    {"fd_write", "iiii", true, fd_io<true, false>},
};

}  // namespace

std::span<const FunctionSpec> fd_functions() { return kFunctions; }

}  // namespace tern::wasi
