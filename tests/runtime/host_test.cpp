// Host functions: their errors come back from Instance::call unchanged (through one or more
// wasm frames); a host function may call into wasm again, and a trap there stays inside.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "wasm_util.h"

namespace tern {
namespace {

const FuncType kI32ToI32{{ValType::I32}, {ValType::I32}};

Extern func_extern(const std::shared_ptr<HostFunc>& f) {
  Extern e;
  e.kind = ExternKind::Func;
  e.func = &f->ref;
  e.func_type = &f->type;
  e.owner = f;
  return e;
}

TEST_CASE("a host function's Error propagates out of Instance::call") {
  // Odd arguments fail with a usage error; even ones return twice the argument.
  auto host = HostFunc::make(kI32ToI32, [](Caller&, std::span<const Value> args, std::span<Value> results) -> Status {
    if (args[0].lo % 2 == 1) return Error(ErrorKind::Usage, "boom");
    results[0] = Value::i32(static_cast<uint32_t>(args[0].lo * 2));
    return {};
  });
  auto module = test::compile_wasm("host");
  const Extern imports[] = {func_extern(host)};
  auto instance = test::instantiate(module, imports);

  for (const char* entry : {"call_host", "nested"}) {
    CAPTURE(entry);
    Error e = test::call_error(*instance, entry, {Value::i32(3)});
    CHECK(e.kind() == ErrorKind::Usage);
    CHECK(e.message() == "boom");
    CHECK(test::call_u64(*instance, entry, {Value::i32(4)}) == 1008);
  }
  // Called directly from the host, without wasm frames in between.
  auto direct = Instance::call_ref(host->ref, host->type, std::vector<Value>{Value::i32(5)});
  REQUIRE_FALSE(direct.ok());
  CHECK(direct.error().message() == "boom");
}

TEST_CASE("a trap in wasm called from a host function unwinds only to that host function") {
  auto trapper = test::instantiate(test::compile_wasm("traps"));
  std::string inner_message;
  std::string inner_details;
  auto host = HostFunc::make(kI32ToI32, [&](Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    // No doctest REQUIRE here: it would throw through wasm frames.
    if (caller.instance == nullptr) return Error(ErrorKind::Internal, "no calling instance");
    {
      auto r = trapper->call("div", std::vector<Value>{Value::i32(static_cast<uint32_t>(args[0].lo)), Value::i32(0)});
      if (!r.ok()) {
        inner_message = r.error().message();
        inner_details = r.error().details();
      }
    }
    results[0] = Value::i32(7);
    return {};
  });
  auto module = test::compile_wasm("host");
  const Extern imports[] = {func_extern(host)};
  auto instance = test::instantiate(module, imports);
  CHECK(test::call_u64(*instance, "nested", {Value::i32(1)}) == 1007);
  CHECK(inner_message == "integer divide by zero");
  // Only the inner activation's frames: "div", then the walk stops at its entry trampoline.
  auto frames = test::lines(inner_details);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].starts_with("#0 wasm function 0 (+0x"));
}

}  // namespace
}  // namespace tern
