// Unit tests of host/wasi: the path resolver, errno mapping, sockets handed in by the host,
// poll_oneoff, EFAULT on bad guest pointers, proc_exit and the fd table under threads.
// WASI functions are reached through tests/wasi/probe.wat (TERN_WASI_PROBE_WASM).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "host/wasi/wasi.h"
#include "host/wasi/wasi_internal.h"

namespace tern::wasi {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/tern-wasi-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

struct Probe {
  std::shared_ptr<Wasi> wasi;
  std::shared_ptr<Instance> instance;
  uint8_t* mem() { return instance->memory(0)->base(); }
  Result<std::vector<Value>> call(std::string_view name, std::vector<Value> args) { return instance->call(name, args); }
  uint32_t errno_of(std::string_view name, std::vector<Value> args) {
    auto r = call(name, std::move(args));
    REQUIRE_MESSAGE(r.ok(), r.error().message());
    return static_cast<uint32_t>((*r)[0].lo);
  }
};

std::shared_ptr<Module> probe_module() {
  static std::shared_ptr<Module> module = [] {
    std::ifstream in(TERN_WASI_PROBE_WASM, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto m = Module::compile(bytes);
    REQUIRE_MESSAGE(m.ok(), m.error().message());
    return *m;
  }();
  return module;
}

// An instance of probe.wat over `wasi`.
std::shared_ptr<Instance> probe_instance(const std::shared_ptr<Wasi>& wasi) {
  auto imports = link_imports(wasi, probe_module()->info());
  REQUIRE_MESSAGE(imports.ok(), imports.error().message());
  auto inst = Instance::instantiate(probe_module(), *imports);
  REQUIRE_MESSAGE(inst.ok(), inst.error().message());
  return *inst;
}

Probe make_probe(const WasiConfig& config) {
  auto wasi = Wasi::create(config);
  REQUIRE_MESSAGE(wasi.ok(), wasi.error().message());
  Probe p;
  p.wasi = *wasi;
  p.instance = probe_instance(p.wasi);
  return p;
}

Value i32(uint32_t v) { return Value::i32(v); }

TEST_CASE("resolve: stays below the starting directory") {
  TempDir t;
  fs::create_directories(t.path / "box/sub");
  std::ofstream(t.path / "box/file") << "x";
  fs::create_symlink("loop2", t.path / "box/loop1");
  fs::create_symlink("loop1", t.path / "box/loop2");
  fs::create_symlink("sub/..", t.path / "box/self");
  fs::create_symlink("../..", t.path / "box/sub/up2");
  UniqueFd box(::open((t.path / "box").c_str(), O_RDONLY | O_DIRECTORY));
  REQUIRE(box.valid());
  auto check = [&](std::string_view path, bool follow, uint16_t want, std::string_view name = {}) {
    ResolvedPath r;
    CHECK_MESSAGE(resolve(box.get(), path, follow, r) == want, path);
    if (want == 0 && !name.empty()) CHECK_MESSAGE(r.name == name, path);
  };
  check("file", false, 0, "file");
  check("sub/../file", false, 0, "file");
  check(".", false, 0, ".");
  check("sub/..", false, 0, ".");
  check("self/file", false, 0, "file");
  check("new-name", true, 0, "new-name");
  check("", false, err::kNoent);
  check("..", false, err::kNotcapable);
  check("sub/../..", false, err::kNotcapable);
  check("/etc", false, err::kNotcapable);
  check("sub/up2/x", false, err::kNotcapable);
  check("loop1", true, err::kLoop);
  check("loop1", false, 0, "loop1");  // not followed: the link itself
  check("file/", false, err::kNotdir);
  check("file/x", false, err::kNotdir);
  check("missing/x", false, err::kNoent);
  check(std::string_view("a\0b", 3), false, err::kInval);
}

TEST_CASE("errno values are the spec's") {
  CHECK(errno_from_host(ENOENT) == 44);
  CHECK(errno_from_host(EBADF) == 8);
  CHECK(errno_from_host(EEXIST) == 20);
  CHECK(errno_from_host(ENOTEMPTY) == 55);
  CHECK(errno_from_host(EXDEV) == 75);
  CHECK(errno_from_host(EPERM) == 63);
  CHECK(function_names().size() == 46);
}

TEST_CASE("sockets handed in: send, poll, recv, shutdown") {
  int sv[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  WasiConfig config;
  config.extra_fds = {sv[0]};
  Probe p = make_probe(config);
  ::close(sv[0]);
  uint8_t* m = p.mem();

  // iovec at 0 -> "ping" at 64; result at 16.
  uint32_t iov[2] = {64, 4};
  std::memcpy(m, iov, 8);
  std::memcpy(m + 64, "ping", 4);
  CHECK(p.errno_of("sock_send", {i32(3), i32(0), i32(1), i32(0), i32(16)}) == 0);
  char buf[8] = {};
  CHECK(::read(sv[1], buf, sizeof buf) == 4);
  CHECK(std::string_view(buf, 4) == "ping");

  // poll_oneoff: subscription at 256 (fd_read on 3), event at 512, count at 20.
  REQUIRE(::write(sv[1], "pong!", 5) == 5);
  std::memset(m + 256, 0, 48);
  m[256] = 0x2a;  // userdata
  m[256 + 8] = 1;  // fd_read
  m[256 + 16] = 3;
  CHECK(p.errno_of("poll_oneoff", {i32(256), i32(512), i32(1), i32(20)}) == 0);
  uint32_t nevents = 0;
  uint64_t nbytes = 0;
  std::memcpy(&nevents, m + 20, 4);
  std::memcpy(&nbytes, m + 512 + 16, 8);
  CHECK(nevents == 1);
  CHECK(m[512] == 0x2a);
  CHECK(m[512 + 10] == 1);
  CHECK(nbytes == 5);

  // sock_recv with peek, then for real: iovec -> 128 (8 bytes); datalen at 24, flags at 28.
  uint32_t riov[2] = {128, 8};
  std::memcpy(m, riov, 8);
  CHECK(p.errno_of("sock_recv", {i32(3), i32(0), i32(1), i32(1), i32(24), i32(28)}) == 0);
  CHECK(p.errno_of("sock_recv", {i32(3), i32(0), i32(1), i32(0), i32(24), i32(28)}) == 0);
  uint32_t got = 0;
  std::memcpy(&got, m + 24, 4);
  CHECK(got == 5);
  CHECK(std::string_view(reinterpret_cast<char*>(m + 128), 5) == "pong!");

  CHECK(p.errno_of("sock_shutdown", {i32(3), i32(2)}) == 0);
  CHECK(::read(sv[1], buf, sizeof buf) == 0);  // EOF after SHUT_WR
  CHECK(p.errno_of("sock_shutdown", {i32(3), i32(0)}) == err::kInval);
  CHECK(p.errno_of("sock_shutdown", {i32(1), i32(2)}) == err::kNotcapable);  // stdout has no such right
  ::close(sv[1]);
}

TEST_CASE("poll_oneoff: a relative clock sleeps; no subscriptions is EINVAL") {
  Probe p = make_probe({});
  uint8_t* m = p.mem();
  std::memset(m + 256, 0, 48);
  m[256] = 7;
  const uint64_t timeout = 20'000'000;
  std::memcpy(m + 256 + 24, &timeout, 8);
  const auto start = std::chrono::steady_clock::now();
  CHECK(p.errno_of("poll_oneoff", {i32(256), i32(512), i32(1), i32(20)}) == 0);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(20));
  CHECK(m[512] == 7);
  CHECK(m[512 + 10] == 0);  // clock event
  CHECK(p.errno_of("poll_oneoff", {i32(256), i32(512), i32(0), i32(20)}) == err::kInval);
}

TEST_CASE("guest pointers out of bounds answer EFAULT") {
  Probe p = make_probe({});
  CHECK(p.errno_of("args_sizes_get", {i32(65534), i32(0)}) == err::kFault);
  CHECK(p.errno_of("args_sizes_get", {i32(0xffffffff), i32(0)}) == err::kFault);
  uint32_t iov[2] = {65530, 100};  // buffer runs past the end
  std::memcpy(p.mem(), iov, 8);
  CHECK(p.errno_of("fd_write", {i32(1), i32(0), i32(1), i32(16)}) == err::kFault);
  CHECK(p.errno_of("fd_write", {i32(1), i32(65532), i32(2), i32(16)}) == err::kFault);
  CHECK(p.errno_of("poll_oneoff", {i32(65500), i32(0), i32(1), i32(16)}) == err::kFault);
}

TEST_CASE("proc_exit ends the call with ErrorKind::Exit and records the status") {
  Probe p = make_probe({});
  auto r = p.call("proc_exit", {i32(42)});
  REQUIRE(!r.ok());
  CHECK(r.error().kind() == ErrorKind::Exit);
  CHECK(p.wasi->exit_code() == 42u);
}

TEST_CASE("fd table: renumber and close; many threads open and close through one context") {
  TempDir t;
  std::ofstream(t.path / "f") << "data";
  WasiConfig config;
  config.preopens = {{t.path.string(), "/box"}};
  Probe p = make_probe(config);
  CHECK(p.errno_of("fd_renumber", {i32(3), i32(9)}) == err::kBadf);
  CHECK(p.errno_of("fd_close", {i32(9)}) == err::kBadf);

  // path_open(fd 3, "f") at 0 (path at 64), new fd at 16; then fd_close. Each thread has its
  // own instance (own memory) over the same Wasi context.
  constexpr int kThreads = 4, kRounds = 500;
  std::vector<std::shared_ptr<Instance>> instances;
  for (int i = 0; i < kThreads; ++i) instances.push_back(probe_instance(p.wasi));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, inst = instances[i]] {
      std::memcpy(inst->memory(0)->base() + 64, "f", 1);
      for (int round = 0; round < kRounds; ++round) {
        std::vector<Value> args = {i32(3), i32(0), i32(64), i32(1), i32(0), Value::i64(rights::kFdRead),
                                   Value::i64(0), i32(0), i32(16)};
        auto r = inst->call("path_open", args);
        if (!r.ok() || (*r)[0].lo != 0) {
          failures++;
          continue;
        }
        uint32_t fd = 0;
        std::memcpy(&fd, inst->memory(0)->base() + 16, 4);
        std::vector<Value> close_args = {i32(fd)};
        auto c = inst->call("fd_close", close_args);
        if (!c.ok() || (*c)[0].lo != 0) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
}

}  // namespace
}  // namespace tern::wasi
