// The code cache (jit/code_cache.h): a miss compiles and stores, a hit compiles nothing; a file
// damaged anywhere (header, offsets, code, checksum), truncated, from another tern version or
// CPU is refused with one warning, the module compiles again and the entry is rewritten;
// concurrent writers leave one complete file; the least recently used entries are evicted.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <thread>

#include "jit/code_cache.h"
#include "jit/code_registry.h"
#include "tests/cache/cache_util.h"

namespace tern {
namespace {

constexpr size_t kHeaderBytes = 96;  // jit/code_cache.cpp, FileHeader

struct Opened {
  std::unique_ptr<CodeCache> cache;
  std::vector<std::string> warnings;
};

std::unique_ptr<Opened> open_cache(const std::string& dir, uint64_t max_bytes = CodeCache::kDefaultMaxBytes) {
  auto o = std::make_unique<Opened>();
  auto cache = CodeCache::open(dir, max_bytes);
  REQUIRE_MESSAGE(cache.ok(), cache.error().message());
  o->cache = std::move(*cache);
  o->cache->set_warning_handler([w = &o->warnings](std::string_view m) { w->emplace_back(m); });
  return o;
}

std::shared_ptr<Module> compile(std::span<const uint8_t> bytes, CodeCache& cache) {
  auto m = Module::compile(bytes, DecodeOptions{}, nullptr, &cache);
  if (!m.ok()) FAIL(m.error().message());
  return *m;
}

// The sample module computes what it should, and traps with its function's name.
void check_sample(const std::shared_ptr<Module>& module) {
  auto inst = test::instantiate(module);
  CHECK(test::call_u64(*inst, "fib", {Value::i32(20)}) == 6765);
  CHECK(test::call_u64(*inst, "apply", {Value::i32(0), Value::i32(21)}) == 42);
  CHECK(test::call_u64(*inst, "apply", {Value::i32(1), Value::i32(10)}) == 55);
  CHECK(test::call_u64(*inst, "simd_gt", {Value::i64(5), Value::i64(3)}) == 1);
  CHECK(test::call_u64(*inst, "simd_gt", {Value::i64(uint64_t(-1)), Value::i64(3)}) == 0);
  auto trap = inst->call("boom", {});
  REQUIRE_FALSE(trap.ok());
  CHECK(trap.error().message() == "unreachable");
  CHECK(trap.error().details().find("boom") != std::string::npos);
}

size_t count_files(const std::string& dir, std::string_view suffix) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().ends_with(suffix)) ++n;
  return n;
}

// Fills the cache with the sample's entry and returns its path and bytes.
std::pair<std::string, std::vector<uint8_t>> fill(const std::string& dir, std::span<const uint8_t> wasm) {
  auto o = open_cache(dir);
  compile(wasm, *o->cache);
  std::string path = o->cache->path_for(CodeCache::key_for(wasm, DecodeOptions{}));
  return {path, test::read_bytes(path)};
}

// Loads a damaged entry: one warning naming the file, correct code, the entry rewritten.
void check_refused(const std::string& dir, std::span<const uint8_t> wasm, const std::string& path,
                   const std::vector<uint8_t>& good, std::string_view why) {
  auto o = open_cache(dir);
  check_sample(compile(wasm, *o->cache));
  REQUIRE(o->warnings.size() == 1);
  CHECK(o->warnings[0].find(path) != std::string::npos);
  CHECK_MESSAGE(o->warnings[0].find(why) != std::string::npos, o->warnings[0]);
  CodeCacheStats s = o->cache->stats();
  CHECK(s.rejected == 1);
  CHECK(s.hits == 0);
  CHECK(s.stores == 1);
  CHECK(test::read_bytes(path) == good);  // compiling is deterministic: the same file again
  auto again = open_cache(dir);
  compile(wasm, *again->cache);
  CHECK(again->cache->stats().hits == 1);
  CHECK(again->warnings.empty());
}

// Rewrites the checksum after a deliberate change, so only the changed field is wrong.
void reseal(std::vector<uint8_t>& file) {
  Digest256 sum = Sha256::of({file.data(), file.size() - 32});
  std::memcpy(file.data() + file.size() - 32, sum.data(), 32);
}

void check_sha256_vectors() {
  auto hex = [](std::string_view s) { return to_hex(Sha256::of({reinterpret_cast<const uint8_t*>(s.data()), s.size()})); };
  CHECK(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::string million(1000000, 'a');
  Sha256 h;  // in uneven pieces, across block boundaries
  for (size_t at = 0; at < million.size(); at += 777)
    h.update(million.data() + at, std::min<size_t>(777, million.size() - at));
  CHECK(to_hex(h.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256 matches the FIPS 180-4 examples, with and without the SHA instructions") {
  bool hardware = Sha256::use_hardware(true);
  MESSAGE("SHA instructions: " << (hardware ? "used" : "not available"));
  check_sha256_vectors();
  CHECK_FALSE(Sha256::use_hardware(false));
  check_sha256_vectors();
  Sha256::use_hardware(true);
}

TEST_CASE("a miss compiles and stores; a hit loads the code without compiling") {
  test::TempDir dir;
  auto wasm = test::read_wasm("cache_sample");
  {
    auto o = open_cache(dir.path());
    check_sample(compile(wasm, *o->cache));
    CodeCacheStats s = o->cache->stats();
    CHECK(s.misses == 1);
    CHECK(s.hits == 0);
    CHECK(s.stores == 1);
  }
  CHECK(count_files(dir.path(), ".tcode") == 1);
  CHECK(count_files(dir.path(), ".tmp") == 0);
  auto o = open_cache(dir.path());  // another CodeCache on the directory: as another process would
  check_sample(compile(wasm, *o->cache));
  CodeCacheStats s = o->cache->stats();
  CHECK(s.hits == 1);
  CHECK(s.misses == 0);
  CHECK(s.stores == 0);  // nothing was compiled, so nothing was stored
  CHECK(o->warnings.empty());

  // Other options are another key: a miss.
  DecodeOptions no_simd;
  no_simd.features.simd = false;
  CHECK(CodeCache::key_for(wasm, no_simd) != CodeCache::key_for(wasm, DecodeOptions{}));
  std::vector<uint8_t> other = wasm;
  other.push_back(0);  // different bytes (not a valid module; only the key matters here)
  CHECK(CodeCache::key_for(other, DecodeOptions{}) != CodeCache::key_for(wasm, DecodeOptions{}));
}

TEST_CASE("a corrupt byte in any region of the file is refused with one warning and recompiled") {
  test::TempDir dir;
  auto wasm = test::read_wasm("cache_sample");
  auto [path, good] = fill(dir.path(), wasm);
  uint32_t functions = 0, code_bytes = 0;
  std::memcpy(&functions, good.data() + 72, 4);
  std::memcpy(&code_bytes, good.data() + 80, 4);
  REQUIRE(functions == 5);
  const size_t code_at = kHeaderBytes + 8 * functions;
  REQUIRE(good.size() == code_at + code_bytes + 32);
  struct Region {
    const char* name;
    size_t offset;
    const char* why;
  };
  const Region regions[] = {
      {"magic", 0, "not a tern code cache file"},
      {"format version", 8, "format version"},
      {"header size", 12, "header describes"},
      {"key", 16 + 7, "checksum"},
      {"tern version", 48, "checksum"},
      {"cpu features", 64, "checksum"},
      {"function count", 72, "header describes"},
      {"imported function count", 76, "checksum"},
      {"code size", 80, "header describes"},
      {"relocation count", 84, "checksum"},
      {"reserved", 88, "checksum"},
      {"function offsets", kHeaderBytes + 4 * 1, "checksum"},
      {"function ends", kHeaderBytes + 4 * functions + 4 * 2, "checksum"},
      {"first code byte", code_at, "checksum"},
      {"middle of the code", code_at + code_bytes / 2, "checksum"},
      {"last code byte", code_at + code_bytes - 1, "checksum"},
      {"first checksum byte", good.size() - 32, "checksum"},
      {"last checksum byte", good.size() - 1, "checksum"},
  };
  for (const Region& r : regions) {
    CAPTURE(r.name);
    std::vector<uint8_t> bad = good;
    bad[r.offset] ^= 0x5a;
    test::write_bytes(path, bad);
    check_refused(dir.path(), wasm, path, good, r.why);
  }
}

TEST_CASE("a truncated file is refused with one warning and recompiled") {
  test::TempDir dir;
  auto wasm = test::read_wasm("cache_sample");
  auto [path, good] = fill(dir.path(), wasm);
  for (size_t size : {size_t{0}, size_t{10}, kHeaderBytes, kHeaderBytes + 40, good.size() / 2, good.size() - 1}) {
    CAPTURE(size);
    test::write_bytes(path, std::vector<uint8_t>(good.begin(), good.begin() + static_cast<ptrdiff_t>(size)));
    check_refused(dir.path(), wasm, path, good, "truncated");
  }
  // A longer file (garbage appended) is refused too.
  std::vector<uint8_t> longer = good;
  longer.push_back(0);
  test::write_bytes(path, longer);
  check_refused(dir.path(), wasm, path, good, "header describes");
}

TEST_CASE("a file from another tern version, format, CPU or module is refused with one warning") {
  test::TempDir dir;
  auto wasm = test::read_wasm("cache_sample");
  auto [path, good] = fill(dir.path(), wasm);

  std::vector<uint8_t> version = good;
  std::memset(version.data() + 48, 0, 16);
  std::memcpy(version.data() + 48, "0.0.1-other", 11);
  reseal(version);
  test::write_bytes(path, version);
  check_refused(dir.path(), wasm, path, good, "written by tern 0.0.1-other");

  std::vector<uint8_t> format = good;
  format[8] = 99;
  reseal(format);
  test::write_bytes(path, format);
  check_refused(dir.path(), wasm, path, good, "format version 99");

  std::vector<uint8_t> cpu = good;
  cpu[64] ^= 0x04;  // SSE4.2 on the other machine and not here, or the reverse
  reseal(cpu);
  test::write_bytes(path, cpu);
  check_refused(dir.path(), wasm, path, good, "CPU");

  // Another module's valid file under this module's name.
  auto other_wasm = test::read_wasm("other_sample");
  auto [other_path, other_file] = fill(dir.path(), other_wasm);
  test::write_bytes(path, other_file);
  check_refused(dir.path(), wasm, path, good, "key mismatch");
}

TEST_CASE("eight concurrent writers of one module leave one complete entry") {
  test::TempDir dir;
  auto wasm = test::read_wasm("cache_sample");
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&] {
      auto cache = CodeCache::open(dir.path());
      if (!cache.ok()) return void(failures.fetch_add(1));
      auto m = Module::compile(wasm, DecodeOptions{}, nullptr, cache->get());
      if (!m.ok()) return void(failures.fetch_add(1));
    });
  }
  for (auto& t : writers) t.join();
  CHECK(failures.load() == 0);
  CHECK(count_files(dir.path(), ".tcode") == 1);
  CHECK(count_files(dir.path(), ".tmp") == 0);
  auto o = open_cache(dir.path());
  check_sample(compile(wasm, *o->cache));
  CHECK(o->cache->stats().hits == 1);
  CHECK(o->warnings.empty());
}

TEST_CASE("over its size limit the cache evicts the least recently used entries") {
  auto a = test::read_wasm("cache_sample");
  auto b = test::read_wasm("other_sample");
  auto c = test::read_wasm("lt_main");
  test::TempDir sizes;
  uint64_t total = 0;
  for (auto* w : {&a, &b, &c}) total += fill(sizes.path(), *w).second.size();

  test::TempDir dir;
  auto o = open_cache(dir.path(), total - 1);  // room for any two entries, not all three
  compile(a, *o->cache);
  compile(b, *o->cache);
  auto path_of = [&](const std::vector<uint8_t>& w) { return o->cache->path_for(CodeCache::key_for(w, DecodeOptions{})); };
  auto set_mtime = [](const std::string& p, time_t t) {
    timespec times[2] = {{t, 0}, {t, 0}};
    REQUIRE(utimensat(AT_FDCWD, p.c_str(), times, 0) == 0);
  };
  set_mtime(path_of(a), 1000);  // a is older than b...
  set_mtime(path_of(b), 2000);
  compile(a, *o->cache);  // ...but a hit makes it the most recently used
  CHECK(o->cache->stats().hits == 1);
  compile(c, *o->cache);  // over the limit: b goes
  CHECK(o->cache->stats().evicted == 1);
  CHECK(std::filesystem::exists(path_of(a)));
  CHECK_FALSE(std::filesystem::exists(path_of(b)));
  CHECK(std::filesystem::exists(path_of(c)));
  CHECK(o->warnings.empty());
}

TEST_CASE("cached code is unmapped when its last module goes") {
  test::TempDir dir;
  auto wasm = test::read_wasm("cache_sample");
  fill(dir.path(), wasm);
  size_t before = registered_code_count();
  std::weak_ptr<CodeObject> code;
  {
    auto o = open_cache(dir.path());
    auto m = compile(wasm, *o->cache);
    REQUIRE(o->cache->stats().hits == 1);
    code = m->code();
    CHECK(registered_code_count() == before + 1);
    check_sample(m);
  }
  CHECK(code.expired());
  CHECK(registered_code_count() == before);
}

}  // namespace
}  // namespace tern
