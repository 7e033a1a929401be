// Test helper: compiles a module that meson built into TERN_THREADS_WASM_DIR from wat/.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "host/runtime/runtime.h"

namespace tern::test {

inline std::shared_ptr<Module> compile_threads_wasm(const std::string& name) {
  const std::string path = std::string(TERN_THREADS_WASM_DIR) + "/" + name + ".wasm";
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot open ", path);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto m = Module::compile(bytes);
  REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message()));
  return *m;
}

}  // namespace tern::test
