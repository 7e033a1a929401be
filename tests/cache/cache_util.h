// Test helpers for tests/cache: the WAT modules meson compiled (TERN_CACHE_WASM_DIR), a
// temporary directory, and calls with checked results.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/runtime/runtime.h"

namespace tern::test {

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE_MESSAGE(out.good(), "cannot write " << path);
}

inline std::vector<uint8_t> read_wasm(std::string_view name) {
  return read_bytes(std::string(TERN_CACHE_WASM_DIR) + "/" + std::string(name) + ".wasm");
}

// A fresh directory under /tmp, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/tern-cache-test-XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::shared_ptr<Instance> instantiate(const std::shared_ptr<Module>& module, std::span<const Extern> imports = {}) {
  auto instance = Instance::instantiate(module, imports);
  if (!instance.ok()) FAIL(instance.error().message());
  return *instance;
}

inline uint64_t call_u64(Instance& instance, std::string_view name, std::vector<Value> args) {
  auto r = instance.call(name, args);
  if (!r.ok()) FAIL(name << ": " << r.error().message() << "\n" << r.error().details());
  return r->empty() ? 0 : (*r)[0].lo;
}

}  // namespace tern::test
