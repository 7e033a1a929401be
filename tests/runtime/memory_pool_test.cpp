// MemoryImage and MemoryPool alone (memory/memory_pool.h): images built from segments,
// memories reset to their image, pools that reuse, bound and outlive their memories.
#include "memory/memory_pool.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string_view>
#include <vector>

namespace tern {
namespace {

MemoryType plain(uint64_t min, std::optional<uint64_t> max) { return MemoryType{Limits{min, max, false}}; }

std::shared_ptr<LinearMemory> acquire(MemoryPool& pool) {
  auto r = pool.acquire();
  REQUIRE_MESSAGE(r.ok(), r.error().message());
  return *r;
}

std::span<const uint8_t> bytes_of(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST_CASE("memory image: built from segments in order, page-aligned, checked against the size") {
  std::vector<MemoryImage::Segment> none{{100, {}}};
  auto empty = MemoryImage::create(none, kPageSize);
  REQUIRE(empty.ok());
  CHECK(*empty == nullptr);  // no bytes: the memory starts all zero

  std::vector<MemoryImage::Segment> segments{{5000, bytes_of("abcdef")}, {5002, bytes_of("XY")}, {70000, bytes_of("z")}};
  auto image = MemoryImage::create(segments, 2 * kPageSize);
  REQUIRE(image.ok());
  REQUIRE(*image != nullptr);
  CHECK((*image)->offset() == 4096);  // the page holding the first byte
  CHECK((*image)->offset() + (*image)->size() == 73728);  // the end of the page holding the last
  CHECK((*image)->size() % 4096 == 0);

  std::vector<MemoryImage::Segment> too_far{{kPageSize - 1, bytes_of("ab")}};
  auto bad = MemoryImage::create(too_far, kPageSize);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind() == ErrorKind::Instantiate);
}

TEST_CASE("memory image: a memory starts with it and reset() brings it back") {
  std::vector<MemoryImage::Segment> segments{{5000, bytes_of("abcdef")}, {5002, bytes_of("XY")}};
  auto image = MemoryImage::create(segments, kPageSize);
  REQUIRE(image.ok());
  auto created = LinearMemory::create(plain(1, 3), kMaxPages32, *image);
  REQUIRE(created.ok());
  LinearMemory& m = **created;
  CHECK(std::memcmp(m.base() + 5000, "abXYef", 6) == 0);
  CHECK(m.base()[4999] == 0);
  CHECK(m.base()[0] == 0);
  std::memset(m.base(), 0x5a, m.size_bytes());
  CHECK(m.grow(2) == 1);
  std::memset(m.base() + kPageSize, 0x77, 2 * kPageSize);
  REQUIRE(m.reset().ok());
  CHECK(m.pages() == 1);
  CHECK(m.checked(kPageSize, 1) == nullptr);
  CHECK(std::memcmp(m.base() + 5000, "abXYef", 6) == 0);
  CHECK(m.base()[0] == 0);
  CHECK(m.base()[kPageSize - 1] == 0);
  CHECK(m.grow(2) == 1);  // regrown pages are zero again
  CHECK(m.base()[kPageSize] == 0);
  CHECK(m.base()[3 * kPageSize - 1] == 0);
}

TEST_CASE("memory pool: reuses released memories, bounded, and may die before them") {
  CHECK(MemoryPool::create(MemoryType{Limits{1, 1, true}}, kMaxPages32, nullptr, 4).error().kind() ==
        ErrorKind::Usage);
  CHECK(MemoryPool::create(plain(10, std::nullopt), 5, nullptr, 4).error().kind() == ErrorKind::Limit);

  auto created = MemoryPool::create(plain(1, 2), kMaxPages32, nullptr, 1);
  REQUIRE(created.ok());
  std::shared_ptr<MemoryPool> pool = *created;
  std::shared_ptr<LinearMemory> a = acquire(*pool);
  uint8_t* base = a->base();
  a->base()[10] = 1;
  a.reset();  // released: reset and idle
  CHECK(pool->idle_count() == 1);
  std::shared_ptr<LinearMemory> b = acquire(*pool);
  CHECK(b->base() == base);
  CHECK(b->base()[10] == 0);
  std::shared_ptr<LinearMemory> c = acquire(*pool);  // none idle: a new one
  CHECK(pool->created_count() == 2);
  b.reset();
  c.reset();
  CHECK(pool->idle_count() == 1);  // max_idle = 1: the other was unmapped

  std::shared_ptr<LinearMemory> d = acquire(*pool);
  pool.reset();  // the pool goes first; the memory still works and is unmapped with its owner
  d->base()[0] = 3;
  CHECK(d->grow(1) == 1);
}

}  // namespace
}  // namespace tern
