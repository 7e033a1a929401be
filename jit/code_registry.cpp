// DESIGN (jit/code_registry.cpp): which PCs are wasm code, answerable inside a signal handler.
//
// Readers are the trap signal handler (any thread, any moment, possibly interrupting a writer on
// the same thread); writers are code publication and release (rare, may block briefly).
// 1. The registry is an immutable, sorted, non-overlapping array (a Snapshot) behind one atomic
//    pointer. Readers never lock and never allocate; they binary-search the snapshot they load.
// 2. Writers serialize on a mutex, build a new snapshot from the master list, swap the pointer,
//    then wait until the reader count drops to zero before freeing the old snapshot. A reader
//    increments the count before loading the pointer and decrements it after its last read, so
//    (seq_cst) a reader that loaded the old pointer is counted when the writer checks.
// 3. Reader sections are a few dozen instructions and never wait on anything, so a writer's
//    wait ends even if the reader runs in a signal handler on the writer's own thread.
// 4. Process-lifetime state is constinit atomics plus a leaked heap object, so registrations
//    and lookups stay valid during static destruction.
#include "jit/code_registry.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace tern {
namespace {

struct Snapshot {
  std::vector<CodeRange> ranges;  // sorted by begin, non-overlapping
};

constinit std::atomic<const Snapshot*> g_current{nullptr};
constinit std::atomic<uint32_t> g_readers{0};
static_assert(std::atomic<const Snapshot*>::is_always_lock_free, "signal-safe reads");
static_assert(std::atomic<uint32_t>::is_always_lock_free, "signal-safe reads");

struct Master {
  std::mutex mu;
  std::vector<CodeRange> ranges;  // guarded by mu; sorted by begin
};

Master& master() {
  static Master* m = new Master();  // leaked on purpose (invariant 4)
  return *m;
}

[[noreturn]] void die(const char* message) {
  const char prefix[] = "tern: code registry: ";
  (void)!write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
  (void)!write(STDERR_FILENO, message, strlen(message));
  (void)!write(STDERR_FILENO, "\n", 1);
  abort();
}

// Called with master().mu held.
void publish(const std::vector<CodeRange>& ranges) {
  const Snapshot* next = ranges.empty() ? nullptr : new Snapshot{ranges};
  const Snapshot* old = g_current.exchange(next, std::memory_order_seq_cst);
  while (g_readers.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
  delete old;
}

}  // namespace

void register_code(const void* begin, const void* end, const void* owner, uint32_t tag) {
  const CodeRange r{reinterpret_cast<uintptr_t>(begin), reinterpret_cast<uintptr_t>(end), owner, tag};
  if (r.begin >= r.end) die("register_code: empty or inverted range");
  if (owner == nullptr) die("register_code: null owner");
  Master& m = master();
  std::lock_guard lock(m.mu);
  auto it = std::lower_bound(m.ranges.begin(), m.ranges.end(), r.begin,
                             [](const CodeRange& x, uintptr_t b) { return x.begin < b; });
  if (it != m.ranges.end() && it->begin < r.end) die("register_code: overlaps a later range");
  if (it != m.ranges.begin() && std::prev(it)->end > r.begin) die("register_code: overlaps an earlier range");
  m.ranges.insert(it, r);
  publish(m.ranges);
}

void unregister_code(const void* begin) {
  const auto b = reinterpret_cast<uintptr_t>(begin);
  Master& m = master();
  std::lock_guard lock(m.mu);
  auto it = std::lower_bound(m.ranges.begin(), m.ranges.end(), b,
                             [](const CodeRange& x, uintptr_t v) { return x.begin < v; });
  if (it == m.ranges.end() || it->begin != b) die("unregister_code: no range starts there");
  m.ranges.erase(it);
  publish(m.ranges);
}

bool lookup_code_range(uintptr_t pc, CodeRange* out) {
  g_readers.fetch_add(1, std::memory_order_seq_cst);
  const Snapshot* snap = g_current.load(std::memory_order_seq_cst);
  bool found = false;
  if (snap != nullptr) {
    const CodeRange* first = snap->ranges.data();
    const CodeRange* last = first + snap->ranges.size();
    // The first range starting after pc; the candidate is the one before it.
    const CodeRange* it = std::upper_bound(first, last, pc,
                                           [](uintptr_t v, const CodeRange& x) { return v < x.begin; });
    if (it != first && pc < std::prev(it)->end) {
      if (out != nullptr) *out = *std::prev(it);
      found = true;
    }
  }
  g_readers.fetch_sub(1, std::memory_order_seq_cst);
  return found;
}

const void* lookup_code(uintptr_t pc) {
  CodeRange r;
  return lookup_code_range(pc, &r) ? r.owner : nullptr;
}

size_t registered_code_count() {
  Master& m = master();
  std::lock_guard lock(m.mu);
  return m.ranges.size();
}

}  // namespace tern
