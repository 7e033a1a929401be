// WASI poll_oneoff (clock and fd subscriptions) and the sock_* functions, which work on socket
// descriptors the host hands in (WasiConfig::extra_fds) or that sock_accept returns.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "host/wasi/wasi_internal.h"

namespace tern::wasi {
namespace {

constexpr uint8_t kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2;
constexpr uint16_t kSubclockAbstime = 1;
constexpr uint16_t kEventHangup = 1;
constexpr uint64_t kNoTimeout = UINT64_MAX;
// A sleeping guest notices Instance::interrupt() within this many nanoseconds.
constexpr uint64_t kInterruptSliceNs = 50'000'000;

struct Event {
  uint64_t userdata = 0;
  uint16_t error = 0;
  uint8_t type = 0;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

struct FdSub {
  uint64_t userdata;
  uint8_t type;
  std::shared_ptr<FdEntry> entry;  // keeps the descriptor open while polling
};

uint64_t monotonic_ns() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

bool interrupted(const Call& c) {
  return c.caller.instance != nullptr && c.caller.instance->vmctx()->interrupt.load(std::memory_order_relaxed) != 0;
}

// Bytes available to read: the rest of a regular file, else what FIONREAD says.
uint64_t readable_bytes(const FdEntry& e) {
  if (e.filetype == filetype::kRegularFile) {
    struct stat st {};
    off_t pos = ::lseek(e.fd.get(), 0, SEEK_CUR);
    if (::fstat(e.fd.get(), &st) != 0 || pos < 0 || st.st_size < pos) return 0;
    return static_cast<uint64_t>(st.st_size - pos);
  }
  int n = 0;
  if (::ioctl(e.fd.get(), FIONREAD, &n) != 0 || n < 0) return 0;
  return static_cast<uint64_t>(n);
}

// poll_oneoff(in, out, nsubscriptions, nevents_out)
Result<uint16_t> poll_oneoff(Call& c) {
  const uint32_t nsubs = c.u32(2);
  if (nsubs == 0) return err::kInval;
  const uint8_t* in = c.bytes(c.u32(0), uint64_t{nsubs} * 48);
  uint8_t* out = c.bytes(c.u32(1), uint64_t{nsubs} * 32);
  if (in == nullptr || out == nullptr || c.bytes(c.u32(3), 4) == nullptr) return err::kFault;

  std::vector<Event> events;
  std::vector<std::pair<uint64_t, uint64_t>> clocks;  // userdata, relative timeout (ns)
  std::vector<FdSub> fd_subs;
  std::vector<struct pollfd> pfds;
  for (uint32_t i = 0; i < nsubs; ++i) {
    const uint8_t* s = in + i * 48;
    uint64_t userdata = 0;
    std::memcpy(&userdata, s, 8);
    const uint8_t tag = s[8];
    if (tag == kEventClock) {
      uint32_t id = 0;
      uint64_t timeout = 0;
      uint16_t flags = 0;
      std::memcpy(&id, s + 16, 4);
      std::memcpy(&timeout, s + 24, 8);
      std::memcpy(&flags, s + 40, 2);
      static constexpr clockid_t kClocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                              CLOCK_THREAD_CPUTIME_ID};
      if (id >= std::size(kClocks)) {
        events.push_back({userdata, err::kInval, kEventClock, 0, 0});
        continue;
      }
      if (flags & kSubclockAbstime) {
        struct timespec ts {};
        ::clock_gettime(kClocks[id], &ts);
        const uint64_t now = static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
        timeout = timeout > now ? timeout - now : 0;
      }
      clocks.emplace_back(userdata, timeout);
      continue;
    }
    if (tag != kEventFdRead && tag != kEventFdWrite) return err::kInval;
    uint32_t fd = 0;
    std::memcpy(&fd, s + 16, 4);
    std::shared_ptr<FdEntry> entry;
    if (uint16_t r = c.wasi.get(fd, rights::kPollFdReadwrite, entry)) {
      events.push_back({userdata, r, tag, 0, 0});
      continue;
    }
    pfds.push_back({entry->fd.get(), static_cast<short>(tag == kEventFdRead ? POLLIN : POLLOUT), 0});
    fd_subs.push_back({userdata, tag, std::move(entry)});
  }

  uint64_t timeout = kNoTimeout;
  for (const auto& [userdata, t] : clocks) timeout = std::min(timeout, t);
  if (!events.empty()) timeout = 0;
  const uint64_t start = monotonic_ns();
  for (;;) {
    const uint64_t elapsed = monotonic_ns() - start;
    const uint64_t left = timeout == kNoTimeout ? kNoTimeout : (timeout > elapsed ? timeout - elapsed : 0);
    const uint64_t slice = std::min(left, kInterruptSliceNs);
    struct timespec ts {static_cast<time_t>(slice / 1'000'000'000u), static_cast<long>(slice % 1'000'000'000u)};
    int ready = ::ppoll(pfds.data(), pfds.size(), &ts, nullptr);
    if (ready < 0 && errno != EINTR) return host_error();
    if (ready > 0) break;
    if (left <= slice) break;
    if (interrupted(c)) return Error(ErrorKind::Trap, "interrupted");
  }

  const uint64_t elapsed = monotonic_ns() - start;
  for (const auto& [userdata, t] : clocks)
    if (t <= elapsed) events.push_back({userdata, 0, kEventClock, 0, 0});
  for (size_t i = 0; i < pfds.size(); ++i) {
    const short rev = pfds[i].revents;
    if (rev == 0) continue;
    Event ev{fd_subs[i].userdata, 0, fd_subs[i].type, 0, 0};
    if (rev & POLLNVAL) {
      ev.error = err::kBadf;
    } else if (rev & POLLERR) {
      ev.error = err::kIo;
    } else if (fd_subs[i].type == kEventFdRead) {
      ev.nbytes = readable_bytes(*fd_subs[i].entry);
    }
    if (rev & POLLHUP) ev.flags = kEventHangup;
    events.push_back(ev);
  }

  std::memset(out, 0, events.size() * 32);
  for (size_t i = 0; i < events.size(); ++i) {
    uint8_t* e = out + i * 32;
    std::memcpy(e, &events[i].userdata, 8);
    std::memcpy(e + 8, &events[i].error, 2);
    e[10] = events[i].type;
    std::memcpy(e + 16, &events[i].nbytes, 8);
    std::memcpy(e + 24, &events[i].flags, 2);
  }
  c.store<uint32_t>(c.u32(3), static_cast<uint32_t>(events.size()));
  return err::kSuccess;
}

// sock_accept(fd, fdflags, fd_out)
Result<uint16_t> sock_accept(Call& c) {
  WASI_GET(e, c.u32(0), rights::kSockAccept);
  constexpr uint32_t kFdflagNonblock = 4;
  if (c.u32(1) & ~kFdflagNonblock) return err::kInval;
  if (c.bytes(c.u32(2), 4) == nullptr) return err::kFault;
  UniqueFd fd(::accept4(e->fd.get(), nullptr, nullptr, SOCK_CLOEXEC | (c.u32(1) & kFdflagNonblock ? SOCK_NONBLOCK : 0)));
  if (!fd.valid()) return host_error();
  uint32_t new_fd = 0;
  if (uint16_t r = c.wasi.insert(make_entry(std::move(fd)), new_fd)) return r;
  c.store<uint32_t>(c.u32(2), new_fd);
  return err::kSuccess;
}

// sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen_out, ro_flags_out)
Result<uint16_t> sock_recv(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdRead);
  constexpr uint32_t kRecvPeek = 1, kRecvWaitall = 2;
  const uint32_t ri_flags = c.u32(3);
  if (ri_flags & ~(kRecvPeek | kRecvWaitall)) return err::kInval;
  auto iov = c.iovecs(c.u32(1), c.u32(2));
  if (!iov) return err::kFault;
  if (c.bytes(c.u32(4), 4) == nullptr || c.bytes(c.u32(5), 2) == nullptr) return err::kFault;
  struct msghdr msg {};
  msg.msg_iov = iov->data();
  msg.msg_iovlen = iov->size();
  const int flags = (ri_flags & kRecvPeek ? MSG_PEEK : 0) | (ri_flags & kRecvWaitall ? MSG_WAITALL : 0);
  ssize_t n = ::recvmsg(e->fd.get(), &msg, flags);
  if (n < 0) return host_error();
  c.store<uint32_t>(c.u32(4), static_cast<uint32_t>(n));
  c.store<uint16_t>(c.u32(5), msg.msg_flags & MSG_TRUNC ? 1 : 0);  // RECV_DATA_TRUNCATED
  return err::kSuccess;
}

// sock_send(fd, si_data, si_data_len, si_flags, so_datalen_out)
Result<uint16_t> sock_send(Call& c) {
  WASI_GET(e, c.u32(0), rights::kFdWrite);
  if (c.u32(3) != 0) return err::kInval;
  auto iov = c.iovecs(c.u32(1), c.u32(2));
  if (!iov) return err::kFault;
  if (c.bytes(c.u32(4), 4) == nullptr) return err::kFault;
  struct msghdr msg {};
  msg.msg_iov = iov->data();
  msg.msg_iovlen = iov->size();
  ssize_t n = ::sendmsg(e->fd.get(), &msg, MSG_NOSIGNAL);
  if (n < 0) return host_error();
  c.store<uint32_t>(c.u32(4), static_cast<uint32_t>(n));
  return err::kSuccess;
}

// sock_shutdown(fd, how): how is a set of RD (1) and WR (2).
Result<uint16_t> sock_shutdown(Call& c) {
  WASI_GET(e, c.u32(0), rights::kSockShutdown);
  const uint32_t how = c.u32(1);
  if (how == 0 || how > 3) return err::kInval;
  const int host_how = how == 1 ? SHUT_RD : how == 2 ? SHUT_WR : SHUT_RDWR;
  return ::shutdown(e->fd.get(), host_how) == 0 ? err::kSuccess : host_error();
}

constexpr FunctionSpec kFunctions[] = {
    {"poll_oneoff", "iiii", true, poll_oneoff},
    {"sock_accept", "iii", true, sock_accept},
    {"sock_recv", "iiiiii", true, sock_recv},
    {"sock_send", "iiiii", true, sock_send},
    {"sock_shutdown", "ii", true, sock_shutdown},
};

}  // namespace

std::span<const FunctionSpec> poll_functions() { return kFunctions; }

}  // namespace tern::wasi
