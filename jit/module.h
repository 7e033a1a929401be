// ModuleInfo: the decoded, validated description of a module, and the entry points that make one.
//
// DESIGN
// 1. A ModuleInfo is immutable once decode_module() returns it; compiled code and instances
//    only read it, from any thread.
// 2. It owns a copy of the module bytes; function bodies, data segments and custom sections
//    are (offset, size) ranges into them, never copied again.
// 3. Index spaces follow the spec: imported functions/tables/memories/globals come first.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jit/opcodes.h"
#include "jit/types.h"
#include "tern/result.h"

namespace tern {

// A byte range inside ModuleInfo::bytes.
struct ByteRange {
  uint32_t offset = 0;
  uint32_t size = 0;
};

// A constant expression, kept decoded: a short list of instructions evaluated on a stack
// (one instruction in WebAssembly 2.0; several with extended-const).
struct ConstInstr {
  Op op = Op::Nop;      // I32Const, I64Const, F32Const, F64Const, V128Const, GlobalGet, RefNull, RefFunc, I32Add, ...
  uint64_t value = 0;   // the constant's bits, or the global/function index, or the ref type
  uint64_t value_hi = 0;  // upper half of a v128 constant
};
struct ConstExpr {
  std::vector<ConstInstr> code;
  ByteRange bytes;
};

struct Import {
  std::string module;
  std::string field;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;  // the index this import takes in its kind's index space
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

struct Function {
  uint32_t type_index = 0;
  bool imported = false;
  ByteRange body;  // code section entry (locals + expression); empty for imports
};

struct Global {
  GlobalType type;
  bool imported = false;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  ValType type = ValType::FuncRef;
  uint32_t table = 0;
  ConstExpr offset;              // active segments only
  std::vector<ConstExpr> items;  // each is ref.func i, ref.null t or global.get g
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t memory = 0;
  ConstExpr offset;  // active segments only
  ByteRange init;
};

struct CustomSection {
  std::string name;
  ByteRange contents;
};

struct NameSection {
  std::string module_name;
  std::map<uint32_t, std::string> functions;
  std::map<uint32_t, std::map<uint32_t, std::string>> locals;
};

struct ModuleInfo {
  std::vector<uint8_t> bytes;  // the whole binary

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<Function> functions;  // imported first
  std::vector<TableType> tables;    // imported first
  std::vector<MemoryType> memories; // imported first
  std::vector<Global> globals;      // imported first
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<CustomSection> customs;
  NameSection names;

  uint32_t num_imported_functions = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  // Functions that may appear in ref.func inside code: those named in exports, element
  // segments and global initializers ("declared" in the spec's C.refs).
  std::vector<bool> declared_refs;

  const FuncType& func_type(uint32_t func) const { return types[functions[func].type_index]; }
  std::span<const uint8_t> range(ByteRange r) const { return {bytes.data() + r.offset, r.size}; }
  // The function's name from the name section, or "" if it has none.
  std::string_view function_name(uint32_t func) const;
  // "function 3 \"$foo\"" for messages.
  std::string describe_function(uint32_t func) const;
};

// Implementation limits, checked while decoding so that no size field drives allocation
// past them (a 100-byte file claiming 4 billion functions fails fast).
struct DecodeLimits {
  uint32_t max_types = 1'000'000;
  uint32_t max_functions = 1'000'000;
  uint32_t max_imports = 100'000;
  uint32_t max_exports = 100'000;
  uint32_t max_globals = 1'000'000;
  uint32_t max_tables = 100'000;
  uint32_t max_data_segments = 100'000;
  uint32_t max_elem_segments = 10'000'000;
  uint32_t max_table_init = 10'000'000;
  uint32_t max_params = 1'000;
  uint32_t max_results = 1'000;
  uint32_t max_locals = 50'000;
  uint32_t max_function_size = 7'654'321;
  uint32_t max_br_table_size = 65'520;
  uint32_t max_module_size = 1'024u * 1'024 * 1'024;
};

struct DecodeOptions {
  Features features;
  DecodeLimits limits;
  bool validate_functions = true;  // run the function-body validator on every body
};

// Decodes and validates a whole module (every section and every function body).
Result<std::shared_ptr<const ModuleInfo>> decode_module(std::span<const uint8_t> bytes,
                                                        const DecodeOptions& options = {});

// Validates one function body of a decoded module (used by decode_module and the compiler).
Status validate_function(const ModuleInfo& module, uint32_t func, const Features& features,
                         const DecodeLimits& limits = {});

std::string_view section_name(uint8_t id);

}  // namespace tern
