// The module decoder: every section of the binary format, validated as it is read.
//
// DESIGN
// 1. Sections are read through a sub-reader of exactly the declared size; a section that
//    ends early or late is "section size mismatch".
// 2. Counts read from the input are compared with the bytes left (each element takes at least
//    one byte) and with DecodeLimits before anything is reserved.
// 3. Function bodies are validated after the last section, when everything they refer to
//    (declared function references, data count, element segments) is known.
// 4. Custom sections never make a module invalid; a broken name section is ignored.
// 5. One pass: the first problem met is reported. A module both invalid early and malformed
//    later reports Invalid, where the spec (decode everything, then validate) says Malformed;
//    either way it is rejected.
#include <algorithm>
#include <unordered_set>

#include "jit/function_decoder.h"
#include "jit/module.h"
#include "jit/reader.h"

namespace tern {
namespace {

constexpr uint8_t kSecCustom = 0, kSecType = 1, kSecImport = 2, kSecFunction = 3, kSecTable = 4,
                  kSecMemory = 5, kSecGlobal = 6, kSecExport = 7, kSecStart = 8, kSecElement = 9,
                  kSecCode = 10, kSecData = 11, kSecDataCount = 12;

// Position of each known section in the required order (data count sits before code).
int section_rank(uint8_t id) {
  static constexpr int kRank[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return kRank[id];
}

std::string hex2(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

class ModuleDecoder {
 public:
  ModuleDecoder(std::span<const uint8_t> bytes, const DecodeOptions& options)
      : opts_(options), features_(options.features), m_(std::make_shared<ModuleInfo>()) {
    m_->bytes.assign(bytes.begin(), bytes.end());
  }

  Result<std::shared_ptr<const ModuleInfo>> decode() {
    if (m_->bytes.size() > opts_.limits.max_module_size)
      return Error(ErrorKind::Limit, "module of " + std::to_string(m_->bytes.size()) + " bytes exceeds the limit of " +
                                         std::to_string(opts_.limits.max_module_size));
    Reader r(m_->bytes);
    if (!decode_header(r)) return r.error();
    int last_rank = 0;
    while (!r.at_end()) {
      size_t section_start = r.offset();
      uint8_t id = r.u8("section id");
      uint32_t size = r.u32("section size");
      if (r.failed()) return r.error();
      if (id > kSecDataCount) {
        r.fail_at(section_start, "malformed section id " + std::to_string(id));
        return r.error();
      }
      if (id != kSecCustom) {
        if (section_rank(id) <= last_rank) {
          r.fail_at(section_start, "unexpected section: section " + std::to_string(id) + " (" +
                                       std::string(section_name(id)) + ") out of order or repeated");
          return r.error();
        }
        last_rank = section_rank(id);
      }
      r.set_context("section " + std::to_string(id) + " (" + std::string(section_name(id)) + ")");
      Reader s = r.sub(size, "section contents");
      if (r.failed()) return r.error();
      decode_section(id, s);
      if (s.failed()) return s.error();
      if (!s.at_end()) {
        s.fail("section size mismatch: " + std::to_string(s.remaining()) + " bytes left at end of section");
        return s.error();
      }
      r.set_context({});
    }
    if (!check_end(r)) return r.error();
    ensure_declared_refs();
    if (opts_.validate_functions) {
      for (uint32_t f = m_->num_imported_functions; f < m_->functions.size(); ++f) {
        Status st = validate_function(*m_, f, features_, opts_.limits);
        if (!st.ok()) return std::move(st).error();
      }
    }
    return std::shared_ptr<const ModuleInfo>(std::move(m_));
  }

 private:
  bool decode_header(Reader& r) {
    uint32_t magic = r.fixed_u32("magic");
    if (r.failed() || magic != 0x6d736100) {
      Reader fresh(m_->bytes);
      fresh.fail_at(0, "magic header not detected (expected \\0asm)");
      r = fresh;
      return false;
    }
    uint32_t version = r.fixed_u32("version");
    if (r.failed()) return false;
    if (version != 1) {
      r.fail_at(4, "unknown binary version " + std::to_string(version) + " (expected 1)");
      return false;
    }
    return true;
  }

  bool check_end(Reader& r) {
    uint32_t defined = static_cast<uint32_t>(m_->functions.size()) - m_->num_imported_functions;
    if (defined != code_count_) {
      r.fail("function and code section have inconsistent lengths (" + std::to_string(defined) + " functions, " +
             std::to_string(code_count_) + " bodies)");
      return false;
    }
    if (m_->data_count && *m_->data_count != m_->datas.size()) {
      r.fail("data count and data section have inconsistent lengths (" + std::to_string(*m_->data_count) +
             " declared, " + std::to_string(m_->datas.size()) + " segments)");
      return false;
    }
    return true;
  }

  // A vector count, checked against the bytes left and a limit.
  uint32_t count(Reader& s, const char* what, uint32_t limit) {
    size_t at = s.offset();
    uint32_t n = s.u32(what);
    if (s.failed()) return 0;
    if (n > s.remaining()) {
      s.fail_at(at, std::string("length out of bounds: ") + what + " " + std::to_string(n) + " with only " +
                        std::to_string(s.remaining()) + " bytes left");
      return 0;
    }
    if (n > limit) {
      s.fail_at(at, std::string(what) + " " + std::to_string(n) + " exceeds the limit of " + std::to_string(limit));
      return 0;
    }
    return n;
  }

  void decode_section(uint8_t id, Reader& s) {
    switch (id) {
      case kSecCustom: return decode_custom(s);
      case kSecType: return decode_types(s);
      case kSecImport: return decode_imports(s);
      case kSecFunction: return decode_functions(s);
      case kSecTable: return decode_tables(s);
      case kSecMemory: return decode_memories(s);
      case kSecGlobal: return decode_globals(s);
      case kSecExport: return decode_exports(s);
      case kSecStart: return decode_start(s);
      case kSecElement: return decode_elems(s);
      case kSecCode: return decode_code(s);
      case kSecData: return decode_datas(s);
      case kSecDataCount: m_->data_count = s.u32("data count"); return;
    }
  }

  // ---- types ------------------------------------------------------------------------------
  ValType valtype(Reader& s) {
    size_t at = s.offset();
    uint8_t b = s.u8("value type");
    if (s.failed()) return ValType::Unknown;
    switch (b) {
      case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x70: case 0x6f: return static_cast<ValType>(b);
      case 0x7b: if (features_.simd) return ValType::V128; break;
      default: break;
    }
    s.fail_at(at, "malformed value type " + hex2(b));
    return ValType::Unknown;
  }

  ValType reftype(Reader& s) {
    size_t at = s.offset();
    uint8_t b = s.u8("reference type");
    if (s.failed()) return ValType::Unknown;
    if (b == 0x70 || b == 0x6f) return static_cast<ValType>(b);
    s.fail_at(at, "malformed reference type " + hex2(b));
    return ValType::Unknown;
  }

  void decode_types(Reader& s) {
    uint32_t n = count(s, "type count", opts_.limits.max_types);
    m_->types.reserve(n);
    for (uint32_t i = 0; i < n && s.ok(); ++i) {
      size_t at = s.offset();
      uint8_t form = s.u8("type form");
      if (s.ok() && form != 0x60) return s.fail_at(at, "malformed function type form " + hex2(form) + " (expected 0x60)");
      FuncType t;
      uint32_t np = count(s, "parameter count", opts_.limits.max_params);
      for (uint32_t k = 0; k < np && s.ok(); ++k) t.params.push_back(valtype(s));
      uint32_t nr = count(s, "result count", opts_.limits.max_results);
      for (uint32_t k = 0; k < nr && s.ok(); ++k) t.results.push_back(valtype(s));
      m_->types.push_back(std::move(t));
    }
  }

  Limits limits(Reader& s, bool memory) {
    Limits l;
    size_t at = s.offset();
    uint8_t flags = s.u8("limits flags");
    if (s.failed()) return l;
    bool ok_flags = flags <= 1 || (memory && features_.threads && flags <= 3);
    if (!ok_flags) {
      s.fail_at(at, "malformed limits flags " + hex2(flags));
      return l;
    }
    l.shared = flags & 2;
    l.min = s.u32("minimum");
    if (flags & 1) l.max = s.u32("maximum");
    if (s.failed()) return l;
    const char* unit = memory ? "memory size" : "table size";
    if (memory) {
      if (l.min > kMaxPages32) s.invalid_at(at, "memory size must be at most 65536 pages (4GiB)");
      else if (l.max && *l.max > kMaxPages32) s.invalid_at(at, "memory size must be at most 65536 pages (4GiB)");
    }
    if (s.ok() && l.max && l.min > *l.max)
      s.invalid_at(at, std::string("size minimum must not be greater than maximum (") + unit + " " +
                           std::to_string(l.min) + " > " + std::to_string(*l.max) + ")");
    if (s.ok() && l.shared && !l.max) s.invalid_at(at, "shared memory must have maximum");
    return l;
  }

  TableType table_type(Reader& s) {
    TableType t;
    t.elem = reftype(s);
    t.limits = limits(s, false);
    return t;
  }

  GlobalType global_type(Reader& s) {
    GlobalType g;
    g.type = valtype(s);
    size_t at = s.offset();
    uint8_t mut = s.u8("global mutability");
    if (s.ok() && mut > 1) s.fail_at(at, "malformed mutability " + hex2(mut));
    g.mut = mut == 1;
    return g;
  }

  void add_table(Reader& s, TableType tt, size_t at) {
    if (!m_->tables.empty() && !features_.reference_types) {
      s.invalid_at(at, "multiple tables are not allowed without the reference-types proposal");
      return;
    }
    m_->tables.push_back(tt);
  }

  void add_memory(Reader& s, MemoryType mt, size_t at) {
    if (!m_->memories.empty() && !features_.multi_memory) {
      s.invalid_at(at, "multiple memories are not allowed without the multi-memory proposal");
      return;
    }
    m_->memories.push_back(mt);
  }

  // ---- imports ----------------------------------------------------------------------------
  void decode_imports(Reader& s) {
    uint32_t n = count(s, "import count", opts_.limits.max_imports);
    m_->imports.reserve(n);
    for (uint32_t i = 0; i < n && s.ok(); ++i) {
      Import imp;
      imp.module = std::string(s.name("import module name"));
      imp.field = std::string(s.name("import field name"));
      size_t at = s.offset();
      uint8_t kind = s.u8("import kind");
      if (s.failed()) return;
      switch (kind) {
        case 0: {
          uint32_t type = s.u32("type index");
          if (s.ok() && type >= m_->types.size())
            return s.invalid_at(at, "unknown type " + std::to_string(type) + " in import #" + std::to_string(i));
          imp.index = static_cast<uint32_t>(m_->functions.size());
          m_->functions.push_back(Function{type, true, {}});
          m_->num_imported_functions++;
          break;
        }
        case 1:
          imp.index = static_cast<uint32_t>(m_->tables.size());
          add_table(s, table_type(s), at);
          m_->num_imported_tables++;
          break;
        case 2:
          imp.index = static_cast<uint32_t>(m_->memories.size());
          add_memory(s, MemoryType{limits(s, true)}, at);
          m_->num_imported_memories++;
          break;
        case 3: {
          imp.index = m_->num_imported_globals;
          Global g;
          g.type = global_type(s);
          g.imported = true;
          m_->globals.push_back(std::move(g));
          m_->num_imported_globals++;
          break;
        }
        default:
          return s.fail_at(at, "malformed import kind " + hex2(kind));
      }
      imp.kind = static_cast<ExternKind>(kind);
      m_->imports.push_back(std::move(imp));
    }
  }

  void decode_functions(Reader& s) {
    uint32_t n = count(s, "function count", opts_.limits.max_functions);
    m_->functions.reserve(m_->functions.size() + n);
    for (uint32_t i = 0; i < n && s.ok(); ++i) {
      size_t at = s.offset();
      uint32_t type = s.u32("type index");
      if (s.ok() && type >= m_->types.size())
        return s.invalid_at(at, "unknown type " + std::to_string(type) + " for function " +
                                    std::to_string(m_->functions.size()));
      m_->functions.push_back(Function{type, false, {}});
    }
  }

  void decode_tables(Reader& s) {
    uint32_t n = count(s, "table count", opts_.limits.max_tables);
    for (uint32_t i = 0; i < n && s.ok(); ++i) {
      size_t at = s.offset();
      TableType tt = table_type(s);
      if (s.ok()) add_table(s, tt, at);
    }
  }

  void decode_memories(Reader& s) {
    uint32_t n = count(s, "memory count", 100);
    for (uint32_t i = 0; i < n && s.ok(); ++i) {
      size_t at = s.offset();
      MemoryType mt{limits(s, true)};
      if (s.ok()) add_memory(s, mt, at);
    }
  }

  // ---- constant expressions ---------------------------------------------------------------
  // Decodes a constant expression of type `expect`. `globals_visible` is how many globals
  // global.get may name (only imported ones in a global initializer).
  ConstExpr const_expr(Reader& s, ValType expect, uint32_t globals_visible) {
    ConstExpr e;
    size_t start = s.offset();
    std::vector<ValType> stack;
    while (s.ok()) {
      size_t at = s.offset();
      uint8_t b = s.u8("constant expression");
      if (s.failed()) break;
      if (b == 0x0b) {
        if (stack.size() != 1 || (stack[0] != expect && stack[0] != ValType::Unknown)) {
          std::string found = stack.empty() ? "nothing" : std::string(to_string(stack.back()));
          if (stack.size() > 1) found = std::to_string(stack.size()) + " values";
          s.invalid_at(at, "type mismatch in constant expression: expected " + std::string(to_string(expect)) +
                               ", found " + found);
        }
        break;
      }
      ConstInstr ci;
      uint16_t id = b == 0xfd ? lookup_op(0xfd, s.u32("opcode")) : lookup_op(0, b);
      if (s.failed()) break;
      if (id == kNoOp) return fail_const(s, at, e, "illegal opcode " + hex2(b) + " in constant expression");
      ci.op = static_cast<Op>(id);
      ValType result;
      switch (ci.op) {
        case Op::I32Const: ci.value = static_cast<uint32_t>(s.s32("i32 constant")); result = ValType::I32; break;
        case Op::I64Const: ci.value = static_cast<uint64_t>(s.s64("i64 constant")); result = ValType::I64; break;
        case Op::F32Const: ci.value = s.fixed_u32("f32 constant"); result = ValType::F32; break;
        case Op::F64Const: ci.value = s.fixed_u64("f64 constant"); result = ValType::F64; break;
        case Op::V128Const:
          if (!features_.simd) return fail_const(s, at, e, "illegal opcode in constant expression");
          ci.value = s.fixed_u64("v128 constant");
          ci.value_hi = s.fixed_u64("v128 constant");
          result = ValType::V128;
          break;
        case Op::RefNull: result = reftype(s); ci.value = static_cast<uint64_t>(result); break;
        case Op::RefFunc: {
          uint32_t f = s.u32("function index");
          if (s.ok() && f >= m_->functions.size())
            return fail_const(s, at, e, "unknown function " + std::to_string(f), true);
          if (s.ok()) m_->declared_refs[f] = true;
          ci.value = f;
          result = ValType::FuncRef;
          break;
        }
        case Op::GlobalGet: {
          uint32_t g = s.u32("global index");
          if (s.failed()) break;
          if (g >= globals_visible) return fail_const(s, at, e, "unknown global " + std::to_string(g), true);
          if (m_->globals[g].type.mut)
            return fail_const(s, at, e, "constant expression required (global.get of mutable global " +
                                            std::to_string(g) + ")", true);
          ci.value = g;
          result = m_->globals[g].type.type;
          break;
        }
        case Op::I32Add: case Op::I32Sub: case Op::I32Mul:
        case Op::I64Add: case Op::I64Sub: case Op::I64Mul: {
          if (!features_.extended_const)
            return fail_const(s, at, e, "constant expression required (" + std::string(name(ci.op)) + ")", true);
          ValType t = info(ci.op).sig.params[0];
          for (int k = 0; k < 2; ++k) {
            if (stack.empty() || (stack.back() != t)) {
              return fail_const(s, at, e, "type mismatch in constant expression", true);
            }
            stack.pop_back();
          }
          result = t;
          break;
        }
        default:
          return fail_const(s, at, e, "constant expression required (" + std::string(name(ci.op)) + ")", true);
      }
      if (s.failed()) break;
      stack.push_back(result);
      e.code.push_back(ci);
    }
    e.bytes = ByteRange{static_cast<uint32_t>(start), static_cast<uint32_t>(s.offset() - start)};
    return e;
  }

  ConstExpr fail_const(Reader& s, size_t at, ConstExpr& e, std::string msg, bool invalid = false) {
    if (invalid) s.invalid_at(at, std::move(msg));
    else s.fail_at(at, std::move(msg));
    return std::move(e);
  }

  void decode_globals(Reader& s) {
    uint32_t n = count(s, "global count", opts_.limits.max_globals);
    ensure_declared_refs();
    for (uint32_t i = 0; i < n && s.ok(); ++i) {
      Global g;
      g.type = global_type(s);
      if (s.failed()) return;
      g.init = const_expr(s, g.type.type, m_->num_imported_globals);
      m_->globals.push_back(std::move(g));
    }
  }

  void ensure_declared_refs() {
    if (m_->declared_refs.size() != m_->functions.size()) m_->declared_refs.resize(m_->functions.size(), false);
  }

  // ---- exports, start ---------------------------------------------------------------------
  void decode_exports(Reader& s) {
    uint32_t n = count(s, "export count", opts_.limits.max_exports);
    ensure_declared_refs();
    std::unordered_set<std::string_view> seen;
    m_->exports.reserve(n);
    for (uint32_t i = 0; i < n && s.ok(); ++i) {
      size_t at = s.offset();
      Export ex;
      std::string_view nm = s.name("export name");
      size_t kind_at = s.offset();
      uint8_t kind = s.u8("export kind");
      ex.index = s.u32("export index");
      if (s.failed()) return;
      if (kind > 3) return s.fail_at(kind_at, "malformed export kind " + hex2(kind));
      ex.kind = static_cast<ExternKind>(kind);
      size_t limit = ex.kind == ExternKind::Func     ? m_->functions.size()
                     : ex.kind == ExternKind::Table  ? m_->tables.size()
                     : ex.kind == ExternKind::Memory ? m_->memories.size()
                                                     : m_->globals.size();
      if (ex.index >= limit)
        return s.invalid_at(at, "unknown " + std::string(ex.kind == ExternKind::Func ? "function" : to_string(ex.kind)) + " " + std::to_string(ex.index) +
                                    " in export \"" + std::string(nm) + "\"");
      if (!seen.insert(nm).second) return s.invalid_at(at, "duplicate export name \"" + std::string(nm) + "\"");
      if (ex.kind == ExternKind::Func) m_->declared_refs[ex.index] = true;
      ex.name = std::string(nm);
      m_->exports.push_back(std::move(ex));
    }
  }

  void decode_start(Reader& s) {
    size_t at = s.offset();
    uint32_t f = s.u32("start function index");
    if (s.failed()) return;
    if (f >= m_->functions.size()) return s.invalid_at(at, "unknown function " + std::to_string(f) + " as start");
    const FuncType& t = m_->func_type(f);
    if (!t.params.empty() || !t.results.empty())
      return s.invalid_at(at, "start function " + std::to_string(f) + " must have type () -> (), has " + to_string(t));
    m_->start = f;
  }

  // ---- element segments -------------------------------------------------------------------
  void decode_elems(Reader& s) {
    uint32_t n = count(s, "element segment count", opts_.limits.max_elem_segments);
    ensure_declared_refs();
    for (uint32_t i = 0; i < n && s.ok(); ++i) decode_elem(s);
  }

  void decode_elem(Reader& s) {
    size_t at = s.offset();
    uint32_t flags = s.u32("element segment flags");
    if (s.failed()) return;
    if (flags > 7) return s.fail_at(at, "malformed elements segment kind " + std::to_string(flags));
    ElemSegment seg;
    bool explicit_table = flags & 2;
    bool uses_exprs = flags & 4;
    if (flags & 1) seg.mode = explicit_table ? SegmentMode::Declarative : SegmentMode::Passive;
    if (seg.mode == SegmentMode::Active) {
      if (explicit_table) seg.table = s.u32("table index");
      if (s.failed()) return;
      if (seg.table >= m_->tables.size()) return s.invalid_at(at, "unknown table " + std::to_string(seg.table));
      seg.offset = const_expr(s, ValType::I32, m_->num_imported_globals);
    }
    if (flags & 3) {  // an element kind or reference type follows
      if (uses_exprs) {
        seg.type = reftype(s);
      } else {
        size_t kat = s.offset();
        uint8_t kind = s.u8("element kind");
        if (s.ok() && kind != 0) return s.fail_at(kat, "malformed element kind " + hex2(kind));
      }
    }
    uint32_t n = count(s, "element count", opts_.limits.max_table_init);
    seg.items.reserve(n);
    for (uint32_t k = 0; k < n && s.ok(); ++k) {
      if (uses_exprs) {
        seg.items.push_back(const_expr(s, seg.type, m_->num_imported_globals));
        continue;
      }
      size_t fat = s.offset();
      uint32_t f = s.u32("function index");
      if (s.ok() && f >= m_->functions.size()) return s.invalid_at(fat, "unknown function " + std::to_string(f));
      if (s.failed()) return;
      m_->declared_refs[f] = true;
      ConstExpr e;
      e.code.push_back(ConstInstr{Op::RefFunc, f, 0});
      seg.items.push_back(std::move(e));
    }
    if (s.ok() && seg.mode == SegmentMode::Active && m_->tables[seg.table].elem != seg.type)
      return s.invalid_at(at, "type mismatch: element segment of " + std::string(to_string(seg.type)) +
                                  " for table " + std::to_string(seg.table) + " of " +
                                  std::string(to_string(m_->tables[seg.table].elem)));
    m_->elems.push_back(std::move(seg));
  }

  // ---- code, data -------------------------------------------------------------------------
  void decode_code(Reader& s) {
    uint32_t n = count(s, "function body count", opts_.limits.max_functions);
    uint32_t defined = static_cast<uint32_t>(m_->functions.size()) - m_->num_imported_functions;
    if (s.ok() && n != defined)
      return s.fail("function and code section have inconsistent lengths (" + std::to_string(defined) +
                    " functions, " + std::to_string(n) + " bodies)");
    ensure_declared_refs();
    for (uint32_t i = 0; i < n && s.ok(); ++i) {
      size_t at = s.offset();
      uint32_t size = s.u32("function body size");
      if (s.failed()) return;
      if (size > opts_.limits.max_function_size)
        return s.fail_at(at, "function body of " + std::to_string(size) + " bytes exceeds the limit");
      if (size > s.remaining()) return s.fail_at(at, "length out of bounds: function body size " + std::to_string(size));
      if (size == 0) return s.fail_at(at, "unexpected end: empty function body");
      Function& f = m_->functions[m_->num_imported_functions + i];
      f.body = ByteRange{static_cast<uint32_t>(s.offset()), size};
      s.skip(size, "function body");
    }
    code_count_ = n;
  }

  void decode_datas(Reader& s) {
    uint32_t n = count(s, "data segment count", opts_.limits.max_data_segments);
    if (s.ok() && m_->data_count && *m_->data_count != n)
      return s.fail("data count and data section have inconsistent lengths (" + std::to_string(*m_->data_count) +
                    " declared, " + std::to_string(n) + " segments)");
    for (uint32_t i = 0; i < n && s.ok(); ++i) {
      size_t at = s.offset();
      uint32_t flags = s.u32("data segment flags");
      if (s.failed()) return;
      if (flags > 2) return s.fail_at(at, "malformed data segment kind " + std::to_string(flags));
      DataSegment seg;
      if (flags == 1) {
        seg.mode = SegmentMode::Passive;
      } else {
        if (flags == 2) seg.memory = s.u32("memory index");
        if (s.failed()) return;
        if (seg.memory >= m_->memories.size()) return s.invalid_at(at, "unknown memory " + std::to_string(seg.memory));
        seg.offset = const_expr(s, ValType::I32, m_->num_imported_globals);
      }
      uint32_t size = s.u32("data segment size");
      if (s.ok() && size > s.remaining())
        return s.fail("unexpected end of section or function: data segment of " + std::to_string(size) +
                      " bytes with " + std::to_string(s.remaining()) + " left");
      seg.init = ByteRange{static_cast<uint32_t>(s.offset()), size};
      s.skip(size, "data segment bytes");
      m_->datas.push_back(std::move(seg));
    }
  }

  // ---- custom sections --------------------------------------------------------------------
  void decode_custom(Reader& s) {
    std::string_view nm = s.name("custom section name");
    if (s.failed()) return;
    CustomSection cs{std::string(nm), ByteRange{static_cast<uint32_t>(s.offset()), static_cast<uint32_t>(s.remaining())}};
    if (nm == "name") decode_names(s.sub(s.remaining(), "name section"));
    else s.skip(s.remaining(), "custom section");
    m_->customs.push_back(std::move(cs));
  }

  // Parses the name section; on any error keeps what it read and ignores the rest.
  void decode_names(Reader s) {
    while (!s.at_end() && s.ok()) {
      uint8_t id = s.u8("name subsection id");
      uint32_t size = s.u32("name subsection size");
      Reader sub = s.sub(size, "name subsection");
      if (s.failed()) return;
      if (id == 0) {
        m_->names.module_name = std::string(sub.name("module name"));
      } else if (id == 1) {
        uint32_t n = sub.u32("function name count");
        for (uint32_t i = 0; i < n && sub.ok(); ++i) {
          uint32_t idx = sub.u32("function index");
          std::string_view nm = sub.name("function name");
          if (sub.ok()) m_->names.functions[idx] = std::string(nm);
        }
      } else if (id == 2) {
        uint32_t n = sub.u32("local name function count");
        for (uint32_t i = 0; i < n && sub.ok(); ++i) {
          uint32_t func = sub.u32("function index");
          uint32_t k = sub.u32("local name count");
          for (uint32_t j = 0; j < k && sub.ok(); ++j) {
            uint32_t local = sub.u32("local index");
            std::string_view nm = sub.name("local name");
            if (sub.ok()) m_->names.locals[func][local] = std::string(nm);
          }
        }
      }
    }
  }

  const DecodeOptions& opts_;
  const Features& features_;
  std::shared_ptr<ModuleInfo> m_;
  uint32_t code_count_ = 0;
};

}  // namespace

Result<std::shared_ptr<const ModuleInfo>> decode_module(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  return ModuleDecoder(bytes, options).decode();
}

}  // namespace tern
