// embed-cpp: a C++ program that embeds tern through its public API (tern/tern.hpp).
//
//   embed-cpp GUEST.wasm
//
// It compiles the guest (samples/embed-cpp/guest.c), gives it two host functions and WASI,
// calls its exports with typed signatures, passes it a buffer allocated in guest memory, and
// handles a trap. Every step's failure is a tern::Error, printed with its kind; nothing throws.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <tern/tern.hpp>

namespace {

tern::Result<std::vector<uint8_t>> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return tern::Error(tern::ErrorKind::Io) << "cannot open " << path;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

tern::Status run(const char* path) {
  // 1. An engine with its own two compile threads and a 16 MiB bound on guest memories.
  tern::EngineConfig config;
  config.worker_threads = 2;
  config.max_memory_pages = 256;
  TERN_TRY(tern::Engine engine, tern::Engine::create(config));
  TERN_TRY(std::vector<uint8_t> bytes, read_file(path));
  TERN_TRY(std::shared_ptr<tern::Module> module, tern::Module::compile(engine, bytes));

  // 2. Imports: host functions (types deduced from the lambdas) and WASI.
  tern::Linker linker(engine);
  TERN_TRY_STATUS(linker.func("env", "host_scale", [](int32_t x) { return x * 3; }));
  TERN_TRY_STATUS(linker.func("env", "host_log", [](tern::Caller& caller, uint32_t ptr, uint32_t len) -> tern::Status {
    TERN_TRY(tern::Memory memory, caller.memory("memory"));
    TERN_TRY(std::span<uint8_t> text, memory.span(ptr, len));  // checked: never a wild pointer
    std::cout << "guest says: " << std::string_view(reinterpret_cast<const char*>(text.data()), text.size()) << std::endl;
    return {};
  }));
  tern::wasi::WasiConfig wasi_config;
  wasi_config.args = {"guest"};
  TERN_TRY(auto wasi, tern::wasi::Wasi::create(wasi_config));
  TERN_TRY_STATUS(linker.define_wasi(wasi));

  // 3. Instantiate (a reactor: _initialize runs here).
  TERN_TRY(std::shared_ptr<tern::Instance> instance, linker.instantiate(module));

  // 4. Typed calls.
  TERN_TRY(auto add_scaled, instance->func<int32_t(int32_t, int32_t)>("add_scaled"));
  TERN_TRY(int32_t sum, add_scaled(4, 2));
  std::cout << "add_scaled(4, 2) = " << sum << std::endl;
  TERN_TRY(auto hello, instance->func<void()>("hello"));
  TERN_TRY_STATUS(hello());

  // 5. A buffer in guest memory: written by the host, read and changed by the guest.
  const std::string text = "the quick brown fox jumps over the lazy dog";
  const auto len = static_cast<uint32_t>(text.size());
  TERN_TRY(tern::GuestBuffer buffer, tern::module_malloc(*instance, len));
  std::copy(text.begin(), text.end(), buffer.native);
  TERN_TRY(auto count_words, instance->func<int32_t(uint32_t, uint32_t)>("count_words"));
  TERN_TRY(int32_t words, count_words(buffer.offset, len));
  std::cout << "count_words = " << words << std::endl;
  TERN_TRY(auto shout, instance->func<void(uint32_t, uint32_t)>("shout"));
  TERN_TRY_STATUS(shout(buffer.offset, len));
  std::cout << "shout: " << std::string_view(reinterpret_cast<const char*>(buffer.native), len) << std::endl;
  TERN_TRY_STATUS(tern::module_free(*instance, buffer.offset));

  // 6. A trap is an Error value; the instance stays usable afterwards.
  TERN_TRY(auto divide, instance->func<int32_t(int32_t, int32_t)>("divide"));
  auto quotient = divide(7, 0);
  if (quotient.ok()) return tern::Error(tern::ErrorKind::Internal, "divide(7, 0) did not trap");
  std::optional<tern::Trap> trap = tern::as_trap(quotient.error());
  if (!trap) return std::move(quotient).error();
  std::cout << "divide(7, 0) trapped: " << trap->message << std::endl;
  std::cout << "  innermost frame: " << trap->backtrace.substr(0, trap->backtrace.find('\n')) << std::endl;
  TERN_TRY(int32_t q, divide(7, 2));
  std::cout << "divide(7, 2) = " << q << std::endl;
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: embed-cpp GUEST.wasm\n";
    return 2;
  }
  tern::Status st = run(argv[1]);
  if (!st.ok()) {
    std::cerr << "embed-cpp: " << tern::to_string(st.error().kind()) << ": " << st.error().message() << "\n";
    if (!st.error().details().empty()) std::cerr << st.error().details() << "\n";
    return 1;
  }
  return 0;
}
