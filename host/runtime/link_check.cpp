// Import matching (DESIGN block in link_check.h).

#include "host/runtime/link_check.h"

#include <string>

namespace tern {
namespace {

std::string max_text(const std::optional<uint64_t>& max) { return max ? std::to_string(*max) : "none"; }

Error mismatch(const ModuleInfo& m, size_t index, std::string_view property, std::string_view declared,
               std::string_view provided) {
  const Import& imp = m.imports[index];
  return Error(ErrorKind::Link) << "import #" << index << " " << imp.module << "." << imp.field << ": declared " << property
                                << "=" << declared << ", provided " << property << "=" << provided;
}

// Sizes: the provided object's current size must reach the declared minimum; a declared
// maximum needs a provided maximum no larger.
Status check_limits(const ModuleInfo& m, size_t index, const Limits& declared, uint64_t provided_size,
                    const std::optional<uint64_t>& provided_max) {
  if (provided_size < declared.min)
    return mismatch(m, index, "min", std::to_string(declared.min), std::to_string(provided_size));
  if (declared.max && (!provided_max || *provided_max > *declared.max))
    return mismatch(m, index, "max", max_text(declared.max), max_text(provided_max));
  return {};
}

Error missing_object(const ModuleInfo& m, size_t index, ExternKind kind) {
  const Import& imp = m.imports[index];
  return Error(ErrorKind::Link) << "import #" << index << " " << imp.module << "." << imp.field << ": the provided "
                                << to_string(kind) << " is null";
}

}  // namespace

Status check_import(const ModuleInfo& m, size_t index, const Extern& ex) {
  const Import& imp = m.imports[index];
  if (ex.kind != imp.kind) return mismatch(m, index, "kind", to_string(imp.kind), to_string(ex.kind));
  switch (imp.kind) {
    case ExternKind::Func: {
      if (!ex.func || !ex.func_type) return missing_object(m, index, imp.kind);
      const FuncType& want = m.func_type(imp.index);
      if (!(*ex.func_type == want)) return mismatch(m, index, "type", to_string(want), to_string(*ex.func_type));
      return {};
    }
    case ExternKind::Table: {
      if (!ex.table) return missing_object(m, index, imp.kind);
      const TableType& want = m.tables[imp.index];
      if (ex.table->type.elem != want.elem) return mismatch(m, index, "elem", to_string(want.elem), to_string(ex.table->type.elem));
      return check_limits(m, index, want.limits, ex.table->size(), ex.table->type.limits.max);
    }
    case ExternKind::Memory: {
      if (!ex.memory) return missing_object(m, index, imp.kind);
      const MemoryType& want = m.memories[imp.index];
      const LinearMemory& mem = *ex.memory;
      if (mem.shared() != want.limits.shared)
        return mismatch(m, index, "shared", want.limits.shared ? "1" : "0", mem.shared() ? "1" : "0");
      return check_limits(m, index, want.limits, mem.pages(), mem.max_pages());
    }
    case ExternKind::Global: {
      if (!ex.global) return missing_object(m, index, imp.kind);
      const GlobalType& want = m.globals[imp.index].type;
      if (ex.global->type.type != want.type) return mismatch(m, index, "type", to_string(want.type), to_string(ex.global->type.type));
      if (ex.global->type.mut != want.mut) return mismatch(m, index, "mut", want.mut ? "1" : "0", ex.global->type.mut ? "1" : "0");
      return {};
    }
  }
  return {};
}

}  // namespace tern
