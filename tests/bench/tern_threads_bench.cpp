// tern-threads-bench: the tern column of `run.py --suite threads`. Compiles
// tests/bench/threads/contention.wasm, makes one shared memory (1 page, max 1), instantiates the
// module twice over it and runs the exports on two std::threads:
//   incr   both threads call incr(N) at once: 2N contended i32.atomic.rmw.add on one counter
//   ping   ping(R, 0) and ping(R, 1): R round trips through memory.atomic.wait32/notify
// Before timing, each thread calls incr(W) and ping(W, role) once (warm-up); the main thread
// then zeroes the cells, starts both threads together and times from the start to the moment
// both have finished (steady_clock). Prints one JSON line:
//   {"incr_ms": x, "incr_ops_per_s": y, "pingpong_ms": z, "pingpong_round_trip_us": u,
//    "counter": c, "expected_counter": 2N, "turn": t, "expected_turn": 2R}
// Usage: tern-threads-bench FILE.wasm [--incr N] [--ping R] [--warmup W]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "host/runtime/runtime.h"
#include "memory/linear_memory.h"

using namespace tern;

namespace {

constexpr uint64_t kCounter = 0;
constexpr uint64_t kTurn = 64;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "tern-threads-bench: %s\n", what.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

// Phase handshake between the main thread and the two workers. Counts only grow: phase p is
// ready when ready >= 2p, started when go >= p, finished when done >= 2p.
struct Sync {
  std::atomic<uint32_t> ready{0}, go{0}, done{0};
  static void bump(std::atomic<uint32_t>& a) {
    a.fetch_add(1);
    a.notify_all();
  }
  static void wait_at_least(std::atomic<uint32_t>& a, uint32_t v) {
    for (uint32_t cur = a.load(); cur < v; cur = a.load()) a.wait(cur);
  }
};

uint32_t call_i32(Instance& inst, const char* name, std::vector<Value> args) {
  auto r = inst.call(name, args);
  if (!r) fail(std::string(name) + ": " + r.error().message());
  return r->empty() ? 0 : static_cast<uint32_t>((*r)[0].lo);
}

void worker(Instance* inst, uint32_t role, Sync* s, uint32_t incr_n, uint32_t ping_n, uint32_t warm) {
  call_i32(*inst, "incr", {Value::i32(warm)});
  call_i32(*inst, "ping", {Value::i32(warm), Value::i32(role)});
  Sync::bump(s->ready);  // phase 1 (incr)
  Sync::wait_at_least(s->go, 1);
  call_i32(*inst, "incr", {Value::i32(incr_n)});
  Sync::bump(s->done);
  Sync::bump(s->ready);  // phase 2 (ping)
  Sync::wait_at_least(s->go, 2);
  call_i32(*inst, "ping", {Value::i32(ping_n), Value::i32(role)});
  Sync::bump(s->done);
}

}  // namespace

int main(int argc, char** argv) {
  const char* file = nullptr;
  uint32_t incr_n = 5'000'000, ping_n = 20'000, warm = 1000;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--incr") && i + 1 < argc) incr_n = static_cast<uint32_t>(std::atoll(argv[++i]));
    else if (!std::strcmp(argv[i], "--ping") && i + 1 < argc) ping_n = static_cast<uint32_t>(std::atoll(argv[++i]));
    else if (!std::strcmp(argv[i], "--warmup") && i + 1 < argc) warm = static_cast<uint32_t>(std::atoll(argv[++i]));
    else file = argv[i];
  }
  if (!file || incr_n == 0 || ping_n == 0) {
    std::fprintf(stderr, "usage: tern-threads-bench FILE.wasm [--incr N] [--ping R] [--warmup W] (N, R > 0)\n");
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (bytes.empty()) fail(std::string("cannot read ") + file);

  auto module = Module::compile(bytes);
  if (!module) fail(module.error().message());
  MemoryType type;
  type.limits.min = 1;
  type.limits.max = 1;
  type.limits.shared = true;
  auto created = LinearMemory::create(type);
  if (!created) fail(created.error().message());
  std::shared_ptr<LinearMemory> memory(std::move(*created));
  Extern ex;
  ex.kind = ExternKind::Memory;
  ex.memory = memory.get();
  ex.owner = memory;
  std::vector<Extern> imports{ex};
  std::shared_ptr<Instance> inst[2];
  for (auto& i : inst) {
    auto r = Instance::instantiate(*module, imports);
    if (!r) fail(r.error().message());
    i = *r;
  }
  auto cell = [&](uint64_t offset) { return std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(memory->base() + offset)); };

  Sync s;
  std::thread t0(worker, inst[0].get(), 0u, &s, incr_n, ping_n, warm);
  std::thread t1(worker, inst[1].get(), 1u, &s, incr_n, ping_n, warm);
  double ms[2];
  for (uint32_t phase = 1; phase <= 2; ++phase) {
    Sync::wait_at_least(s.ready, 2 * phase);
    if (phase == 1) {  // both threads are idle: clear what the warm-up left
      cell(kCounter).store(0);
      cell(kTurn).store(0);
    }
    auto start = std::chrono::steady_clock::now();
    s.go.store(phase);
    s.go.notify_all();
    Sync::wait_at_least(s.done, 2 * phase);
    ms[phase - 1] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  t0.join();
  t1.join();
  uint32_t counter = call_i32(*inst[0], "counter", {});
  uint32_t turn = call_i32(*inst[1], "turn", {});
  std::printf(
      "{\"incr_ms\": %.3f, \"incr_ops_per_s\": %.0f, \"pingpong_ms\": %.3f, \"pingpong_round_trip_us\": %.3f, "
      "\"counter\": %u, \"expected_counter\": %llu, \"turn\": %u, \"expected_turn\": %llu}\n",
      ms[0], 2.0 * incr_n / (ms[0] / 1e3), ms[1], ms[1] * 1e3 / ping_n, counter,
      2ull * incr_n, turn, 2ull * ping_n);
  return 0;
}
