// Instance pools (host/runtime/instance_pool.h): a pooled instance is indistinguishable from a
// fresh one, even after the previous user scribbled over its memory and grew it; modules whose
// data need copying (a global offset, an imported or a shared memory) fall back correctly; many
// threads may instantiate and drop at once.
#include "host/runtime/instance_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "tests/runtime/wasm_util.h"

namespace tern {
namespace {

std::shared_ptr<InstancePool> make_pool(const std::shared_ptr<Module>& module, std::vector<Extern> imports = {},
                                        InstanceLimits limits = {}, size_t max_idle = 64) {
  auto pool = InstancePool::create(module, std::move(imports), limits, max_idle);
  if (!pool.ok()) FAIL(pool.error().message());
  return *pool;
}

std::shared_ptr<Instance> pooled(InstancePool& pool) {
  auto inst = pool.instantiate();
  if (!inst.ok()) FAIL(inst.error().message());
  return *inst;
}

uint64_t call(Instance& inst, std::string_view name, std::vector<Value> args = {}) {
  return test::call_u64(inst, name, std::move(args));
}

// Every observable piece of pool_data's initial state, compared with a fresh instance.
void check_like_fresh(Instance& inst, Instance& fresh) {
  LinearMemory* m = inst.memory(0);
  LinearMemory* f = fresh.memory(0);
  REQUIRE(m->size_bytes() == f->size_bytes());
  CHECK(m->size_bytes() == 2 * kPageSize);
  CHECK(std::memcmp(m->base(), f->base(), f->size_bytes()) == 0);
  CHECK(call(inst, "size") == 2);
  CHECK(call(inst, "checksum") == call(fresh, "checksum"));
  CHECK(call(inst, "load8", {Value::i32(3)}) == 'o');
  CHECK(call(inst, "load8", {Value::i32(4)}) == 'X');  // the later segment overwrote 'd'
  CHECK(call(inst, "load8", {Value::i32(5)}) == 'd');
  CHECK(call(inst, "load8", {Value::i32(65535)}) == 'a');
  CHECK(call(inst, "load8", {Value::i32(65536)}) == 'n');
  CHECK(call(inst, "load8", {Value::i32(5001)}) == 2);
  CHECK(call(inst, "load8", {Value::i32(131071)}) == 'Z');
  CHECK(call(inst, "load8", {Value::i32(100)}) == 1);  // the start function ran once, on zeros
  CHECK(call(inst, "get_g") == 8);
  CHECK(call(inst, "call_elem", {Value::i32(1)}) == 42);
  // Past the initial size is inaccessible again, whatever the last user grew.
  CHECK(test::call_error(inst, "load8", {Value::i32(2 * 65536)}).message() == "out of bounds memory access");
}

TEST_CASE("instance pool: a reused memory is reset after the guest scribbled over it and grew it") {
  auto module = test::compile_wasm("pool_data");
  auto pool = make_pool(module);
  REQUIRE(pool->pooled(0));
  CHECK(pool->uses_image(0));
  auto fresh = test::instantiate(module);
  uint8_t* base = nullptr;
  for (int round = 0; round < 4; ++round) {
    auto inst = pooled(*pool);
    if (base != nullptr) CHECK(inst->memory(0)->base() == base);  // the same memory, reused
    base = inst->memory(0)->base();
    check_like_fresh(*inst, *fresh);
    CHECK(call(*inst, "scribble", {Value::i32(3 + round)}) == 2);
    CHECK(call(*inst, "size") == 5 + static_cast<uint64_t>(round));
    CHECK(call(*inst, "load8", {Value::i32(3)}) == 0xab);
    CHECK(call(*inst, "get_g") == 0xffffffffu);
  }
  CHECK(pool->pool_of(0)->created_count() == 1);
  CHECK(pool->pool_of(0)->idle_count() == 1);
}

TEST_CASE("instance pool: passive segments, and instances alive at the same time") {
  auto pool = make_pool(test::compile_wasm("pool_data"));
  auto a = pooled(*pool);
  auto b = pooled(*pool);
  CHECK(a->memory(0)->base() != b->memory(0)->base());
  call(*a, "init_passive", {Value::i32(200)});
  CHECK(call(*a, "load8", {Value::i32(200)}) == 'p');
  CHECK(call(*b, "load8", {Value::i32(200)}) == 0);
  // The image is copy-on-write: a's writes never show in b or in later instances.
  call(*a, "scribble", {Value::i32(0)});
  CHECK(call(*b, "load8", {Value::i32(3)}) == 'o');
  a.reset();
  auto c = pooled(*pool);
  CHECK(call(*c, "load8", {Value::i32(200)}) == 0);
  CHECK(call(*c, "load8", {Value::i32(3)}) == 'o');
  CHECK(pool->pool_of(0)->created_count() == 2);
}

TEST_CASE("instance pool: max_idle_memories bounds what is kept") {
  auto pool = make_pool(test::compile_wasm("pool_data"), {}, {}, /*max_idle=*/0);
  for (int i = 0; i < 3; ++i) {
    auto inst = pooled(*pool);
    CHECK(call(*inst, "load8", {Value::i32(4)}) == 'X');
  }
  CHECK(pool->pool_of(0)->idle_count() == 0);
  CHECK(pool->pool_of(0)->created_count() == 4);  // one at create(), then one per instance
}

TEST_CASE("instance pool: the embedder's memory limit holds for pooled memories") {
  InstanceLimits limits;
  limits.max_memory_pages = 4;
  auto pool = make_pool(test::compile_wasm("pool_data"), {}, limits);
  for (int round = 0; round < 2; ++round) {
    auto inst = pooled(*pool);
    CHECK(call(*inst, "scribble", {Value::i32(3)}) == 0xffffffffu);  // 2 + 3 > 4: memory.grow fails
    CHECK(call(*inst, "scribble", {Value::i32(2)}) == 2);
  }
}

TEST_CASE("instance pool: a data segment at a global's offset is copied into the pooled memory") {
  auto module = test::compile_wasm("pool_global_offset");
  auto base = std::make_shared<GlobalInstance>();
  base->type = GlobalType{ValType::I32, false};
  base->cell.lo = 3000;
  Extern g;
  g.kind = ExternKind::Global;
  g.global = base.get();
  g.owner = base;
  auto pool = make_pool(module, {g});
  CHECK(pool->pooled(0));
  CHECK_FALSE(pool->uses_image(0));
  for (int round = 0; round < 3; ++round) {
    auto inst = pooled(*pool);
    CHECK(inst->memory(0)->pages() == 1);
    CHECK(call(*inst, "load8", {Value::i32(3000)}) == 'h');
    CHECK(call(*inst, "load8", {Value::i32(10)}) == 'c');
    CHECK(call(*inst, "load8", {Value::i32(1000)}) == 0);
    call(*inst, "scribble");
  }
  base->cell.lo = 1000;  // the offset is read at each instantiation
  auto inst = pooled(*pool);
  CHECK(call(*inst, "load8", {Value::i32(1000)}) == 'h');
  CHECK(call(*inst, "load8", {Value::i32(1001)}) == 'i');
  CHECK(call(*inst, "load8", {Value::i32(10)}) == 'c');
  CHECK(call(*inst, "load8", {Value::i32(3000)}) == 0);
  CHECK(call(*inst, "load8", {Value::i32(500)}) == 0);
}

TEST_CASE("instance pool: an out-of-bounds data segment fails as without a pool") {
  auto module = test::compile_wasm("pool_oob");
  auto fresh = Instance::instantiate(module, {});
  REQUIRE_FALSE(fresh.ok());
  auto pool = make_pool(module);
  CHECK_FALSE(pool->uses_image(0));
  auto inst = pool->instantiate();
  REQUIRE_FALSE(inst.ok());
  CHECK(inst.error().kind() == fresh.error().kind());
  CHECK(inst.error().message() == fresh.error().message());
}

TEST_CASE("instance pool: an imported memory is not pooled; segments are written into it each time") {
  auto mem = LinearMemory::create(MemoryType{Limits{1, std::nullopt, false}});
  REQUIRE(mem.ok());
  std::shared_ptr<LinearMemory> memory(std::move(*mem));
  Extern e;
  e.kind = ExternKind::Memory;
  e.memory = memory.get();
  e.owner = memory;
  auto pool = make_pool(test::compile_wasm("pool_imported"), {e});
  CHECK_FALSE(pool->pooled(0));
  {
    auto inst = pooled(*pool);
    CHECK(inst->memory(0) == memory.get());
    call(*inst, "poke", {Value::i32(8), Value::i32('X')});
    call(*inst, "poke", {Value::i32(300), Value::i32(7)});
  }
  auto inst = pooled(*pool);
  CHECK(call(*inst, "load8", {Value::i32(8)}) == 'i');  // the segment again
  CHECK(call(*inst, "load8", {Value::i32(300)}) == 7);  // the provider's memory is never reset
}

TEST_CASE("instance pool: a shared memory is never reused") {
  auto pool = make_pool(test::compile_wasm("pool_shared"));
  CHECK_FALSE(pool->pooled(0));
  auto a = pooled(*pool);
  CHECK(a->memory(0)->shared());
  call(*a, "poke", {Value::i32(20), Value::i32('X')});
  auto b = pooled(*pool);
  CHECK(b->memory(0) != a->memory(0));
  CHECK(call(*b, "load8", {Value::i32(20)}) == 's');
  CHECK(call(*a, "load8", {Value::i32(20)}) == 'X');
}

TEST_CASE("instance pool: threads instantiating and dropping at once") {
  auto module = test::compile_wasm("pool_data");
  auto pool = make_pool(module);
  auto fresh = test::instantiate(module);
  const uint64_t want = call(*fresh, "checksum");
  constexpr int kThreads = 8;
  constexpr int kRounds = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        auto inst = pool->instantiate();
        if (!inst.ok()) {
          ++failures;
          continue;
        }
        auto sum = (*inst)->call("checksum", {});
        auto start_count = (*inst)->call("load8", std::vector<Value>{Value::i32(100)});
        if (!sum.ok() || (*sum)[0].lo != want || !start_count.ok() || (*start_count)[0].lo != 1) ++failures;
        if (!(*inst)->call("scribble", std::vector<Value>{Value::i32(static_cast<uint32_t>((t + i) % 4))}).ok())
          ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures.load() == 0);
  // At most one memory per thread is ever in use or being reset.
  CHECK(pool->pool_of(0)->created_count() <= kThreads);
  CHECK(pool->pool_of(0)->idle_count() == pool->pool_of(0)->created_count());
}

}  // namespace
}  // namespace tern
