// Wasm backtraces on traps: innermost first, named from the name section, recorded on both
// trap paths (a JIT trap stub calling tern_raise_trap, and a fault caught by the handler).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "wasm_util.h"

namespace tern {
namespace {

// "#<i> wasm function <index> "<name>" (+0x" at the start of a frame line.
std::string frame_prefix(size_t i, uint32_t func, const char* name) {
  std::string s = "#" + std::to_string(i) + " wasm function " + std::to_string(func);
  if (name != nullptr) s += " \"" + std::string(name) + "\"";
  return s + " (+0x";
}

void check_three_frames(const Error& e) {
  INFO("details:\n" << e.details());
  auto frames = test::lines(e.details());
  REQUIRE(frames.size() == 3);
  CHECK(frames[0].starts_with(frame_prefix(0, 2, "inner")));
  CHECK(frames[1].starts_with(frame_prefix(1, 1, "middle")));
  CHECK(frames[2].starts_with(frame_prefix(2, 0, "outer")));
  CHECK(frames[0].ends_with(") in module \"bt\""));
}

TEST_CASE("a trap three calls deep lists the three functions, innermost first, by name") {
  auto module = test::compile_wasm("backtrace");
  auto instance = test::instantiate(module);

  SUBCASE("unreachable: raised by a trap stub") {
    Error e = test::call_error(*instance, "outer", {Value::i32(0)});
    CHECK(e.kind() == ErrorKind::Trap);
    CHECK(e.message() == "unreachable");  // the backtrace stays out of the message
    check_three_frames(e);
  }
  SUBCASE("out of bounds load: a fault caught by the signal handler") {
    Error e = test::call_error(*instance, "outer", {Value::i32(70000)});
    CHECK(e.message() == "out of bounds memory access");
    check_three_frames(e);
  }
  SUBCASE("a function without a name is shown by index") {
    Error e = test::call_error(*instance, "unnamed_entry", {});
    auto frames = test::lines(e.details());
    REQUIRE(frames.size() == 3);
    CHECK(frames[0].starts_with(frame_prefix(0, 2, "inner")));
    CHECK(frames[1].starts_with(frame_prefix(1, 1, "middle")));
    CHECK(frames[2].starts_with(frame_prefix(2, 3, nullptr)));
  }
  SUBCASE("the offsets differ between the two trap sites") {
    Error stub = test::call_error(*instance, "outer", {Value::i32(0)});
    Error fault = test::call_error(*instance, "outer", {Value::i32(70000)});
    CHECK(test::lines(stub.details())[0] != test::lines(fault.details())[0]);
    CHECK(test::lines(stub.details())[1] == test::lines(fault.details())[1]);  // same return address
  }
  // After all that, a successful call.
  CHECK(test::call_u64(*instance, "outer", {Value::i32(16)}) == 3);
}

TEST_CASE("a normal return leaves no details and a call error from the host side has none") {
  auto module = test::compile_wasm("backtrace");
  auto instance = test::instantiate(module);
  auto ok = instance->call("outer", std::vector<Value>{Value::i32(4)});
  REQUIRE(ok.ok());
  auto bad = instance->call("outer", std::vector<Value>{Value::i64(4)});  // wrong argument type
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind() == ErrorKind::Usage);
  CHECK(bad.error().details().empty());
}

}  // namespace
}  // namespace tern
