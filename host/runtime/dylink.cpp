// dylink.0: a sequence of subsections, each `u8 type, u32 size, payload`. Unknown subsection
// types are skipped (the format allows new ones).
#include "host/runtime/dylink.h"

#include "jit/reader.h"

namespace tern {
namespace {

enum DylinkSubsection : uint8_t {
  kMemInfo = 1,
  kNeeded = 2,
  kExportInfo = 3,
  kImportInfo = 4,
};
constexpr uint32_t kSymbolBindingWeak = 0x1;
constexpr uint32_t kSymbolTls = 0x100;

}  // namespace

Result<DylinkInfo> read_dylink(const ModuleInfo& module) {
  const CustomSection* section = nullptr;
  for (const CustomSection& c : module.customs)
    if (c.name == "dylink.0") section = &c;
  if (!section)
    return Error(ErrorKind::Link, "not a side module: no dylink.0 section (build it with clang -fPIC and wasm-ld "
                                  "-shared --experimental-pic)");
  DylinkInfo info;
  Reader r(module.range(section->contents), section->contents.offset);
  r.set_context("dylink.0 section");
  while (!r.at_end() && r.ok()) {
    uint8_t type = r.u8("subsection type");
    uint32_t size = r.u32("subsection size");
    Reader sub = r.sub(size, "subsection");
    switch (type) {
      case kMemInfo:
        info.mem_size = sub.u32("memory size");
        info.mem_align_log2 = sub.u32("memory alignment");
        info.table_size = sub.u32("table size");
        info.table_align_log2 = sub.u32("table alignment");
        if (sub.ok() && (info.mem_align_log2 > 16 || info.table_align_log2 > 16))
          sub.fail("alignment 2^" + std::to_string(std::max(info.mem_align_log2, info.table_align_log2)) + " is too large");
        break;
      case kNeeded: {
        uint32_t n = sub.u32("needed count");
        for (uint32_t i = 0; i < n && sub.ok(); ++i) info.needed.emplace_back(sub.name("needed library"));
        break;
      }
      case kExportInfo: {
        uint32_t n = sub.u32("export info count");
        for (uint32_t i = 0; i < n && sub.ok(); ++i) {
          std::string name(sub.name("export name"));
          if (sub.u32("export flags") & kSymbolTls) info.tls_exports.insert(std::move(name));
        }
        break;
      }
      case kImportInfo: {
        uint32_t n = sub.u32("import info count");
        for (uint32_t i = 0; i < n && sub.ok(); ++i) {
          std::string mod(sub.name("import module"));
          std::string field(sub.name("import field"));
          if (sub.u32("import flags") & kSymbolBindingWeak) info.weak_imports.emplace(std::move(mod), std::move(field));
        }
        break;
      }
      default: break;  // skipped whole by sub()
    }
    if (sub.failed()) return sub.error();
  }
  if (r.failed()) return r.error();
  return info;
}

}  // namespace tern
