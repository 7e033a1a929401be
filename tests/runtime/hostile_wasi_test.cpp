// Hostile guests through WASI: a guest can name sizes up to 4 GiB in a WASI call. Each such
// request must answer with an errno (or do bounded work) without the host allocating in
// proportion to it, and the host stays usable. wat/hostile_wasi.wat has a 1 GiB memory.
#include <doctest/doctest.h>
#include <fcntl.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "host/wasi/wasi.h"
#include "host/wasi/wasi_internal.h"
#include "wasm_util.h"

namespace tern {
namespace {

// A field of /proc/self/status in bytes ("VmRSS", "VmHWM"), or 0 if missing.
uint64_t status_bytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1)) * 1024;  // "... kB"
  return 0;
}

// Resets the peak resident set size (VmHWM) to the current one (Linux >= 4.0).
bool reset_peak_resident() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return clear.good();
}

struct HostileWasi {
  wasi::UniqueFd devnull{::open("/dev/null", O_RDWR | O_CLOEXEC)};
  std::shared_ptr<wasi::Wasi> context;
  std::shared_ptr<Instance> instance;

  HostileWasi() {
    REQUIRE(devnull.valid());
    wasi::WasiConfig config;
    config.args = {"hostile"};
    config.stdin_fd = config.stdout_fd = config.stderr_fd = devnull.get();
    auto w = wasi::Wasi::create(config);
    REQUIRE_MESSAGE(w.ok(), w.error().message());
    context = *w;
    auto module = test::compile_wasm("hostile_wasi");
    auto imports = wasi::link_imports(context, module->info());
    REQUIRE_MESSAGE(imports.ok(), imports.error().message());
    instance = test::instantiate(module, *imports);
  }

  uint32_t errno_of(std::string_view name, std::vector<Value> args) {
    auto r = instance->call(name, args);
    REQUIRE_MESSAGE(r.ok(), r.error().message());
    return static_cast<uint32_t>((*r)[0].lo);
  }
};

constexpr uint32_t kMemoryBytes = 1u << 30;

TEST_CASE("hostile WASI: sizes of up to 4 GiB answer EFAULT or do bounded work, without host allocations") {
  HostileWasi g;
  auto i32 = [](uint32_t v) { return Value::i32(v); };
  const bool peak_reset = reset_peak_resident();
  const uint64_t rss_before = status_bytes("VmRSS");

  // Buffers that do not fit in the memory: EFAULT before any work.
  CHECK(g.errno_of("random_get", {i32(0), i32(0xffffffff)}) == wasi::err::kFault);
  CHECK(g.errno_of("random_get", {i32(kMemoryBytes - 16), i32(17)}) == wasi::err::kFault);
  CHECK(g.errno_of("poll_oneoff", {i32(0), i32(0), i32(0xffffffff), i32(0)}) == wasi::err::kFault);
  CHECK(g.errno_of("fd_write", {i32(1), i32(0), i32(0xffffffff), i32(0)}) == wasi::err::kFault);
  CHECK(g.errno_of("fd_read", {i32(0), i32(8), i32(0x20000000), i32(0)}) == wasi::err::kFault);
  CHECK(g.errno_of("args_sizes_get", {i32(kMemoryBytes - 2), i32(0)}) == wasi::err::kFault);

  // 134,217,728 iovecs that do fit (the whole 1 GiB memory, all {0, 0}): 2 GiB of host iovecs
  // if converted at once. The call must do bounded work: a short (here empty) write or read.
  const uint32_t whole_memory_iovecs = kMemoryBytes / 8;
  for (const char* call : {"fd_write", "fd_read"}) {
    CAPTURE(call);
    uint32_t e = g.errno_of(call, {i32(std::string_view(call) == "fd_write" ? 1 : 0), i32(0), i32(whole_memory_iovecs), i32(0)});
    CHECK((e == wasi::err::kSuccess || e == wasi::err::kInval));
  }
  // The guest may fill its own memory: 16 MiB of random bytes is its business.
  CHECK(g.errno_of("random_get", {i32(0), i32(16u << 20)}) == wasi::err::kSuccess);

  // Nothing above may have made the host allocate in proportion to the sizes asked for: the
  // peak resident set may grow by the 16 MiB the guest filled itself, plus slack, but not by
  // the 2 GiB that 134,217,728 host iovecs would take.
  if (peak_reset) {
    const uint64_t peak = status_bytes("VmHWM");
    const uint64_t grown = peak > rss_before ? peak - rss_before : 0;
    CHECK_MESSAGE(grown < (256u << 20), "peak resident set grew by " << (grown >> 20) << " MiB");
  } else {
    MESSAGE("cannot reset the peak resident set (/proc/self/clear_refs): growth not checked");
  }

  // The host still runs wasm.
  auto bystander = test::instantiate(test::compile_wasm("traps"));
  CHECK(test::call_u64(*bystander, "fac", {Value::i64(10)}) == 3628800);
}

}  // namespace
}  // namespace tern
