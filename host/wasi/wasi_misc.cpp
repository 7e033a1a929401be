// WASI args, environment, clocks, random, proc_exit/proc_raise and sched_yield.
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "host/wasi/wasi_internal.h"

namespace tern::wasi {
namespace {

// args_sizes_get / environ_sizes_get: the count and the bytes of all NUL-terminated strings.
uint16_t strings_sizes(const Call& c, const std::vector<std::string>& strings) {
  uint64_t bytes = 0;
  for (const std::string& s : strings) bytes += s.size() + 1;
  if (bytes > UINT32_MAX) return err::kOverflow;
  if (!c.store<uint32_t>(c.u32(0), static_cast<uint32_t>(strings.size()))) return err::kFault;
  if (!c.store<uint32_t>(c.u32(1), static_cast<uint32_t>(bytes))) return err::kFault;
  return err::kSuccess;
}

// args_get / environ_get: an array of pointers at args[0], the strings at args[1].
uint16_t strings_get(const Call& c, const std::vector<std::string>& strings) {
  uint64_t bytes = 0;
  for (const std::string& s : strings) bytes += s.size() + 1;
  const uint32_t ptrs = c.u32(0), buf = c.u32(1);
  uint8_t* ptr_area = c.bytes(ptrs, uint64_t{4} * strings.size());
  uint8_t* buf_area = c.bytes(buf, bytes);
  if (ptr_area == nullptr || buf_area == nullptr) return err::kFault;
  uint32_t offset = 0;
  for (size_t i = 0; i < strings.size(); ++i) {
    const uint32_t address = buf + offset;
    std::memcpy(ptr_area + 4 * i, &address, 4);
    std::memcpy(buf_area + offset, strings[i].c_str(), strings[i].size() + 1);
    offset += static_cast<uint32_t>(strings[i].size() + 1);
  }
  return err::kSuccess;
}

Result<uint16_t> args_sizes_get(Call& c) { return strings_sizes(c, c.wasi.args()); }
Result<uint16_t> args_get(Call& c) { return strings_get(c, c.wasi.args()); }
Result<uint16_t> environ_sizes_get(Call& c) { return strings_sizes(c, c.wasi.env()); }
Result<uint16_t> environ_get(Call& c) { return strings_get(c, c.wasi.env()); }

// WASI clock ids 0-3: realtime, monotonic, process CPU time, thread CPU time.
bool host_clock(uint32_t id, clockid_t& out) {
  static constexpr clockid_t kClocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                          CLOCK_THREAD_CPUTIME_ID};
  if (id >= std::size(kClocks)) return false;
  out = kClocks[id];
  return true;
}

uint64_t to_ns(const struct timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec);
}

Result<uint16_t> clock_res_get(Call& c) {
  clockid_t id;
  if (!host_clock(c.u32(0), id)) return err::kInval;
  struct timespec ts {};
  if (::clock_getres(id, &ts) != 0) return host_error();
  return c.store<uint64_t>(c.u32(1), to_ns(ts)) ? err::kSuccess : err::kFault;
}

Result<uint16_t> clock_time_get(Call& c) {
  clockid_t id;
  if (!host_clock(c.u32(0), id)) return err::kInval;
  struct timespec ts {};
  if (::clock_gettime(id, &ts) != 0) return host_error();
  return c.store<uint64_t>(c.u32(2), to_ns(ts)) ? err::kSuccess : err::kFault;
}

Result<uint16_t> proc_exit(Call& c) {
  c.wasi.set_exit_code(c.u32(0));
  return Error(ErrorKind::Exit) << "proc_exit(" << c.u32(0) << ")";
}

// proc_raise is optional in preview1 (and gone from later versions): signals are not delivered.
Result<uint16_t> proc_raise(Call&) { return err::kNosys; }

Result<uint16_t> sched_yield(Call&) {
  ::sched_yield();
  return err::kSuccess;
}

Result<uint16_t> random_get(Call& c) {
  const uint32_t len = c.u32(1);
  uint8_t* buf = c.bytes(c.u32(0), len);
  if (buf == nullptr) return err::kFault;
  uint32_t done = 0;
  while (done < len) {
    ssize_t n = ::getrandom(buf + done, len - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return host_error();
    done += static_cast<uint32_t>(n);
  }
  return err::kSuccess;
}

constexpr FunctionSpec kFunctions[] = {
    {"args_get", "ii", true, args_get},
    {"args_sizes_get", "ii", true, args_sizes_get},
    {"environ_get", "ii", true, environ_get},
    {"environ_sizes_get", "ii", true, environ_sizes_get},
    {"clock_res_get", "ii", true, clock_res_get},
    {"clock_time_get", "iIi", true, clock_time_get},
    {"proc_exit", "i", false, proc_exit},
    {"proc_raise", "i", true, proc_raise},
    {"sched_yield", "", true, sched_yield},
    {"random_get", "ii", true, random_get},
};

}  // namespace

std::span<const FunctionSpec> misc_functions() { return kFunctions; }

}  // namespace tern::wasi
