// Test helper: load the WAT modules meson compiled (TERN_RUNTIME_WASM_DIR), instantiate them,
// and call exports with i32/i64 arguments.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/runtime/runtime.h"

namespace tern::test {

inline std::vector<uint8_t> read_wasm(std::string_view name) {
  const std::string path = std::string(TERN_RUNTIME_WASM_DIR) + "/" + std::string(name) + ".wasm";
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Compiles tests/runtime/wat/<name>.wat (as built by meson); fails the test on an error.
inline std::shared_ptr<Module> compile_wasm(std::string_view name) {
  auto bytes = read_wasm(name);
  auto module = Module::compile(bytes);
  if (!module.ok()) FAIL(name << ": " << module.error().message());
  return *module;
}

inline std::shared_ptr<Instance> instantiate(const std::shared_ptr<Module>& module,
                                             std::span<const Extern> imports = {}) {
  auto instance = Instance::instantiate(module, imports);
  if (!instance.ok()) FAIL(instance.error().message());
  return *instance;
}

// The first result of a call as an integer; fails the test if the call failed.
inline uint64_t call_u64(Instance& instance, std::string_view name, std::vector<Value> args) {
  auto r = instance.call(name, args);
  if (!r.ok()) FAIL(name << ": " << r.error().message() << "\n" << r.error().details());
  return r->empty() ? 0 : (*r)[0].lo;
}

// The Error of a call that must fail.
inline Error call_error(Instance& instance, std::string_view name, std::vector<Value> args) {
  auto r = instance.call(name, args);
  if (r.ok()) FAIL(name << " was expected to fail");
  return r.error();
}

// Lines of a multi-line string (no trailing empty line).
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace tern::test
