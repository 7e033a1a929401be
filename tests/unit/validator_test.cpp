// Function bodies: bytes in, verdict out. Each case is one function in a small module,
// validated by decode_module (and, where noted, by validate_function on its own).
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "jit/module.h"
#include "test_util.h"

namespace tern {
namespace {

using namespace tern::test;

// Opcodes used below, spelled once.
enum : uint8_t {
  kUnreachable = 0x00, kNop = 0x01, kBlock = 0x02, kLoop = 0x03, kIf = 0x04, kElse = 0x05, kEnd = 0x0b,
  kBr = 0x0c, kBrIf = 0x0d, kBrTable = 0x0e, kReturn = 0x0f, kCall = 0x10, kCallIndirect = 0x11,
  kReturnCall = 0x12, kDrop = 0x1a, kSelect = 0x1b, kSelectT = 0x1c, kLocalGet = 0x20, kLocalSet = 0x21,
  kLocalTee = 0x22, kGlobalGet = 0x23, kGlobalSet = 0x24, kI32Load = 0x28, kI64Load = 0x29, kI32Store = 0x36,
  kI32Load8U = 0x2d, kMemorySize = 0x3f, kMemoryGrow = 0x40, kI32Const = 0x41, kI64Const = 0x42,
  kF32Const = 0x43, kI32Eqz = 0x45, kI32Add = 0x6a, kI64Add = 0x7c, kRefNull = 0xd0, kRefIsNull = 0xd1,
  kRefFunc = 0xd2, kPrefixFC = 0xfc, kPrefixSimd = 0xfd, kPrefixAtomic = 0xfe, kVoid = 0x40,
};

// A function's module; `code` is the body expression including its final end.
struct Case {
  Bytes params;
  Bytes results;
  Bytes code;
  Bytes locals = no_locals();
  int mem_pages = -1;
  bool data_count = false;
};

Bytes build(const Case& c) {
  return func_module(FuncModule{c.params, c.results, c.locals, c.code, c.mem_pages, c.data_count});
}

// Offset of the code's first byte in build(c) (the code section ends the module unless
// a data section follows it).
size_t code_offset(const Case& c) {
  return build(c).size() - c.code.size() - (c.data_count ? section(kData, {0x00}).size() : 0);
}

void valid(const Case& c, const DecodeOptions& o = {}) { expect_ok(build(c), o); }

void invalid(const Case& c, std::string_view key, const DecodeOptions& o = {}) {
  auto r = decode(build(c), o);
  expect_error(r, ErrorKind::Invalid, key);
  if (!r.ok()) {
    CHECK(contains(r.error().message(), "function 0"));
    CHECK(contains(r.error().message(), "section 10"));
  }
}

void malformed(const Case& c, std::string_view key, const DecodeOptions& o = {}) {
  expect_error(decode(build(c), o), ErrorKind::Malformed, key);
}

// Invalid, and the error's offset is that of the byte at code[at].
void invalid_at(const Case& c, std::string_view key, size_t at) {
  auto r = decode(build(c));
  expect_error(r, ErrorKind::Invalid, key);
  expect_offset(r, code_offset(c) + at);
}

const Bytes kNone = {};

TEST_CASE("valid bodies") {
  valid({kNone, kNone, {kEnd}});
  valid({{kI32, kI32}, {kI32}, {kLocalGet, 0, kLocalGet, 1, kI32Add, kEnd}});
  valid({kNone, {kI32}, {kI32Const, 0x7f, kEnd}});
  valid({kNone, {kI64}, {kI64Const, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f, kEnd}});
  valid({kNone, kNone, {kBlock, kVoid, kBr, 0, kEnd, kEnd}});
  valid({kNone, {kI32}, {kBlock, kI32, kI32Const, 1, kEnd, kEnd}});
  valid({kNone, {kI32}, {kLoop, kI32, kI32Const, 1, kEnd, kEnd}});
  valid({{kI32}, {kI32}, {kLocalGet, 0, kIf, kI32, kI32Const, 1, kElse, kI32Const, 2, kEnd, kEnd}});
  valid({kNone, kNone, {kNop, kNop, kEnd}});
  valid({kNone, {kI32}, {kUnreachable, kEnd}});
  valid({kNone, {kI32}, {kUnreachable, kI32Add, kEnd}});          // polymorphic stack
  valid({kNone, {kI32}, {kI32Const, 0, kReturn, kI64Add, kDrop, kI32Const, 0, kEnd}});
  valid({kNone, {kI32}, {kI32Const, 1, kReturn, kEnd}});
  valid({{kI32}, kNone, {kBlock, kVoid, kLocalGet, 0, kBrTable, 2, 0, 0, 0, kEnd, kEnd}});
  valid({kNone, {kI32}, {kI32Const, 1, kI32Const, 2, kI32Const, 0, kSelect, kEnd}});
  valid({kNone, {kFuncRef}, {kRefNull, kFuncRef, kRefNull, kFuncRef, kI32Const, 0, kSelectT, 1, kFuncRef, kEnd}});
  valid({kNone, {kI32}, {kRefNull, kExternRef, kRefIsNull, kEnd}});
  valid({kNone, kNone, {kLocalGet, 1, kLocalSet, 0, kEnd}, {0x01, 0x02, kI32}});
  valid({kNone, {kI32}, {kMemorySize, 0x00, kEnd}, no_locals(), 1});
  valid({{kI32}, {kI32}, {kLocalGet, 0, kI32Load, 0x02, 0x00, kEnd}, no_locals(), 1});
  valid({{kI32}, {kI32}, {kLocalGet, 0, kI32Load, 0x00, 0x10, kEnd}, no_locals(), 1});  // align 1 is fine
  valid({kNone, kNone, {kBlock, kVoid, kI32Const, 0, kBrIf, 0, kEnd, kEnd}});
}

TEST_CASE("ref.func needs a declared function") {
  // Without an export, element segment or global naming function 0, ref.func 0 is invalid.
  auto r = decode(build({kNone, kNone, {kRefFunc, 0, kDrop, kEnd}}));
  expect_error(r, ErrorKind::Invalid, "undeclared function reference");

  // An export declares it.
  Bytes ok = wasm_module({section(kType, vec({func_type({}, {})})), section(kFunction, vec({{0x00}})),
                          section(kExport, vec({cat({str("f"), {0x00, 0x00}})})),
                          section(kCode, vec({body(no_locals(), {kRefFunc, 0, kDrop, kEnd})}))});
  expect_ok(ok);
  // So does a declarative element segment.
  Bytes decl = wasm_module({section(kType, vec({func_type({}, {})})), section(kFunction, vec({{0x00}})),
                            section(kElement, vec({{0x03, 0x00, 0x01, 0x00}})),
                            section(kCode, vec({body(no_locals(), {kRefFunc, 0, kDrop, kEnd})}))});
  expect_ok(decl);
  expect_invalid(build({kNone, kNone, {kRefFunc, 5, kDrop, kEnd}}), "unknown function");
}

TEST_CASE("type mismatches") {
  invalid_at({{kI64}, {kI32}, {kLocalGet, 0, kI32Const, 1, kI32Add, kEnd}}, "type mismatch", 4);
  invalid({kNone, {kI32}, {kI32Add, kEnd}}, "type mismatch");
  invalid({kNone, {kI32}, {kEnd}}, "type mismatch");
  invalid({kNone, {kI32}, {kI64Const, 0, kEnd}}, "type mismatch");
  invalid({kNone, kNone, {kI32Const, 0, kEnd}}, "type mismatch");
  invalid({kNone, kNone, {kBlock, kI32, kEnd, kDrop, kEnd}}, "type mismatch");
  invalid({kNone, kNone, {kBlock, kVoid, kI32Const, 0, kEnd, kEnd}}, "type mismatch");
  invalid({{kI32}, {kI32}, {kLocalGet, 0, kIf, kI32, kI32Const, 1, kEnd, kEnd}}, "type mismatch");  // if without else
  invalid({kNone, kNone, {kI64Const, 0, kIf, kVoid, kEnd, kEnd}}, "type mismatch");
  invalid({kNone, kNone, {kI64Const, 0, kLocalSet, 0, kEnd}, {0x01, 0x01, kI32}}, "type mismatch");
  invalid({kNone, {kI32}, {kF32Const, 0, 0, 0, 0, kI32Eqz, kEnd}}, "type mismatch");
  invalid({kNone, {kI32}, {kI32Const, 1, kI64Const, 2, kI32Const, 0, kSelect, kEnd}}, "type mismatch");
  invalid({kNone, {kI32}, {kBlock, kI32, kI64Const, 0, kBr, 0, kEnd, kEnd}}, "type mismatch");
  invalid({kNone, kNone, {kBrIf, 0, kEnd}}, "type mismatch");  // no condition
}

TEST_CASE("blocks with type-index block types, br_table arities") {
  // Type 1 is [i32] -> [i32]: an if with params and no else is valid when params == results.
  Bytes types = section(kType, vec({func_type({kI32}, {kI32}), func_type({kI32}, {kI32})}));
  auto one_func = [&](Bytes code) {
    return wasm_module({types, section(kFunction, vec({{0x00}})), section(kCode, vec({body(no_locals(), code)}))});
  };
  expect_ok(one_func({kLocalGet, 0, kLocalGet, 0, kIf, 0x01, kI32Const, 1, kI32Add, kEnd, kEnd}));
  expect_ok(one_func({kLocalGet, 0, kLocalGet, 0, kIf, 0x01, kEnd, kEnd}));
  expect_ok(one_func({kLocalGet, 0, kBlock, 0x01, kEnd, kEnd}));
  expect_ok(one_func({kLocalGet, 0, kLoop, 0x01, kEnd, kEnd}));
  expect_invalid(one_func({kBlock, 0x01, kEnd, kEnd}), "type mismatch");  // the block's param is missing
  // br_table to labels of different arity or type.
  invalid({{kI32}, {kI32},
           {kBlock, kI32, kBlock, kI64, kI32Const, 0, kLocalGet, 0, kBrTable, 1, 0, 1, kEnd, kDrop, kI32Const, 0, kEnd, kEnd}},
          "type mismatch");
  invalid({{kI32}, kNone, {kBlock, kI32, kLocalGet, 0, kBrTable, 1, 0, 1, kEnd, kDrop, kEnd}}, "type mismatch");
  // In unreachable code, labels of one arity but different types are fine (br_table.wast "meet-bottom").
  valid({kNone, kNone,
         {kBlock, kF32, kBlock, kI64, kUnreachable, kBrTable, 1, 0, 1, kEnd, kDrop, kF32Const, 0, 0, 0, 0, kEnd, kDrop, kEnd}});
}

TEST_CASE("multi-value results and return") {
  valid({kNone, {kI32, kI64}, {kI32Const, 1, kI64Const, 2, kEnd}});
  valid({kNone, {kI32, kI64}, {kI32Const, 1, kI64Const, 2, kReturn, kEnd}});
  invalid({kNone, {kI32, kI64}, {kI64Const, 1, kI32Const, 2, kEnd}}, "type mismatch");
  invalid({kNone, {kI32, kI64}, {kI64Const, 2, kReturn, kEnd}}, "type mismatch");
}

TEST_CASE("select without a type on reference operands") {
  invalid({kNone, kNone, {kRefNull, kFuncRef, kRefNull, kFuncRef, kI32Const, 0, kSelect, kDrop, kEnd}}, "select");
  invalid({kNone, kNone, {kRefNull, kFuncRef, kRefNull, kFuncRef, kI32Const, 0, kSelect, kDrop, kEnd}}, "type mismatch");
  // select t with zero or two types is invalid.
  CHECK_FALSE(decode(build({kNone, {kI32}, {kI32Const, 1, kI32Const, 2, kI32Const, 0, kSelectT, 2, kI32, kI32, kEnd}})).ok());
  CHECK_FALSE(decode(build({kNone, {kI32}, {kI32Const, 1, kI32Const, 2, kI32Const, 0, kSelectT, 0, kEnd}})).ok());
}

TEST_CASE("unknown locals, globals, functions, types, labels, tables, memories") {
  invalid_at({{kI32}, {kI32}, {kLocalGet, 1, kEnd}}, "unknown local", 0);
  invalid({kNone, kNone, {kI32Const, 0, kLocalSet, 2, kEnd}, {0x01, 0x02, kI32}}, "unknown local");
  invalid({kNone, kNone, {kI32Const, 0, kLocalTee, 0, kDrop, kEnd}}, "unknown local");
  invalid({kNone, {kI32}, {kGlobalGet, 0, kEnd}}, "unknown global");
  invalid({kNone, kNone, {kI32Const, 0, kGlobalSet, 0, kEnd}}, "unknown global");
  invalid({kNone, kNone, {kCall, 1, kEnd}}, "unknown function");
  invalid({kNone, kNone, {kBlock, 0x05, kEnd, kEnd}}, "unknown type");
  invalid({kNone, kNone, {kBr, 1, kEnd}}, "unknown label");
  invalid_at({kNone, kNone, {kBlock, kVoid, kBlock, kVoid, kBr, 3, kEnd, kEnd, kEnd}}, "unknown label", 4);
  invalid({kNone, kNone, {kI32Const, 0, kBrIf, 0x80, 0x80, 0x80, 0x80, 0x08, kEnd}}, "unknown label");
  invalid({{kI32}, kNone, {kLocalGet, 0, kBrTable, 1, 0, 5, kEnd}}, "unknown label");
  invalid({kNone, kNone, {kI32Const, 0, kCallIndirect, 0x00, 0x00, kEnd}}, "unknown table");
  invalid({kNone, {kI32}, {kI32Const, 0, kI32Load, 0x02, 0x00, kEnd}}, "unknown memory");
  invalid({kNone, {kI32}, {kMemorySize, 0x00, kEnd}}, "unknown memory");
  invalid({kNone, {kI32}, {kI32Const, 1, kMemoryGrow, 0x00, kEnd}}, "unknown memory");
}

TEST_CASE("global.set of an immutable global") {
  Bytes types = section(kType, vec({func_type({}, {})}));
  auto with_global = [&](uint8_t mut) {
    return wasm_module({types, section(kFunction, vec({{0x00}})),
                        section(kGlobal, vec({{kI32, mut, kI32Const, 0, kEnd}})),
                        section(kCode, vec({body(no_locals(), {kI32Const, 1, kGlobalSet, 0, kEnd})}))});
  };
  expect_ok(with_global(0x01));
  expect_invalid(with_global(0x00), "immutable");
}

TEST_CASE("memory alignment") {
  // i32.load's natural alignment is 4 bytes (exponent 2).
  valid({{kI32}, {kI32}, {kLocalGet, 0, kI32Load, 0x02, 0x00, kEnd}, no_locals(), 1});
  invalid_at({{kI32}, {kI32}, {kLocalGet, 0, kI32Load, 0x03, 0x00, kEnd}, no_locals(), 1}, "alignment", 2);
  invalid({{kI32}, {kI32}, {kLocalGet, 0, kI32Load8U, 0x01, 0x00, kEnd}, no_locals(), 1}, "alignment must not be larger than natural");
  invalid({{kI32}, {kI64}, {kLocalGet, 0, kI64Load, 0x04, 0x00, kEnd}, no_locals(), 1}, "alignment");
  invalid({{kI32}, kNone, {kLocalGet, 0, kI32Const, 0, kI32Store, 0x1f, 0x00, kEnd}, no_locals(), 1}, "alignment");
  // v128.load: 16 bytes, exponent 4 at most.
  valid({{kI32}, {kV128}, {kLocalGet, 0, kPrefixSimd, 0x00, 0x04, 0x00, kEnd}, no_locals(), 1});
  invalid({{kI32}, {kV128}, {kLocalGet, 0, kPrefixSimd, 0x00, 0x05, 0x00, kEnd}, no_locals(), 1}, "alignment");
  // An alignment exponent of 32 or more is rejected however it is read (bit 6 is the multi-memory flag).
  CHECK_FALSE(decode(build({{kI32}, {kI32}, {kLocalGet, 0, kI32Load, 0x20, 0x00, kEnd}, no_locals(), 1})).ok());
  // Offsets are u32: a 5-byte offset with bits past 32 is malformed.
  malformed({{kI32}, {kI32}, {kLocalGet, 0, kI32Load, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10, kEnd}, no_locals(), 1},
            "integer too large");
}

TEST_CASE("atomics need natural alignment") {
  // i32.atomic.load (0xfe 0x10) is 4 bytes: exponent 2 exactly.
  valid({{kI32}, {kI32}, {kLocalGet, 0, kPrefixAtomic, 0x10, 0x02, 0x00, kEnd}, no_locals(), 1});
  invalid({{kI32}, {kI32}, {kLocalGet, 0, kPrefixAtomic, 0x10, 0x01, 0x00, kEnd}, no_locals(), 1},
          "alignment must be equal to natural");
  invalid({{kI32}, {kI32}, {kLocalGet, 0, kPrefixAtomic, 0x10, 0x03, 0x00, kEnd}, no_locals(), 1}, "alignment");
  invalid({{kI32}, {kI32}, {kLocalGet, 0, kPrefixAtomic, 0x10, 0x00, 0x00, kEnd}, no_locals(), 1}, "alignment");
  // i64.atomic.rmw8.add_u (0xfe 0x22) is 1 byte: exponent 0.
  valid({{kI32}, {kI64}, {kLocalGet, 0, kI64Const, 1, kPrefixAtomic, 0x22, 0x00, 0x00, kEnd}, no_locals(), 1});
  invalid({{kI32}, {kI64}, {kLocalGet, 0, kI64Const, 1, kPrefixAtomic, 0x22, 0x01, 0x00, kEnd}, no_locals(), 1},
          "alignment");
  // memory.atomic.wait64 is 8 bytes: exponent 3.
  valid({{kI32}, {kI32}, {kLocalGet, 0, kI64Const, 0, kI64Const, 0, kPrefixAtomic, 0x02, 0x03, 0x00, kEnd}, no_locals(), 1});
  invalid({{kI32}, {kI32}, {kLocalGet, 0, kI64Const, 0, kI64Const, 0, kPrefixAtomic, 0x02, 0x02, 0x00, kEnd}, no_locals(), 1},
          "alignment");
  // atomic.fence takes a zero byte.
  valid({kNone, kNone, {kPrefixAtomic, 0x03, 0x00, kEnd}});
  malformed({kNone, kNone, {kPrefixAtomic, 0x03, 0x01, kEnd}}, "zero");
  // An unknown atomic sub-opcode.
  malformed({kNone, kNone, {kPrefixAtomic, 0x04, kEnd}}, "illegal opcode");
}

TEST_CASE("SIMD lane indices") {
  // i8x16.extract_lane_s (0xfd 0x15) has 16 lanes.
  Bytes v = {kPrefixSimd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // v128.const 0
  valid({kNone, {kI32}, cat({v, {kPrefixSimd, 0x15, 15, kEnd}})});
  invalid({kNone, {kI32}, cat({v, {kPrefixSimd, 0x15, 16, kEnd}})}, "lane");
  // i64x2.extract_lane (0xfd 0x1d) has 2.
  valid({kNone, {kI64}, cat({v, {kPrefixSimd, 0x1d, 1, kEnd}})});
  invalid({kNone, {kI64}, cat({v, {kPrefixSimd, 0x1d, 2, kEnd}})}, "lane");
  // f32x4.replace_lane (0xfd 0x20) has 4.
  invalid({kNone, {kV128}, cat({v, {kF32Const, 0, 0, 0, 0, kPrefixSimd, 0x20, 4, kEnd}})}, "lane");
  // i8x16.shuffle takes lane indices below 32.
  Bytes shuffle = cat({v, v, {kPrefixSimd, 0x0d}});
  Bytes lanes(16, 31);
  valid({kNone, {kV128}, cat({shuffle, lanes, {kEnd}})});
  lanes[7] = 32;
  invalid({kNone, {kV128}, cat({shuffle, lanes, {kEnd}})}, "lane");
  // v128.load32_lane (0xfd 0x56): memarg then lane < 4.
  valid({{kI32}, {kV128}, cat({{kLocalGet, 0}, v, {kPrefixSimd, 0x56, 0x02, 0x00, 3, kEnd}}), no_locals(), 1});
  invalid({{kI32}, {kV128}, cat({{kLocalGet, 0}, v, {kPrefixSimd, 0x56, 0x02, 0x00, 4, kEnd}}), no_locals(), 1}, "lane");
  invalid({{kI32}, {kV128}, cat({{kLocalGet, 0}, v, {kPrefixSimd, 0x56, 0x03, 0x00, 0, kEnd}}), no_locals(), 1},
          "alignment");
}

TEST_CASE("bulk memory needs the data count section for data indices") {
  // memory.init 0 0 (0xfc 0x08) in a module with one passive data segment but no data count.
  Bytes code = {kI32Const, 0, kI32Const, 0, kI32Const, 0, kPrefixFC, 0x08, 0x00, 0x00, kEnd};
  Bytes types = section(kType, vec({func_type({}, {})}));
  Bytes func = section(kFunction, vec({{0x00}}));
  Bytes mem = section(kMemory, vec({{0x00, 0x01}}));
  Bytes data = section(kData, vec({cat({{0x01}, str("abc")})}));
  Bytes with_count = wasm_module({types, func, mem, section(kDataCount, {0x01}),
                                  section(kCode, vec({body(no_locals(), code)})), data});
  expect_ok(with_count);
  Bytes without = wasm_module({types, func, mem, section(kCode, vec({body(no_locals(), code)})), data});
  expect_malformed(without, "data count");
  Bytes drop_without = wasm_module({types, func, mem, section(kCode, vec({body(no_locals(), {kPrefixFC, 0x09, 0x00, kEnd})})), data});
  expect_malformed(drop_without, "data count");
  // With a data count, the index must be below it.
  Bytes unknown = wasm_module({types, func, mem, section(kDataCount, {0x01}),
                               section(kCode, vec({body(no_locals(), {kPrefixFC, 0x09, 0x01, kEnd})})), data});
  expect_invalid(unknown, "unknown data segment");
  // memory.copy and memory.fill need no data count, only a memory.
  valid({kNone, kNone, {kI32Const, 0, kI32Const, 0, kI32Const, 0, kPrefixFC, 0x0a, 0x00, 0x00, kEnd}, no_locals(), 1});
  valid({kNone, kNone, {kI32Const, 0, kI32Const, 0, kI32Const, 0, kPrefixFC, 0x0b, 0x00, kEnd}, no_locals(), 1});
  invalid({kNone, kNone, {kI32Const, 0, kI32Const, 0, kI32Const, 0, kPrefixFC, 0x0b, 0x00, kEnd}}, "unknown memory");
  // The memory index byte must be zero without multi-memory.
  CHECK_FALSE(decode(build({kNone, kNone, {kI32Const, 0, kI32Const, 0, kI32Const, 0, kPrefixFC, 0x0b, 0x01, kEnd}, no_locals(), 1})).ok());
  // elem.drop of an unknown segment.
  invalid({kNone, kNone, {kPrefixFC, 0x0d, 0x00, kEnd}}, "unknown elem");
}

TEST_CASE("locals: counts and the limit") {
  valid({kNone, kNone, {kEnd}, {0x02, 0x02, kI32, 0x03, kF64}});
  // Two groups whose sum passes 2^32.
  malformed({kNone, kNone, {kEnd}, {0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, kI32, 0xff, 0xff, 0xff, 0xff, 0x0f, kI64}},
            "too many locals");
  // One group past DecodeLimits::max_locals (50,000), in a tiny body.
  auto r = decode(build({kNone, kNone, {kEnd}, {0x01, 0xd1, 0x86, 0x03, kI32}}));  // 50001
  REQUIRE_FALSE(r.ok());
  CHECK(contains(r.error().message(), "too many locals"));
  DecodeOptions o;
  o.limits.max_locals = 3;
  CHECK_FALSE(decode(build({kNone, kNone, {kEnd}, {0x01, 0x04, kI32}}), o).ok());
  expect_ok(build({kNone, kNone, {kEnd}, {0x01, 0x03, kI32}}), o);
  // A local of a type that is not a value type.
  malformed({kNone, kNone, {kEnd}, {0x01, 0x02, 0x40}}, "value type");
}

TEST_CASE("malformed bodies") {
  malformed({kNone, kNone, {kI32Const, 0, kDrop}}, "end");                   // no end
  malformed({kNone, kNone, {kEnd, kNop}}, "end");                            // bytes after the last end
  malformed({kNone, kNone, {0x06, kEnd}}, "illegal opcode");
  malformed({kNone, kNone, {0xff, kEnd}}, "illegal opcode");
  malformed({kNone, kNone, {kPrefixFC, 0x12, kEnd}}, "illegal opcode");
  malformed({kNone, kNone, {kPrefixSimd, 0x80, 0x02, kEnd}}, "illegal opcode");
  malformed({kNone, kNone, {kI32Const, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, kDrop, kEnd}}, "integer representation too long");
  malformed({kNone, kNone, {kI32Const, 0x80, 0x80, 0x80, 0x80, 0x70, kDrop, kEnd}}, "integer too large");
  malformed({kNone, kNone, {kBlock, 0x7a, kEnd, kEnd}}, "");
  malformed({kNone, kNone, {kRefNull, kI32, kDrop, kEnd}}, "reference type");
  malformed({kNone, {kI32}, {kMemorySize, 0x01, kEnd}, no_locals(), 1}, "zero");
}

TEST_CASE("tail calls are switched on by a feature") {
  Case c{kNone, kNone, {kReturnCall, 0, kEnd}};
  CHECK_FALSE(decode(build(c)).ok());
  valid(c, all_features());
}

TEST_CASE("validate_function checks one body of a module decoded without validation") {
  DecodeOptions lazy;
  lazy.validate_functions = false;
  Bytes b = build({kNone, {kI32}, {kI64Const, 0, kEnd}});
  auto r = decode(b, lazy);
  REQUIRE(r.ok());
  const ModuleInfo& m = **r;
  Status st = validate_function(m, 0, lazy.features);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().kind() == ErrorKind::Invalid);
  CHECK(contains(st.error().message(), "type mismatch"));
  CHECK(contains(st.error().message(), "offset 0x"));

  auto good = decode(build({kNone, {kI32}, {kI32Const, 0, kEnd}}), lazy);
  REQUIRE(good.ok());
  CHECK(validate_function(**good, 0, lazy.features).ok());
}

// A valid body cut at every byte must fail with a clean error (the body size is adjusted,
// so the cut is inside the function, not in the section framing).
TEST_CASE("truncated bodies fail cleanly") {
  const Case cases[] = {
      {{kI32, kI32}, {kI32}, {kLocalGet, 0, kLocalGet, 1, kI32Add, kEnd}},
      {{kI32}, {kI32}, {kLocalGet, 0, kIf, kI32, kI32Const, 1, kElse, kI32Const, 2, kEnd, kEnd}},
      {{kI32}, kNone, {kBlock, kVoid, kLocalGet, 0, kBrTable, 2, 0, 0, 0, kEnd, kEnd}},
      {kNone, {kI64}, {kI64Const, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f, kEnd}},
      {{kI32}, {kI32}, {kLocalGet, 0, kPrefixAtomic, 0x10, 0x02, 0x00, kEnd}, no_locals(), 1},
  };
  for (const Case& full : cases) {
    valid(full);
    for (size_t n = 0; n < full.code.size(); ++n) {
      Case cut = full;
      cut.code.resize(n);
      CAPTURE(n);
      auto r = decode(build(cut));
      REQUIRE_FALSE(r.ok());
      CHECK(contains(r.error().message(), "offset 0x"));
    }
  }
}

}  // namespace
}  // namespace tern
