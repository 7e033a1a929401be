// The parking lot behind memory.atomic.wait32/64 and memory.atomic.notify. DESIGN block in
// threads/parking_lot.cpp.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace tern {

class ParkingLot {
 public:
  // A place to wait: one byte address in one linear memory. Memories never move, so the base
  // names the memory for as long as a waiter can be parked on it.
  struct Key {
    const uint8_t* memory = nullptr;
    uint64_t address = 0;
    bool operator==(const Key&) const = default;
  };

  // The numbering is wasm's result of memory.atomic.wait, plus Interrupted (a trap).
  enum class WaitResult : uint32_t { Woken = 0, NotEqual = 1, TimedOut = 2, Interrupted = 3 };

  // How often a parked thread looks at its interrupt flag.
  static constexpr std::chrono::milliseconds kInterruptSlice{10};

  ParkingLot() = default;
  ParkingLot(const ParkingLot&) = delete;
  ParkingLot& operator=(const ParkingLot&) = delete;

  // Compares the `bytes`-wide (4 or 8) value at memory + address with `expected` and, if equal,
  // parks the calling thread until notify() picks it (Woken), `timeout_ns` passes (TimedOut;
  // negative: never) or `*interrupt` (may be null) becomes non-zero (Interrupted). The cell must
  // be naturally aligned and inside its memory; the caller checks.
  WaitResult wait(Key key, uint32_t bytes, uint64_t expected, int64_t timeout_ns,
                  const std::atomic<uint32_t>* interrupt);

  // Wakes up to `count` threads parked on `key`, oldest first; returns how many it woke.
  uint32_t notify(Key key, uint32_t count);

  // Threads parked on `key` right now.
  uint32_t parked(Key key);

  // The lot every instance in the process uses (keys already tell memories apart).
  static ParkingLot& global();

 private:
  struct Waiter;
  struct alignas(64) Bucket {  // one cache line each: unrelated keys rarely share a lock
    std::mutex mu;
    Waiter* head = nullptr;  // FIFO: notify wakes from the head, wait appends at the tail
    Waiter* tail = nullptr;
  };
  static constexpr size_t kBuckets = 256;

  Bucket& bucket(const Key& key);
  static void unlink(Bucket& b, Waiter* w);

  std::array<Bucket, kBuckets> buckets_;
};

}  // namespace tern
