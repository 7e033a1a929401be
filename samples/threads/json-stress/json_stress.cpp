// json-stress: a threaded JSON and allocator stress test for tern, built on the guest thread
// kit (samples/threads/kit). The main thread starts N worker threads; each loops building a
// JSON document from a seeded PRNG, serializing it, parsing it back with nlohmann_json,
// comparing, and malloc/free-ing buffers of random sizes whose contents it checks. A "client"
// and a "server" thread pass JSON requests and replies through a shared-memory queue guarded
// by the kit's mutex and condition variables. Prints a checksum per thread and a total; for a
// given seed and iteration count the totals are the same on every run, threaded or not.
//
//   tern run json-stress.wasm --threads 8 --iterations 2000 [--seed 1]
//   tern run json-stress.wasm --threads 8 --seconds 5      (reports iterations/s)
//   tern run json-stress.wasm --threads 4 --serial         (same work, all on the main thread)
//   tern run json-stress.wasm --threads 0                  (one worker's work, main thread only)
//
// Exit status: 0 when every comparison held, 1 on a mismatch or a heap inconsistency, 2 on a
// usage error, 3 when a thread cannot be started.
#include "kit.h"  // first: it routes errno to libc's

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

// ---- deterministic helpers ----

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed) {}
  uint64_t next() {  // splitmix64
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return n ? uint32_t(next() % n) : 0; }
};

uint64_t fnv1a(const void* data, size_t n, uint64_t h = 0xcbf29ce484222325ull) {
  auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

uint64_t mix(uint64_t h, uint64_t x) { return fnv1a(&x, sizeof x, h); }

uint64_t seed_for(uint64_t seed, uint64_t stream) { return Rng(seed ^ (stream * 0x2545f4914f6cdd1dull)).next(); }

// ---- options ----

struct Options {
  int threads = 4;
  long iterations = 1000;
  long messages = -1;  // default: iterations
  double seconds = 0;  // > 0: timed run
  uint64_t seed = 1;
  bool serial = false;
};

Options opts;
uint32_t stop_flag;   // timed runs: set by main when time is up
uint32_t mismatches;  // total comparison failures, all threads

void fail(const char* who, const char* what, long iteration) {
  __atomic_fetch_add(&mismatches, 1, __ATOMIC_SEQ_CST);
  std::fprintf(stderr, "json-stress: %s: %s at iteration %ld\n", who, what, iteration);
}

bool stopping() { return __atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE) != 0; }

double now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// ---- workers ----

std::string random_string(Rng& r) {
  static const char* const pieces[] = {"a", "b", "z", "Q", "0", "7", " ", "\"", "\\", "/", "\n", "\t",
                                       "\x01", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "json", "tern"};
  std::string s;
  uint32_t n = r.below(24);
  for (uint32_t i = 0; i < n; i++) s += pieces[r.below(sizeof pieces / sizeof pieces[0])];
  return s;
}

json random_value(Rng& r, int depth) {
  uint32_t kind = r.below(depth >= 4 ? 6 : 8);
  switch (kind) {
    case 0: return nullptr;
    case 1: return r.below(2) == 1;
    case 2: return int64_t(r.next() >> 1) - (int64_t(1) << 62);
    case 3: return uint64_t(r.below(1000000));
    case 4: return double(int64_t(r.below(2000001)) - 1000000) / 1024.0;  // exact in binary
    case 5: return random_string(r);
    case 6: {
      json a = json::array();
      for (uint32_t i = 0, n = r.below(6); i < n; i++) a.push_back(random_value(r, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      for (uint32_t i = 0, n = r.below(6); i < n; i++)
        o["k" + std::to_string(r.below(50)) + random_string(r)] = random_value(r, depth + 1);
      return o;
    }
  }
}

struct Slot {
  unsigned char* p = nullptr;
  size_t size = 0;
  unsigned char fill = 0;
  size_t align = 0;
};

struct Worker {
  int index = 0;
  long iterations = 0;  // done
  uint64_t checksum = 0;
  kit_thread* thread = nullptr;
};

// One allocator step on a ring of slots: check and free what is there, allocate anew.
uint64_t churn(Rng& r, Slot& s, const char* who, long it) {
  uint64_t h = 0;
  if (s.p) {
    for (size_t i = 0; i < s.size; i += 1 + (i >> 4)) {
      if (s.p[i] != (unsigned char)(s.fill + i)) {
        fail(who, "heap buffer corrupted", it);
        break;
      }
    }
    if (s.align && (uintptr_t(s.p) & (s.align - 1))) fail(who, "misaligned block", it);
    h = mix(h, s.size);
    std::free(s.p);
    s = Slot{};
  }
  uint32_t pick = r.below(100);
  size_t size = pick < 60 ? 1 + r.below(256) : pick < 95 ? 1 + r.below(16384) : 1 + r.below(1 << 20);
  s.fill = (unsigned char)r.next();
  switch (r.below(5)) {
    case 0: s.p = static_cast<unsigned char*>(std::malloc(size)); break;
    case 1: {
      s.p = static_cast<unsigned char*>(std::calloc(1, size));
      if (s.p)
        for (size_t i = 0; i < size; i += 97)
          if (s.p[i]) {
            fail(who, "calloc memory not zero", it);
            break;
          }
      break;
    }
    case 2: {
      // grow in steps with realloc, checking that contents move along
      size_t first = 1 + size / 3;
      auto* p = static_cast<unsigned char*>(std::malloc(first));
      if (!p) break;
      for (size_t i = 0; i < first; i++) p[i] = (unsigned char)(i * 31);
      p = static_cast<unsigned char*>(std::realloc(p, size));
      if (p)
        for (size_t i = 0; i < first; i += 7)
          if (p[i] != (unsigned char)(i * 31)) {
            fail(who, "realloc lost contents", it);
            break;
          }
      s.p = p;
      break;
    }
    case 3: {
      size_t align = size_t(1) << (3 + r.below(10));  // 8 .. 4096
      void* p = nullptr;
      if (posix_memalign(&p, align, size) == 0) {
        s.p = static_cast<unsigned char*>(p);
        s.align = align;
      }
      break;
    }
    default: {
      size_t align = size_t(1) << (4 + r.below(8));
      s.p = static_cast<unsigned char*>(aligned_alloc(align, (size + align - 1) & ~(align - 1)));
      s.align = align;
      break;
    }
  }
  if (!s.p) {
    fail(who, "out of memory", it);
    return h;
  }
  s.size = size;
  for (size_t i = 0; i < size; i += 1 + (i >> 4)) s.p[i] = (unsigned char)(s.fill + i);
  return mix(h, size);
}

// One iteration: a document built, serialized, parsed back and compared; allocator churn.
uint64_t worker_iteration(Rng& r, std::vector<Slot>& slots, const char* who, long it) {
  json doc = random_value(r, 0);
  bool pretty = r.below(4) == 0;
  std::string text = pretty ? doc.dump(2) : doc.dump();
  json back = json::parse(text, nullptr, false);
  if (back.is_discarded())
    fail(who, "serialized document does not parse", it);
  else if (back != doc)
    fail(who, "parsed document differs", it);
  else if (back.dump() != doc.dump())
    fail(who, "reserialized document differs", it);
  uint64_t h = fnv1a(text.data(), text.size());
  for (int k = 0; k < 4; k++) h = mix(h, churn(r, slots[r.below(uint32_t(slots.size()))], who, it));
  return h;
}

void* worker_main(void* arg) {
  auto* w = static_cast<Worker*>(arg);
  char who[32];
  std::snprintf(who, sizeof who, "worker %d", w->index);
  Rng r(seed_for(opts.seed, uint64_t(w->index) + 1));
  std::vector<Slot> slots(32);
  uint64_t h = 0x6a736f6e;
  long it = 0;
  for (; opts.seconds > 0 ? !stopping() : it < opts.iterations; it++) h = mix(h, worker_iteration(r, slots, who, it));
  for (auto& s : slots) std::free(s.p);
  w->iterations = it;
  w->checksum = h;
  return nullptr;
}

// ---- server and client over a shared queue ----

struct Queue {
  static constexpr unsigned kCap = 8;
  kit_mutex m = KIT_MUTEX_INIT;
  kit_cond not_empty = KIT_COND_INIT, not_full = KIT_COND_INIT;
  std::string* items[kCap] = {};
  unsigned head = 0, count = 0;

  void push(std::string* s) {
    mutex_lock(&m);
    while (count == kCap) cond_wait(&not_full, &m);
    items[(head + count) % kCap] = s;
    count++;
    cond_signal(&not_empty);
    mutex_unlock(&m);
  }
  std::string* pop() {
    mutex_lock(&m);
    while (count == 0) cond_wait(&not_empty, &m);
    std::string* s = items[head];
    head = (head + 1) % kCap;
    count--;
    cond_signal(&not_full);
    mutex_unlock(&m);
    return s;
  }
};

Queue requests, replies;

struct Peer {
  long messages = 0;
  uint64_t checksum = 0x71756575;
  kit_thread* thread = nullptr;
};
Peer client, server;

// The server's answer to a request; the client computes it too, to check the reply.
json answer(const json& req) {
  const std::string& op = req["op"].get_ref<const std::string&>();
  const json& args = req["args"];
  if (op == "add") {
    int64_t sum = 0;
    for (const auto& a : args) sum += a.get<int64_t>();
    return sum;
  }
  if (op == "concat") {
    std::string s;
    for (const auto& a : args) s += a.get<std::string>();
    return s;
  }
  if (op == "reverse") {
    json out = json::array();
    for (size_t i = args.size(); i-- > 0;) out.push_back(args[i]);
    return out;
  }
  json keys = json::array();  // "keys": the sorted keys of an object
  for (const auto& [k, v] : args.items()) keys.push_back(k);
  return keys;
}

json make_request(Rng& r, long id) {
  static const char* const ops[] = {"add", "concat", "reverse", "keys"};
  const char* op = ops[r.below(4)];
  json args;
  uint32_t n = 1 + r.below(12);
  if (std::strcmp(op, "add") == 0) {
    args = json::array();
    for (uint32_t i = 0; i < n; i++) args.push_back(int64_t(r.below(2000000)) - 1000000);
  } else if (std::strcmp(op, "concat") == 0) {
    args = json::array();
    for (uint32_t i = 0; i < n; i++) args.push_back(random_string(r));
  } else if (std::strcmp(op, "reverse") == 0) {
    args = json::array();
    for (uint32_t i = 0; i < n; i++) args.push_back(random_value(r, 2));
  } else {
    args = json::object();
    for (uint32_t i = 0; i < n; i++) args[random_string(r)] = random_value(r, 3);
  }
  return json{{"id", id}, {"op", op}, {"args", std::move(args)}};
}

struct ClientState {
  Rng r{seed_for(opts.seed, 0x636c69656e74ull)};
  json pending;
};

void client_send(ClientState& c, long id) {
  c.pending = make_request(c.r, id);
  requests.push(new std::string(c.pending.dump()));
}

void client_receive(ClientState& c, long id) {
  std::string* text = replies.pop();
  json reply = json::parse(*text, nullptr, false);
  if (reply.is_discarded() || !reply.is_object() || reply.value("id", long(-1)) != id)
    fail("client", "reply malformed or out of order", id);
  else if (reply["result"] != answer(c.pending))
    fail("client", "wrong result in reply", id);
  client.checksum = mix(client.checksum, fnv1a(text->data(), text->size()));
  client.messages++;
  delete text;
}

void client_stop() { requests.push(new std::string(R"({"op":"stop"})")); }

// Handles one request; false on "stop".
bool server_step() {
  std::string* text = requests.pop();
  json req = json::parse(*text, nullptr, false);
  server.checksum = mix(server.checksum, fnv1a(text->data(), text->size()));
  delete text;
  if (req.is_discarded() || !req.is_object()) {
    fail("server", "request does not parse", server.messages);
    replies.push(new std::string("{}"));
    return true;
  }
  if (req["op"] == "stop") return false;
  json reply = {{"id", req["id"]}, {"result", answer(req)}};
  replies.push(new std::string(reply.dump()));
  server.messages++;
  return true;
}

long message_count() { return opts.messages >= 0 ? opts.messages : opts.iterations; }

void* client_main(void*) {
  ClientState c;
  for (long id = 0; opts.seconds > 0 ? !stopping() : id < message_count(); id++) {
    client_send(c, id);
    client_receive(c, id);
  }
  client_stop();
  return nullptr;
}

void* server_main(void*) {
  while (server_step()) {
  }
  return nullptr;
}

// ---- main ----

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: json-stress [--threads N] [--iterations K | --seconds S] [--messages M] [--seed X] [--serial]\n");
  std::exit(2);
}

bool parse_args(int argc, char** argv) {
  for (int i = 1; i < argc; i++) {
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--threads")) opts.threads = std::atoi(value());
    else if (!std::strcmp(argv[i], "--iterations")) opts.iterations = std::atol(value());
    else if (!std::strcmp(argv[i], "--messages")) opts.messages = std::atol(value());
    else if (!std::strcmp(argv[i], "--seconds")) opts.seconds = std::atof(value());
    else if (!std::strcmp(argv[i], "--seed")) opts.seed = std::strtoull(value(), nullptr, 0);
    else if (!std::strcmp(argv[i], "--serial")) opts.serial = true;
    else usage();
  }
  if (opts.threads < 0 || opts.threads > 1000 || opts.iterations < 0 || opts.seconds < 0) usage();
  if (opts.threads == 0) {  // everything on the main thread, one worker's share
    opts.serial = true;
    opts.threads = 1;
  }
  if (opts.serial && opts.seconds > 0) {
    std::fprintf(stderr, "json-stress: --seconds needs threads (not --serial or --threads 0)\n");
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (!parse_args(argc, argv)) return 2;

  // Warm up on the main thread first: libc++ here is built without threads and does not guard
  // function-local statics, so let them be initialised before any other thread runs.
  {
    Rng r(12345);
    std::vector<Slot> slots(2);
    (void)worker_iteration(r, slots, "warm-up", 0);
    for (auto& s : slots) std::free(s.p);
    ClientState c;
    (void)answer(make_request(c.r, 0));
  }
  std::vector<Worker> workers(size_t(opts.threads));
  for (int i = 0; i < opts.threads; i++) workers[size_t(i)].index = i;
  kit_heap_stats before{};
  kit_heap_get_stats(&before);

  double start = now_seconds();
  if (opts.serial) {
    for (auto& w : workers) worker_main(&w);
    ClientState c;
    long n = message_count();
    for (long id = 0; id < n; id++) {
      client_send(c, id);
      server_step();
      client_receive(c, id);
    }
    client_stop();
    server_step();
  } else {
    auto start_thread = [](kit_thread** t, kit_thread_fn fn, void* arg, const char* what) {
      int rc = thread_create(t, fn, arg);
      if (rc != 0) {
        std::fprintf(stderr, "json-stress: cannot start the %s thread (error %d)\n", what, rc);
        std::exit(3);
      }
    };
    start_thread(&server.thread, server_main, nullptr, "server");
    start_thread(&client.thread, client_main, nullptr, "client");
    for (auto& w : workers) start_thread(&w.thread, worker_main, &w, "worker");
    if (opts.seconds > 0) {
      while (now_seconds() - start < opts.seconds) {
        timespec ts{0, 50 * 1000 * 1000};
        nanosleep(&ts, nullptr);
      }
      __atomic_store_n(&stop_flag, 1, __ATOMIC_RELEASE);
    }
    for (auto& w : workers) thread_join(w.thread, nullptr);
    thread_join(client.thread, nullptr);
    thread_join(server.thread, nullptr);
  }
  double elapsed = now_seconds() - start;

  uint64_t total = 0x746f74616c;
  long iterations = 0;
  for (const auto& w : workers) {
    std::printf("worker %d: iterations %ld checksum %016" PRIx64 "\n", w.index, w.iterations, w.checksum);
    total = mix(total, w.checksum);
    iterations += w.iterations;
  }
  std::printf("client: messages %ld checksum %016" PRIx64 "\n", client.messages, client.checksum);
  std::printf("server: messages %ld checksum %016" PRIx64 "\n", server.messages, server.checksum);
  total = mix(mix(total, client.checksum), server.checksum);

  kit_heap_stats after{};
  kit_heap_get_stats(&after);
  int heap_bad = kit_heap_check();
  std::printf("heap: %zu KiB from the system, live blocks %zu before and %zu after%s\n", after.heap_bytes / 1024,
              before.live_blocks, after.live_blocks, heap_bad ? ", FREE LISTS CORRUPT" : "");
  if (opts.seconds > 0)
    std::printf("timed: %.2f s, %ld worker iterations (%.0f/s), %ld messages (%.0f/s); checksums vary\n", elapsed,
                iterations, double(iterations) / elapsed, client.messages, double(client.messages) / elapsed);
  bool leak = after.live_blocks != before.live_blocks;
  if (leak) std::printf("heap: %zu blocks leaked\n", after.live_blocks - before.live_blocks);
  std::printf("total: %016" PRIx64 " mismatches %u\n", total, mismatches);
  return (mismatches || heap_bad || leak) ? 1 : 0;
}
