// decode_module, module level: the header, section order and sizes, counts that must agree,
// limits on sizes read from the input, and what a decoded ModuleInfo holds.
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "jit/module.h"
#include "test_util.h"

namespace tern {
namespace {

using namespace tern::test;

// ---- modules from WAT files ----------------------------------------------------------------

TEST_CASE("imports, exports, start, segments: the index spaces put imports first") {
  auto m = expect_ok(load_wasm("imports_exports"));

  REQUIRE(m->imports.size() == 5);
  CHECK(m->imports[0].module == "env");
  CHECK(m->imports[0].field == "log");
  CHECK(m->imports[0].kind == ExternKind::Func);
  CHECK(m->imports[0].index == 0);
  CHECK(m->imports[1].field == "table");
  CHECK(m->imports[1].kind == ExternKind::Table);
  CHECK(m->imports[1].index == 0);
  CHECK(m->imports[2].field == "memory");
  CHECK(m->imports[2].kind == ExternKind::Memory);
  CHECK(m->imports[3].field == "base");
  CHECK(m->imports[3].kind == ExternKind::Global);
  CHECK(m->imports[4].module == "wasi_snapshot_preview1");
  CHECK(m->imports[4].field == "proc_exit");
  CHECK(m->imports[4].index == 1);  // the second function import is function 1

  CHECK(m->num_imported_functions == 2);
  CHECK(m->num_imported_tables == 1);
  CHECK(m->num_imported_memories == 1);
  CHECK(m->num_imported_globals == 1);

  REQUIRE(m->functions.size() == 5);
  CHECK(m->functions[0].imported);
  CHECK(m->functions[1].imported);
  CHECK_FALSE(m->functions[2].imported);
  CHECK(m->functions[2].body.size > 0);
  CHECK(m->func_type(2) == FuncType{{ValType::I32, ValType::I32}, {ValType::I32}});
  CHECK(m->func_type(3) == FuncType{});
  CHECK(m->func_type(1) == FuncType{{ValType::I32}, {}});

  REQUIRE(m->tables.size() == 1);
  CHECK(m->tables[0].elem == ValType::FuncRef);
  CHECK(m->tables[0].limits.min == 2);
  CHECK(m->tables[0].limits.max == 10u);
  REQUIRE(m->memories.size() == 1);
  CHECK(m->memories[0].limits.min == 1);
  CHECK(m->memories[0].limits.max == 2u);
  CHECK_FALSE(m->memories[0].limits.shared);

  REQUIRE(m->globals.size() == 3);
  CHECK(m->globals[0].imported);
  CHECK(m->globals[0].type.type == ValType::I32);
  CHECK_FALSE(m->globals[0].type.mut);
  CHECK(m->globals[1].type.mut);
  REQUIRE(m->globals[1].init.code.size() == 1);
  CHECK(m->globals[1].init.code[0].op == Op::GlobalGet);
  CHECK(m->globals[1].init.code[0].value == 0);
  CHECK(m->globals[2].type.type == ValType::F64);
  REQUIRE(m->globals[2].init.code.size() == 1);
  CHECK(m->globals[2].init.code[0].op == Op::F64Const);

  REQUIRE(m->exports.size() == 6);
  CHECK(m->exports[0].name == "add");
  CHECK(m->exports[0].kind == ExternKind::Func);
  CHECK(m->exports[0].index == 2);
  CHECK(m->exports[1].name == "sub");
  CHECK(m->exports[1].index == 4);
  CHECK(m->exports[2].name == "mem");
  CHECK(m->exports[2].kind == ExternKind::Memory);
  CHECK(m->exports[3].kind == ExternKind::Table);
  CHECK(m->exports[4].name == "counter");
  CHECK(m->exports[4].kind == ExternKind::Global);
  CHECK(m->exports[4].index == 1);
  CHECK(m->exports[5].name == "add_again");
  CHECK(m->exports[5].index == 2);

  REQUIRE(m->start.has_value());
  CHECK(*m->start == 3);

  REQUIRE(m->elems.size() == 1);
  CHECK(m->elems[0].mode == SegmentMode::Active);
  CHECK(m->elems[0].table == 0);
  CHECK(m->elems[0].items.size() == 2);
  REQUIRE(m->datas.size() == 1);
  CHECK(m->datas[0].mode == SegmentMode::Active);
  auto init = m->range(m->datas[0].init);
  CHECK(std::string_view(reinterpret_cast<const char*>(init.data()), init.size()) == "hello");
  CHECK_FALSE(m->data_count.has_value());
}

TEST_CASE("the name section gives module, function and local names") {
  auto m = expect_ok(load_wasm("names"));
  CHECK(m->names.module_name == "named");
  CHECK(m->function_name(0) == "imported_fn");
  CHECK(m->function_name(1) == "first");
  CHECK(m->function_name(2) == "second");
  CHECK(m->function_name(7).empty());
  CHECK(contains(m->describe_function(1), "first"));
  CHECK(contains(m->describe_function(1), "1"));
  REQUIRE(m->names.locals.count(1) == 1);
  CHECK(m->names.locals.at(1).at(0) == "x");
  CHECK(m->names.locals.at(1).at(1) == "tmp");
  bool has_name_section = false;
  for (const auto& c : m->customs) has_name_section = has_name_section || c.name == "name";
  CHECK(has_name_section);
}

TEST_CASE("shared memory and atomics") {
  auto m = expect_ok(load_wasm("threads"));
  REQUIRE(m->memories.size() == 1);
  CHECK(m->memories[0].limits.shared);
  CHECK(m->memories[0].limits.min == 1);
  CHECK(m->memories[0].limits.max == 4u);

  DecodeOptions no_threads;
  no_threads.features.threads = false;
  CHECK_FALSE(decode(load_wasm("threads"), no_threads).ok());
}

TEST_CASE("SIMD module decodes, and fails with SIMD switched off") {
  expect_ok(load_wasm("simd"));
  expect_ok(load_wasm("simd"), all_features());
  DecodeOptions no_simd;
  no_simd.features.simd = false;
  CHECK_FALSE(decode(load_wasm("simd"), no_simd).ok());
}

TEST_CASE("bulk memory and reference types") {
  auto m = expect_ok(load_wasm("bulk_refs"));
  REQUIRE(m->data_count.has_value());
  CHECK(*m->data_count == 1);
  REQUIRE(m->datas.size() == 1);
  CHECK(m->datas[0].mode == SegmentMode::Passive);
  REQUIRE(m->elems.size() == 2);
  CHECK(m->elems[0].mode == SegmentMode::Passive);
  CHECK(m->elems[0].items.size() == 2);
  CHECK(m->elems[1].mode == SegmentMode::Declarative);
  REQUIRE(m->tables.size() == 2);
  CHECK(m->tables[1].elem == ValType::ExternRef);
}

TEST_CASE("control flow module decodes") {
  auto m = expect_ok(load_wasm("control"));
  CHECK(m->exports.size() == 5);
  CHECK(m->func_type(1) == FuncType{{ValType::I32, ValType::I32}, {ValType::I32, ValType::I32}});
}

TEST_CASE("ModuleInfo owns a copy of the bytes") {
  Bytes b = load_wasm("control");
  auto m = expect_ok(b);
  CHECK(m->bytes == b);
  b.assign(b.size(), 0);
  CHECK(m->bytes[0] == 0x00);
  CHECK(m->bytes[1] == 'a');
}

// ---- hand-made modules ----------------------------------------------------------------------

TEST_CASE("the smallest module") {
  auto m = expect_ok(kHeader);
  CHECK(m->types.empty());
  CHECK(m->functions.empty());
  CHECK(m->exports.empty());
  CHECK_FALSE(m->start.has_value());
}

TEST_CASE("custom sections anywhere, kept with their contents") {
  Bytes b = wasm_module({
      section(kCustom, cat({str("first"), {1, 2, 3}})),
      section(kType, vec({func_type({}, {})})),
      section(kCustom, cat({str(""), {}})),
      section(kFunction, vec({{0x00}})),
      section(kCode, vec({body(no_locals(), {0x0b})})),
      section(kCustom, cat({str("last \xe2\x82\xac"), {9}})),
  });
  auto m = expect_ok(b);
  REQUIRE(m->customs.size() == 3);
  CHECK(m->customs[0].name == "first");
  auto c = m->range(m->customs[0].contents);
  REQUIRE(c.size() == 3);
  CHECK(c[0] == 1);
  CHECK(c[2] == 3);
  CHECK(m->customs[1].name.empty());
  CHECK(m->customs[1].contents.size == 0);
  CHECK(m->customs[2].name == "last \xe2\x82\xac");
  CHECK(m->range(m->customs[2].contents)[0] == 9);
}

TEST_CASE("a custom section with a bad name or size is malformed") {
  expect_malformed(wasm_module({section(kCustom, cat({str("\xc0\x80"), {}}))}), "UTF-8");
  expect_error_any(decode(wasm_module({section(kCustom, {0x05, 'a'})})), ErrorKind::Malformed,
                   {"unexpected end", "length out of bounds"});
  expect_error_any(decode(wasm_module({{0x00, 0x00}})), ErrorKind::Malformed,
                   {"unexpected end", "length out of bounds"});
}

TEST_CASE("a broken name section does not make the module invalid") {
  Bytes b = wasm_module({section(kCustom, cat({str("name"), {0x01, 0x10, 0x01}}))});
  expect_ok(b);
}

TEST_CASE("header: magic and version") {
  expect_malformed({}, "magic header not detected");
  expect_malformed({0x00}, "magic header not detected");
  expect_malformed({0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00}, "magic header not detected");
  expect_malformed({'w', 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}, "magic header not detected");
  expect_malformed({0x00, 0x41, 0x53, 0x4d, 0x01, 0x00, 0x00, 0x00}, "magic header not detected");
  expect_malformed({0x00, 0x61, 0x73, 0x6d}, "unexpected end");
  expect_malformed({0x00, 0x61, 0x73, 0x6d, 0x01}, "unexpected end");
  expect_malformed({0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00}, "unknown binary version");
  expect_malformed({0x00, 0x61, 0x73, 0x6d, 0x00, 0x00, 0x00, 0x00}, "unknown binary version");
  expect_malformed({0x00, 0x61, 0x73, 0x6d, 0x00, 0x00, 0x00, 0x01}, "unknown binary version");
  expect_malformed({0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}, "unknown binary version");  // component
  auto r = decode({0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00});
  expect_offset(r, 4);
}

TEST_CASE("section ids") {
  expect_malformed(wasm_module({section(13, {})}), "malformed section id");
  expect_malformed(wasm_module({section(0x7f, {})}), "malformed section id");
  auto r = decode(wasm_module({section(kType, {0x00}), {0x80, 0x00}}));
  expect_error_any(r, ErrorKind::Malformed, {"malformed section id"});
  expect_offset(r, 11);
}

TEST_CASE("sections out of order or repeated") {
  const std::initializer_list<std::string_view> keys = {"unexpected content after last section", "out of order",
                                                        "repeated", "unexpected section"};
  Bytes type = section(kType, vec({func_type({}, {})}));
  Bytes func = section(kFunction, vec({{0x00}}));
  Bytes code = section(kCode, vec({body(no_locals(), {0x0b})}));
  // table after memory
  Bytes memory = section(kMemory, vec({{0x00, 0x01}}));
  auto r = decode(wasm_module({memory, section(kTable, vec({{kFuncRef, 0x00, 0x01}}))}));
  expect_error_any(r, ErrorKind::Malformed, keys);
  expect_offset(r, kHeader.size() + memory.size());
  // type after function
  expect_error_any(decode(wasm_module({type, func, type, code})), ErrorKind::Malformed, keys);
  // a repeated section
  expect_error_any(decode(wasm_module({type, type, func, code})), ErrorKind::Malformed, keys);
  expect_error_any(decode(wasm_module({type, func, section(kStart, {0x00}), section(kStart, {0x00}), code})),
                   ErrorKind::Malformed, keys);
  // data count belongs before code, not after it
  expect_error_any(decode(wasm_module({type, func, code, section(kDataCount, {0x00})})), ErrorKind::Malformed, keys);
  // data count before code is fine; memory after data is not
  expect_ok(wasm_module({type, func, section(kDataCount, {0x00}), code, section(kData, {0x00})}));
  expect_error_any(decode(wasm_module({section(kData, {0x00}), section(kMemory, vec({{0x00, 0x01}}))})),
                   ErrorKind::Malformed, keys);
  // custom sections between do not change the order rules
  expect_error_any(decode(wasm_module({type, func, section(kCustom, str("x")), type, code})), ErrorKind::Malformed,
                   keys);
}

TEST_CASE("section sizes must match their contents") {
  // One byte too many: the type section declares 2 bytes but holds an empty vector.
  auto r = decode(wasm_module({section(kType, {0x00, 0x00})}));
  expect_error_any(r, ErrorKind::Malformed, {"section size mismatch"});
  // Too few: the declared size ends inside the function type.
  Bytes short_type = cat({{kType, 0x03}, {0x01, 0x60, 0x00}, {0x00}});
  expect_error_any(decode(wasm_module({short_type})), ErrorKind::Malformed,
                   {"unexpected end", "section size mismatch", "length out of bounds"});
  // Beyond the end of the file.
  expect_error_any(decode(wasm_module({{kType, 0x10, 0x00}})), ErrorKind::Malformed,
                   {"unexpected end", "length out of bounds"});
  expect_error_any(decode(wasm_module({{kType, 0xff, 0xff, 0xff, 0xff, 0x0f}})), ErrorKind::Malformed,
                   {"unexpected end", "length out of bounds"});
  // A section size that is not a valid u32.
  expect_malformed(wasm_module({{kType, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}}), "integer representation too long");
  // A section id with no size.
  expect_malformed(wasm_module({{kType}}), "unexpected end");
}

TEST_CASE("function and code sections must agree") {
  Bytes type = section(kType, vec({func_type({}, {})}));
  const std::initializer_list<std::string_view> keys = {"function and code section have inconsistent lengths",
                                                        "inconsistent"};
  expect_error_any(decode(wasm_module({type, section(kFunction, vec({{0x00}, {0x00}})),
                                       section(kCode, vec({body(no_locals(), {0x0b})}))})),
                   ErrorKind::Malformed, keys);
  expect_error_any(decode(wasm_module({type, section(kFunction, vec({{0x00}}))})), ErrorKind::Malformed, keys);
  expect_error_any(decode(wasm_module({type, section(kCode, vec({body(no_locals(), {0x0b})}))})),
                   ErrorKind::Malformed, keys);
  expect_error_any(decode(wasm_module({type, section(kFunction, vec({{0x00}})),
                                       section(kCode, vec({body(no_locals(), {0x0b}), body(no_locals(), {0x0b})}))})),
                   ErrorKind::Malformed, keys);
  // Empty function and code sections are fine.
  expect_ok(wasm_module({type, section(kFunction, vec({})), section(kCode, vec({}))}));
}

TEST_CASE("data count must agree with the data section") {
  Bytes mem = section(kMemory, vec({{0x00, 0x01}}));
  Bytes passive = cat({{0x01}, str("abc")});
  expect_error_any(decode(wasm_module({mem, section(kDataCount, {0x02}), section(kData, vec({passive}))})),
                   ErrorKind::Malformed, {"data count and data section have inconsistent lengths", "inconsistent"});
  expect_error_any(decode(wasm_module({mem, section(kDataCount, {0x01})})), ErrorKind::Malformed,
                   {"data count and data section have inconsistent lengths", "inconsistent"});
  auto m = expect_ok(wasm_module({mem, section(kDataCount, {0x01}), section(kData, vec({passive}))}));
  CHECK(m->data_count == 1u);
}

// Counts read from the input never drive allocation: a 100-byte file that claims 4 billion
// entries fails at once, without reserving memory for them.
TEST_CASE("huge counts in tiny files fail fast") {
  const Bytes huge = {0xff, 0xff, 0xff, 0xff, 0x0f};
  Bytes padding(85, 0x00);  // 8 + 2 + 5 + 85: 100-byte files
  const std::initializer_list<std::string_view> keys = {"length out of bounds", "unexpected end", "exceeds the limit",
                                                        "too many"};
  // (No timing assertion: tests never fail on timing. The error words show the count was
  // compared with the bytes left before anything was reserved.)
  for (uint8_t id : {kType, kImport, kFunction, kTable, kMemory, kGlobal, kExport, kElement, kCode, kData}) {
    CAPTURE(int(id));
    Bytes b = wasm_module({section(id, cat({huge, padding}))});
    CHECK(b.size() == 100);
    auto r = decode(b);
    REQUIRE(!r.ok());
    CHECK(contains(r.error().message(), "offset 0x"));
    bool found = false;
    for (auto k : keys) found = found || contains(r.error().message(), k);
    CHECK_MESSAGE(found, r.error().message());
  }
  // A type with 4 billion params, a br_table with 4 billion targets, 4 billion locals.
  expect_error(decode(wasm_module({section(kType, cat({{0x01, 0x60}, huge, padding}))})), ErrorKind::Malformed,
               "");
}

TEST_CASE("limits from DecodeLimits are enforced") {
  DecodeOptions o;
  o.limits.max_functions = 2;
  Bytes type = section(kType, vec({func_type({}, {})}));
  Bytes three = section(kFunction, vec({{0x00}, {0x00}, {0x00}}));
  Bytes code = section(kCode, vec({body(no_locals(), {0x0b}), body(no_locals(), {0x0b}), body(no_locals(), {0x0b})}));
  auto r = decode(wasm_module({type, three, code}), o);
  REQUIRE_FALSE(r.ok());
  CHECK(contains(r.error().message(), "limit"));
  expect_ok(wasm_module({type, three, code}));

  DecodeOptions small;
  small.limits.max_module_size = 16;
  CHECK_FALSE(decode(load_wasm("control"), small).ok());
}

TEST_CASE("types") {
  expect_malformed(wasm_module({section(kType, vec({{0x61, 0x00, 0x00}}))}), "0x61");
  expect_malformed(wasm_module({section(kType, vec({func_type({0x7a}, {})}))}), "malformed value type");
  expect_malformed(wasm_module({section(kType, vec({func_type({}, {0x40})}))}), "malformed value type");
  auto m = expect_ok(
      wasm_module({section(kType, vec({func_type({kI32, kI64, kF32, kF64, kV128, kFuncRef, kExternRef}, {kI32, kI64})}))}));
  REQUIRE(m->types.size() == 1);
  CHECK(m->types[0].params.size() == 7);
  CHECK(m->types[0].params[4] == ValType::V128);
  CHECK(m->types[0].params[6] == ValType::ExternRef);
  CHECK(m->types[0].results.size() == 2);
}

TEST_CASE("function section: unknown type") {
  expect_invalid(wasm_module({section(kType, vec({func_type({}, {})})), section(kFunction, vec({{0x01}})),
                              section(kCode, vec({body(no_locals(), {0x0b})}))}),
                 "unknown type");
}

TEST_CASE("imports") {
  Bytes type = section(kType, vec({func_type({}, {})}));
  expect_invalid(wasm_module({type, section(kImport, vec({cat({str("m"), str("f"), {0x00, 0x05}})}))}), "unknown type");
  expect_malformed(wasm_module({type, section(kImport, vec({cat({str("m"), str("f"), {0x04, 0x00}})}))}),
                   "import kind");
  expect_malformed(wasm_module({type, section(kImport, vec({cat({str("\xff"), str("f"), {0x00, 0x00}})}))}), "UTF-8");
  expect_malformed(wasm_module({type, section(kImport, vec({cat({str("m"), str("g"), {0x03, kI32, 0x02}})}))}),
                   "mutability");
  auto m = expect_ok(wasm_module({type, section(kImport, vec({cat({str("m"), str("f"), {0x00, 0x00}}),
                                                             cat({str("m"), str("g"), {0x03, kI64, 0x01}})}))}));
  CHECK(m->globals.size() == 1);
  CHECK(m->globals[0].type.mut);
  CHECK(m->globals[0].type.type == ValType::I64);
}

TEST_CASE("exports: names are unique and indices exist") {
  Bytes type = section(kType, vec({func_type({}, {})}));
  Bytes func = section(kFunction, vec({{0x00}}));
  Bytes code = section(kCode, vec({body(no_locals(), {0x0b})}));
  expect_invalid(wasm_module({type, func, section(kExport, vec({cat({str("a"), {0x00, 0x00}}),
                                                                cat({str("a"), {0x00, 0x00}})})),
                              code}),
                 "duplicate export name");
  expect_ok(wasm_module({type, func, section(kExport, vec({cat({str("a"), {0x00, 0x00}}), cat({str("b"), {0x00, 0x00}})})),
                         code}));
  expect_invalid(wasm_module({type, func, section(kExport, vec({cat({str("a"), {0x00, 0x01}})})), code}),
                 "unknown function");
  expect_invalid(wasm_module({section(kExport, vec({cat({str("m"), {0x02, 0x00}})}))}), "unknown memory");
  expect_invalid(wasm_module({section(kExport, vec({cat({str("t"), {0x01, 0x00}})}))}), "unknown table");
  expect_invalid(wasm_module({section(kExport, vec({cat({str("g"), {0x03, 0x00}})}))}), "unknown global");
  expect_malformed(wasm_module({section(kExport, vec({cat({str("x"), {0x04, 0x00}})}))}), "export kind");
}

TEST_CASE("start function: exists and has type [] -> []") {
  Bytes types = section(kType, vec({func_type({}, {}), func_type({kI32}, {}), func_type({}, {kI32})}));
  auto module_with_start = [&](uint8_t type_index) {
    Bytes code = type_index == 2 ? Bytes{0x41, 0x00, 0x0b} : Bytes{0x0b};
    return wasm_module({types, section(kFunction, vec({{type_index}})), section(kStart, {0x00}),
                        section(kCode, vec({body(no_locals(), code)}))});
  };
  expect_ok(module_with_start(0));
  expect_invalid(module_with_start(1), "start function");
  expect_invalid(module_with_start(2), "start function");
  expect_invalid(wasm_module({types, section(kStart, {0x00})}), "unknown function");
}

TEST_CASE("memories: limits, sharing, count") {
  auto mem = [](Bytes limits) { return wasm_module({section(kMemory, vec({limits}))}); };
  expect_ok(mem({0x00, 0x00}));
  expect_ok(mem({0x01, 0x01, 0x02}));
  expect_ok(mem({0x00, 0x80, 0x80, 0x04}));  // 65536 pages
  expect_invalid(mem({0x00, 0x81, 0x80, 0x04}), "memory size");
  expect_invalid(mem({0x01, 0x00, 0x81, 0x80, 0x04}), "memory size");
  expect_invalid(mem({0x01, 0x02, 0x01}), "minimum must not be greater than maximum");
  expect_invalid(mem({0x02, 0x01}), "shared memory must have maximum");
  auto m = expect_ok(mem({0x03, 0x01, 0x02}));
  CHECK(m->memories[0].limits.shared);
  expect_malformed(mem({0x08, 0x01}), "limits");
  expect_malformed(mem({0x01, 0x01}), "unexpected end");
  Bytes two = wasm_module({section(kMemory, vec({{0x00, 0x01}, {0x00, 0x01}}))});
  expect_invalid(two, "multiple memories");
  expect_ok(two, all_features());
}

TEST_CASE("tables: element types and limits") {
  auto table = [](Bytes t) { return wasm_module({section(kTable, vec({t}))}); };
  expect_ok(table({kFuncRef, 0x00, 0x01}));
  expect_ok(table({kExternRef, 0x01, 0x01, 0x05}));
  expect_malformed(table({kI32, 0x00, 0x01}), "reference type");
  expect_invalid(table({kFuncRef, 0x01, 0x05, 0x01}), "minimum must not be greater than maximum");
  expect_ok(wasm_module({section(kTable, vec({{kFuncRef, 0x00, 0x01}, {kExternRef, 0x00, 0x01}}))}));
}

TEST_CASE("globals: constant initializers of the right type") {
  auto global = [](Bytes g) { return wasm_module({section(kGlobal, vec({g}))}); };
  expect_ok(global({kI32, 0x00, 0x41, 0x2a, 0x0b}));
  expect_ok(global({kI64, 0x01, 0x42, 0x7f, 0x0b}));
  expect_ok(global({kFuncRef, 0x00, 0xd0, kFuncRef, 0x0b}));
  expect_invalid(global({kI32, 0x00, 0x42, 0x00, 0x0b}), "type mismatch");
  expect_invalid(global({kI32, 0x00, 0x0b}), "type mismatch");
  expect_invalid(global({kI32, 0x00, 0x41, 0x01, 0x41, 0x02, 0x0b}), "type mismatch");
  // i32.add is a constant instruction only with extended-const.
  Bytes add = global({kI32, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b});
  CHECK_FALSE(decode(add).ok());
  CHECK(contains(decode(add).error().message(), "constant expression"));
  expect_ok(add, all_features());
  // Not constant at all.
  auto nop = decode(global({kI32, 0x00, 0x01, 0x41, 0x00, 0x0b}));
  REQUIRE_FALSE(nop.ok());
  CHECK(contains(nop.error().message(), "constant expression"));
  // global.get of an unknown global, or of a mutable one.
  expect_invalid(global({kI32, 0x00, 0x23, 0x00, 0x0b}), "unknown global");
  Bytes imported_mut = section(kImport, vec({cat({str("m"), str("g"), {0x03, kI32, 0x01}})}));
  auto r = decode(wasm_module({imported_mut, section(kGlobal, vec({{kI32, 0x00, 0x23, 0x00, 0x0b}}))}));
  REQUIRE_FALSE(r.ok());
  CHECK(contains(r.error().message(), "constant expression required"));
  // Missing end.
  CHECK_FALSE(decode(global({kI32, 0x00, 0x41, 0x00})).ok());
}

TEST_CASE("element and data segments refer to existing tables, memories and functions") {
  Bytes type = section(kType, vec({func_type({}, {})}));
  Bytes func = section(kFunction, vec({{0x00}}));
  Bytes code = section(kCode, vec({body(no_locals(), {0x0b})}));
  Bytes table = section(kTable, vec({{kFuncRef, 0x00, 0x01}}));
  // Active segment, table 0, offset i32.const 0, functions [0].
  expect_ok(wasm_module({type, func, table, section(kElement, vec({{0x00, 0x41, 0x00, 0x0b, 0x01, 0x00}})), code}));
  expect_invalid(wasm_module({type, func, section(kElement, vec({{0x00, 0x41, 0x00, 0x0b, 0x01, 0x00}})), code}),
                 "unknown table");
  expect_invalid(wasm_module({type, func, table, section(kElement, vec({{0x00, 0x41, 0x00, 0x0b, 0x01, 0x07}})), code}),
                 "unknown function");
  expect_invalid(wasm_module({type, func, table, section(kElement, vec({{0x00, 0x42, 0x00, 0x0b, 0x01, 0x00}})), code}),
                 "type mismatch");
  expect_malformed(wasm_module({type, func, table, section(kElement, vec({{0x08}})), code}), "elem");

  expect_invalid(wasm_module({section(kData, vec({cat({{0x00, 0x41, 0x00, 0x0b}, str("x")})}))}), "unknown memory");
  Bytes mem = section(kMemory, vec({{0x00, 0x01}}));
  expect_ok(wasm_module({mem, section(kData, vec({cat({{0x00, 0x41, 0x00, 0x0b}, str("x")})}))}));
  expect_malformed(wasm_module({mem, section(kData, vec({{0x03}}))}), "data segment");
  expect_error_any(decode(wasm_module({mem, section(kData, vec({{0x01, 0x05, 'a'}}))})), ErrorKind::Malformed,
                   {"unexpected end", "length out of bounds"});
}

TEST_CASE("imported functions: exported, started, referenced") {
  Bytes types = section(kType, vec({func_type({}, {})}));
  Bytes import = section(kImport, vec({cat({str("env"), str("f"), {0x00, 0x00}})}));
  auto m = expect_ok(wasm_module({types, import, section(kExport, vec({cat({str("f"), {0x00, 0x00}})})),
                                  section(kStart, {0x00})}));
  REQUIRE(m->start.has_value());
  CHECK(*m->start == 0);
  CHECK(m->exports[0].index == 0);
  CHECK(m->functions.size() == 1);
  CHECK(m->functions[0].imported);
}

TEST_CASE("a global initialized with ref.func declares the function for code") {
  Bytes types = section(kType, vec({func_type({}, {})}));
  Bytes func = section(kFunction, vec({{0x00}}));
  Bytes global = section(kGlobal, vec({{kFuncRef, 0x00, 0xd2, 0x00, 0x0b}}));
  Bytes code = section(kCode, vec({body(no_locals(), {0xd2, 0x00, 0x1a, 0x0b})}));
  expect_ok(wasm_module({types, func, global, code}));
  expect_invalid(wasm_module({types, func, code}), "undeclared function reference");
}

TEST_CASE("element segments in every encoding") {
  Bytes types = section(kType, vec({func_type({}, {})}));
  Bytes func = section(kFunction, vec({{0x00}}));
  Bytes table = section(kTable, vec({{kFuncRef, 0x00, 0x01}}));
  Bytes code = section(kCode, vec({body(no_locals(), {0x0b})}));
  const Bytes offset = {0x41, 0x00, 0x0b};
  const Bytes segments[] = {
      cat({{0x00}, offset, {0x01, 0x00}}),                          // active, table 0, func indices
      {0x01, 0x00, 0x01, 0x00},                                     // passive, elemkind, func indices
      cat({{0x02, 0x00}, offset, {0x00, 0x01, 0x00}}),              // active, table index, elemkind
      {0x03, 0x00, 0x01, 0x00},                                     // declarative, func indices
      cat({{0x04}, offset, {0x02, 0xd2, 0x00, 0x0b, 0xd0, kFuncRef, 0x0b}}),  // active, expressions
      {0x05, kFuncRef, 0x01, 0xd0, kFuncRef, 0x0b},                 // passive, expressions
      cat({{0x06, 0x00}, offset, {kFuncRef, 0x01, 0xd2, 0x00, 0x0b}}),  // active, table index, expressions
      {0x07, kFuncRef, 0x01, 0xd2, 0x00, 0x0b},                     // declarative, expressions
  };
  for (size_t i = 0; i < std::size(segments); ++i) {
    CAPTURE(i);
    auto m = expect_ok(wasm_module({types, func, table, section(kElement, vec({segments[i]})), code}));
    REQUIRE(m->elems.size() == 1);
    CHECK(m->elems[0].items.size() == (i == 4 ? 2u : 1u));
    CHECK(m->elems[0].mode == (i == 1 || i == 5 ? SegmentMode::Passive
                               : i == 3 || i == 7 ? SegmentMode::Declarative
                                                  : SegmentMode::Active));
  }
  // An expression of the wrong type: an externref in a funcref segment.
  expect_invalid(wasm_module({types, func, table, section(kElement, vec({{0x05, kFuncRef, 0x01, 0xd0, kExternRef, 0x0b}})), code}),
                 "type mismatch");
}

// Every proper prefix of a valid module is either a valid module (it ends between sections)
// or fails with a located error; none crashes.
TEST_CASE("truncating valid modules at every byte") {
  for (const char* name : {"imports_exports", "names", "threads", "simd", "bulk_refs", "control"}) {
    CAPTURE(name);
    Bytes full = load_wasm(name);
    for (size_t n = 0; n < full.size(); ++n) {
      Bytes prefix(full.begin(), full.begin() + static_cast<ptrdiff_t>(n));
      auto r = decode(prefix, all_features());
      if (!r.ok()) {
        CAPTURE(n);
        CHECK(contains(r.error().message(), "offset 0x"));
        CHECK((r.error().kind() == ErrorKind::Malformed || r.error().kind() == ErrorKind::Invalid));
      }
    }
  }
}

}  // namespace
}  // namespace tern
