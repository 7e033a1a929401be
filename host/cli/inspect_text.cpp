// `tern inspect` as aligned text tables.
#include <bit>
#include <charconv>
#include <cstdio>
#include <string>

#include "host/cli/inspect.h"
#include "host/cli/table.h"
#include "jit/opcodes.h"

namespace tern::cli {
namespace {

std::string yes_no(bool b) { return b ? "yes" : "no"; }

// "defined", or "import env.memory" for an imported table, memory or global.
std::string origin(const ModuleInfo& m, ExternKind kind, uint32_t index, uint32_t num_imported) {
  if (index >= num_imported) return "defined";
  for (const Import& imp : m.imports) {
    if (imp.kind == kind && imp.index == index) return "import " + printable(imp.module) + "." + printable(imp.field);
  }
  return "import";
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// "3 (1 imported, 2 defined)"
std::string counts(size_t total, uint32_t imported) {
  return std::to_string(total) + " (" + std::to_string(imported) + " imported, " +
         std::to_string(total - imported) + " defined)";
}

void section(std::ostream& os, std::string_view title, const TextTable& table, std::string_view note = {}) {
  os << "\n" << title << " (" << table.size() << ")";
  if (!note.empty() && !table.empty()) os << ", " << note;
  if (table.empty()) {
    os << ": none\n";
    return;
  }
  os << "\n";
  table.print(os);
}

std::string max_or_dash(const Limits& l) { return l.max ? std::to_string(*l.max) : "-"; }

}  // namespace

std::string describe_limits(const Limits& limits) {
  std::string s = "min " + std::to_string(limits.min);
  if (limits.max) s += " max " + std::to_string(*limits.max);
  if (limits.shared) s += " shared";
  return s;
}

std::string describe_extern(const ModuleInfo& m, ExternKind kind, uint32_t index) {
  switch (kind) {
    case ExternKind::Func:
      if (index < m.functions.size() && m.functions[index].type_index < m.types.size()) return to_string(m.func_type(index));
      break;
    case ExternKind::Table:
      if (index < m.tables.size()) return std::string(to_string(m.tables[index].elem)) + " " + describe_limits(m.tables[index].limits);
      break;
    case ExternKind::Memory:
      if (index < m.memories.size()) return describe_limits(m.memories[index].limits);
      break;
    case ExternKind::Global:
      if (index < m.globals.size()) {
        const GlobalType& g = m.globals[index].type;
        return (g.mut ? "mut " : "") + std::string(to_string(g.type));
      }
      break;
  }
  return "?";
}

std::string describe_const_expr(const ConstExpr& expr) {
  std::string s;
  for (const ConstInstr& in : expr.code) {
    if (in.op == Op::End) continue;
    if (!s.empty()) s += " ";
    s += name(in.op);
    char buf[64];
    switch (in.op) {
      case Op::I32Const:
        s += " " + std::to_string(static_cast<int32_t>(static_cast<uint32_t>(in.value)));
        break;
      case Op::I64Const:
        s += " " + std::to_string(static_cast<int64_t>(in.value));
        break;
      case Op::F32Const: {  // shortest text that reads back as the same value
        const auto f = std::bit_cast<float>(static_cast<uint32_t>(in.value));
        s += " " + std::string(buf, std::to_chars(buf, buf + sizeof buf, f).ptr);
        break;
      }
      case Op::F64Const: {
        const auto d = std::bit_cast<double>(in.value);
        s += " " + std::string(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
        break;
      }
      case Op::V128Const:  // as in the text format: four i32 lanes, lowest first
        std::snprintf(buf, sizeof buf, " i32x4 0x%08x 0x%08x 0x%08x 0x%08x", static_cast<uint32_t>(in.value),
                      static_cast<uint32_t>(in.value >> 32), static_cast<uint32_t>(in.value_hi),
                      static_cast<uint32_t>(in.value_hi >> 32));
        s += buf;
        break;
      case Op::RefNull:
        s += " " + std::string(to_string(static_cast<ValType>(in.value)));
        break;
      case Op::GlobalGet:
      case Op::RefFunc:
        s += " " + std::to_string(in.value);
        break;
      default:
        break;
    }
  }
  return s;
}

std::string_view describe_mode(SegmentMode mode) {
  switch (mode) {
    case SegmentMode::Active: return "active";
    case SegmentMode::Passive: return "passive";
    case SegmentMode::Declarative: return "declarative";
  }
  return "?";
}

std::string describe_function(const ModuleInfo& m, uint32_t func) {
  std::string s = "function " + std::to_string(func);
  if (auto n = m.function_name(func); !n.empty()) s += " \"" + printable(n) + "\"";
  return s;
}

void print_inspect_text(std::ostream& os, std::string_view file, const ModuleInfo& m) {
  os << file << ": " << m.bytes.size() << " bytes, valid\n";
  TextTable summary({"", ""});
  summary.add({"types", std::to_string(m.types.size())});
  summary.add({"functions", counts(m.functions.size(), m.num_imported_functions)});
  summary.add({"tables", counts(m.tables.size(), m.num_imported_tables)});
  summary.add({"memories", counts(m.memories.size(), m.num_imported_memories)});
  summary.add({"globals", counts(m.globals.size(), m.num_imported_globals)});
  summary.add({"imports", std::to_string(m.imports.size())});
  summary.add({"exports", std::to_string(m.exports.size())});
  summary.add({"start", m.start ? describe_function(m, *m.start) : "none"});
  summary.add({"data", plural(m.datas.size(), "segment", "segments")});
  summary.add({"elements", plural(m.elems.size(), "segment", "segments")});
  summary.add({"custom", plural(m.customs.size(), "section", "sections")});
  summary.print(os, "  ", /*header=*/false);

  TextTable imports({"module", "name", "kind", "index", "type"});
  for (const Import& imp : m.imports) {
    imports.add({printable(imp.module), printable(imp.field), std::string(to_string(imp.kind)), std::to_string(imp.index),
                 describe_extern(m, imp.kind, imp.index)});
  }
  section(os, "imports", imports);

  TextTable exports({"name", "kind", "index", "type"});
  for (const Export& ex : m.exports) {
    exports.add({printable(ex.name), std::string(to_string(ex.kind)), std::to_string(ex.index),
                 describe_extern(m, ex.kind, ex.index)});
  }
  section(os, "exports", exports);

  TextTable memories({"index", "min", "max", "shared", "origin"});
  for (uint32_t i = 0; i < m.memories.size(); ++i) {
    const Limits& l = m.memories[i].limits;
    memories.add({std::to_string(i), std::to_string(l.min), max_or_dash(l), yes_no(l.shared),
                  origin(m, ExternKind::Memory, i, m.num_imported_memories)});
  }
  section(os, "memories", memories, "sizes in 64 KiB pages");

  TextTable tables({"index", "type", "min", "max", "origin"});
  for (uint32_t i = 0; i < m.tables.size(); ++i) {
    const TableType& t = m.tables[i];
    tables.add({std::to_string(i), std::string(to_string(t.elem)), std::to_string(t.limits.min), max_or_dash(t.limits),
                origin(m, ExternKind::Table, i, m.num_imported_tables)});
  }
  section(os, "tables", tables);

  TextTable globals({"index", "type", "mutable", "origin", "init"});
  for (uint32_t i = 0; i < m.globals.size(); ++i) {
    const Global& g = m.globals[i];
    globals.add({std::to_string(i), std::string(to_string(g.type.type)), yes_no(g.type.mut),
                 origin(m, ExternKind::Global, i, m.num_imported_globals), g.imported ? "" : describe_const_expr(g.init)});
  }
  section(os, "globals", globals);

  TextTable datas({"index", "mode", "memory", "offset", "size"});
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& d = m.datas[i];
    const bool active = d.mode == SegmentMode::Active;
    datas.add({std::to_string(i), std::string(describe_mode(d.mode)), active ? std::to_string(d.memory) : "-",
               active ? describe_const_expr(d.offset) : "-", std::to_string(d.init.size)});
  }
  section(os, "data segments", datas);

  TextTable elems({"index", "mode", "table", "offset", "type", "items"});
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& e = m.elems[i];
    const bool active = e.mode == SegmentMode::Active;
    elems.add({std::to_string(i), std::string(describe_mode(e.mode)), active ? std::to_string(e.table) : "-",
               active ? describe_const_expr(e.offset) : "-", std::string(to_string(e.type)), std::to_string(e.items.size())});
  }
  section(os, "element segments", elems);

  TextTable customs({"name", "size"});
  for (const CustomSection& c : m.customs) customs.add({printable(c.name), std::to_string(c.contents.size)});
  section(os, "custom sections", customs);
}

}  // namespace tern::cli
