// `tern inspect --json`: the same facts as the text output, as one JSON object.
#include <string>

#include "host/cli/inspect.h"

namespace tern::cli {
namespace {

using Json = nlohmann::ordered_json;

Json max_json(const Limits& l) { return l.max ? Json(*l.max) : Json(nullptr); }

// The import that provides item `index` of `kind`, if any: {"module": ..., "name": ...}.
Json import_json(const ModuleInfo& m, ExternKind kind, uint32_t index) {
  for (const Import& imp : m.imports) {
    if (imp.kind == kind && imp.index == index) return Json{{"module", imp.module}, {"name", imp.field}};
  }
  return nullptr;
}

Json const_expr_json(const ConstExpr& e) { return describe_const_expr(e); }

}  // namespace

Json inspect_json(std::string_view file, const ModuleInfo& m) {
  Json j;
  j["file"] = std::string(file);
  j["size"] = m.bytes.size();
  j["valid"] = true;

  Json types = Json::array();
  for (const FuncType& t : m.types) types.push_back(to_string(t));
  j["types"] = std::move(types);

  j["functions"] = {{"total", m.functions.size()},
                    {"imported", m.num_imported_functions},
                    {"defined", m.functions.size() - m.num_imported_functions}};

  Json imports = Json::array();
  for (const Import& imp : m.imports) {
    imports.push_back({{"module", imp.module},
                       {"name", imp.field},
                       {"kind", to_string(imp.kind)},
                       {"index", imp.index},
                       {"type", describe_extern(m, imp.kind, imp.index)}});
  }
  j["imports"] = std::move(imports);

  Json exports = Json::array();
  for (const Export& ex : m.exports) {
    exports.push_back({{"name", ex.name},
                       {"kind", to_string(ex.kind)},
                       {"index", ex.index},
                       {"type", describe_extern(m, ex.kind, ex.index)}});
  }
  j["exports"] = std::move(exports);

  Json memories = Json::array();
  for (uint32_t i = 0; i < m.memories.size(); ++i) {
    const Limits& l = m.memories[i].limits;
    memories.push_back({{"index", i},
                        {"min", l.min},
                        {"max", max_json(l)},
                        {"shared", l.shared},
                        {"imported", i < m.num_imported_memories},
                        {"import", import_json(m, ExternKind::Memory, i)}});
  }
  j["memories"] = std::move(memories);

  Json tables = Json::array();
  for (uint32_t i = 0; i < m.tables.size(); ++i) {
    const TableType& t = m.tables[i];
    tables.push_back({{"index", i},
                      {"type", to_string(t.elem)},
                      {"min", t.limits.min},
                      {"max", max_json(t.limits)},
                      {"imported", i < m.num_imported_tables},
                      {"import", import_json(m, ExternKind::Table, i)}});
  }
  j["tables"] = std::move(tables);

  Json globals = Json::array();
  for (uint32_t i = 0; i < m.globals.size(); ++i) {
    const Global& g = m.globals[i];
    globals.push_back({{"index", i},
                       {"type", to_string(g.type.type)},
                       {"mutable", g.type.mut},
                       {"imported", g.imported},
                       {"import", import_json(m, ExternKind::Global, i)},
                       {"init", g.imported ? Json(nullptr) : const_expr_json(g.init)}});
  }
  j["globals"] = std::move(globals);

  if (m.start) {
    const std::string_view name = m.function_name(*m.start);
    j["start"] = {{"function", *m.start}, {"name", name.empty() ? Json(nullptr) : Json(std::string(name))}};
  } else {
    j["start"] = nullptr;
  }

  Json datas = Json::array();
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& d = m.datas[i];
    const bool active = d.mode == SegmentMode::Active;
    datas.push_back({{"index", i},
                     {"mode", describe_mode(d.mode)},
                     {"memory", active ? Json(d.memory) : Json(nullptr)},
                     {"offset", active ? const_expr_json(d.offset) : Json(nullptr)},
                     {"size", d.init.size}});
  }
  j["data"] = std::move(datas);

  Json elems = Json::array();
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& e = m.elems[i];
    const bool active = e.mode == SegmentMode::Active;
    elems.push_back({{"index", i},
                     {"mode", describe_mode(e.mode)},
                     {"table", active ? Json(e.table) : Json(nullptr)},
                     {"offset", active ? const_expr_json(e.offset) : Json(nullptr)},
                     {"type", to_string(e.type)},
                     {"items", e.items.size()}});
  }
  j["elements"] = std::move(elems);

  Json customs = Json::array();
  for (const CustomSection& c : m.customs) customs.push_back({{"name", c.name}, {"size", c.contents.size}});
  j["customs"] = std::move(customs);
  return j;
}

}  // namespace tern::cli
