// Shared by the wasi_*.cpp files: the spec's constants, the call context handed to every WASI
// function, guest-memory helpers and the path resolver. Not part of the public API.
#pragma once

#include <sys/stat.h>
#include <sys/uio.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/wasi/wasi.h"

namespace tern::wasi {

// Errno values of wasi_snapshot_preview1 (witx `errno`), the ones this code names.
namespace err {
inline constexpr uint16_t kSuccess = 0, k2Big = 1, kAcces = 2, kAgain = 6, kBadf = 8, kExist = 20, kFault = 21,
                          kInval = 28, kIo = 29, kIsdir = 31, kLoop = 32, kMfile = 33, kNametoolong = 37,
                          kNoent = 44, kNosys = 52, kNotdir = 54, kNotempty = 55, kNotsock = 57, kNotsup = 58,
                          kOverflow = 61, kPerm = 63, kSpipe = 70, kNotcapable = 76;
}  // namespace err

// Maps a host errno to the spec's errno (unknown ones become EIO).
uint16_t errno_from_host(int host_errno);
// errno_from_host(errno), for "return host_error();" after a failed system call.
uint16_t host_error();

namespace filetype {
inline constexpr uint8_t kUnknown = 0, kBlockDevice = 1, kCharacterDevice = 2, kDirectory = 3, kRegularFile = 4,
                         kSocketDgram = 5, kSocketStream = 6, kSymbolicLink = 7;
}  // namespace filetype

namespace rights {
inline constexpr uint64_t kFdDatasync = 1u << 0, kFdRead = 1u << 1, kFdSeek = 1u << 2, kFdFdstatSetFlags = 1u << 3,
                          kFdSync = 1u << 4, kFdTell = 1u << 5, kFdWrite = 1u << 6, kFdAdvise = 1u << 7,
                          kFdAllocate = 1u << 8, kPathCreateDirectory = 1u << 9, kPathCreateFile = 1u << 10,
                          kPathLinkSource = 1u << 11, kPathLinkTarget = 1u << 12, kPathOpen = 1u << 13,
                          kFdReaddir = 1u << 14, kPathReadlink = 1u << 15, kPathRenameSource = 1u << 16,
                          kPathRenameTarget = 1u << 17, kPathFilestatGet = 1u << 18,
                          kPathFilestatSetSize = 1u << 19, kPathFilestatSetTimes = 1u << 20,
                          kFdFilestatGet = 1u << 21, kFdFilestatSetSize = 1u << 22, kFdFilestatSetTimes = 1u << 23,
                          kPathSymlink = 1u << 24, kPathRemoveDirectory = 1u << 25, kPathUnlinkFile = 1u << 26,
                          kPollFdReadwrite = 1u << 27, kSockShutdown = 1u << 28, kSockAccept = 1u << 29;
inline constexpr uint64_t kAll = (uint64_t{1} << 30) - 1;
inline constexpr uint64_t kRegularFile = kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync | kFdTell |
                                         kFdWrite | kFdAdvise | kFdAllocate | kFdFilestatGet | kFdFilestatSetSize |
                                         kFdFilestatSetTimes | kPollFdReadwrite;
inline constexpr uint64_t kDirectory = kFdFdstatSetFlags | kFdSync | kFdDatasync | kPathCreateDirectory |
                                       kPathCreateFile | kPathLinkSource | kPathLinkTarget | kPathOpen | kFdReaddir |
                                       kPathReadlink | kPathRenameSource | kPathRenameTarget | kPathFilestatGet |
                                       kPathFilestatSetSize | kPathFilestatSetTimes | kFdFilestatGet |
                                       kFdFilestatSetTimes | kPathSymlink | kPathRemoveDirectory |
                                       kPathUnlinkFile | kPollFdReadwrite;
// Terminals, pipes and other streams: no seek/tell (wasi-libc's isatty() looks for that).
inline constexpr uint64_t kStream = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet | kPollFdReadwrite;
inline constexpr uint64_t kSocket = kStream | kSockShutdown | kSockAccept;
}  // namespace rights

// The WASI filetype of a host stat result (sockets ask the descriptor for their type).
uint8_t filetype_of(const struct stat& st, int fd);
// The rights a descriptor of that type can have at most.
uint64_t rights_for(uint8_t type);
// A new entry for a host descriptor; its type and rights come from fstat.
std::shared_ptr<FdEntry> make_entry(UniqueFd fd);

// What a WASI function sees of its call.
struct Call {
  Wasi& wasi;
  Caller& caller;
  LinearMemory* mem;  // the caller's memory 0, or nullptr
  std::span<const Value> args;

  uint32_t u32(size_t i) const { return static_cast<uint32_t>(args[i].lo); }
  uint64_t u64(size_t i) const { return args[i].lo; }

  // [offset, offset + len) of guest memory, or nullptr if any of it is out of bounds.
  uint8_t* bytes(uint64_t offset, uint64_t len) const { return mem ? mem->checked(offset, len) : nullptr; }
  template <class T>
  bool store(uint64_t offset, T value) const {
    uint8_t* p = bytes(offset, sizeof(T));
    if (p == nullptr) return false;
    std::memcpy(p, &value, sizeof(T));  // wasm is little-endian, so is x86-64
    return true;
  }
  template <class T>
  std::optional<T> load(uint64_t offset) const {
    const uint8_t* p = bytes(offset, sizeof(T));
    if (p == nullptr) return std::nullopt;
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
  }
  // A guest string (not NUL-terminated in the guest), or nullopt if out of bounds.
  std::optional<std::string> string(uint32_t offset, uint32_t len) const;
  // Host iovecs for a guest iovec array (ciovec and iovec have the same layout), or nullopt if
  // any buffer is out of bounds. The whole array must lie in memory, but only its first IOV_MAX
  // entries are converted and checked: a longer list does a short read or write.
  std::optional<std::vector<struct iovec>> iovecs(uint32_t offset, uint32_t count) const;
};

// In a handler with `Call& c`: declares `entry` for descriptor `fd` if it has the rights
// `needed`, else returns the errno (BADF or NOTCAPABLE).
#define WASI_GET(entry, fd, needed)                                          \
  std::shared_ptr<FdEntry> entry;                                            \
  if (uint16_t get_errno_ = c.wasi.get((fd), (needed), entry); get_errno_) \
    return get_errno_

// A WASI function returns its errno, or an Error that ends the wasm call (proc_exit).
using Handler = Result<uint16_t> (*)(Call& call);

struct FunctionSpec {
  std::string_view name;
  std::string_view params;  // one letter per parameter: 'i' = i32, 'I' = i64
  bool returns_errno;       // false only for proc_exit
  Handler handler;
};

std::span<const FunctionSpec> fd_functions();    // wasi_fd.cpp
std::span<const FunctionSpec> path_functions();  // wasi_path.cpp
std::span<const FunctionSpec> misc_functions();  // wasi_misc.cpp
std::span<const FunctionSpec> poll_functions();  // wasi_poll.cpp (poll_oneoff, sock_*)

// A guest path resolved inside a directory: operate on `name` (one component, or ".") relative
// to the directory descriptor `dir()`, always with NOFOLLOW semantics.
struct ResolvedPath {
  UniqueFd owned;   // the parent directory when it is not the starting descriptor
  int start = -1;   // the starting directory (owned by its FdEntry)
  std::string name;
  int dir() const { return owned.valid() ? owned.get() : start; }
};

// Resolves `path` relative to the directory `dir_fd` (see wasi.h, invariant 3). With
// `follow_final`, a symlink in the last component is followed too (inside the sandbox).
// Returns 0 or the errno.
uint16_t resolve(int dir_fd, std::string_view path, bool follow_final, ResolvedPath& out);

// Writes a filestat for a host stat result at guest `offset`.
bool store_filestat(const Call& c, uint32_t offset, const struct stat& st, int fd);

// Applies WASI fst_flags (ATIM, ATIM_NOW, MTIM, MTIM_NOW) to two timespecs for utimensat;
// returns 0 or INVAL.
uint16_t times_from_flags(uint64_t atim, uint64_t mtim, uint32_t fst_flags, struct timespec out[2]);

}  // namespace tern::wasi
