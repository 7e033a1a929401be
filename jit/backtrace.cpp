// Symbolizing and printing the frames a trap recorded.
#include "jit/backtrace.h"

#include <cstdio>

#include "jit/code_object.h"

namespace tern {

std::vector<WasmFrame> symbolize(const TrapInfo& trap) {
  std::vector<WasmFrame> frames;
  frames.reserve(trap.frame_count);
  for (uint32_t i = 0; i < trap.frame_count && i < kMaxTrapFrames; ++i) {
    WasmFrame f;
    f.pc = trap.frames[i];
    // A return address may sit just past its call, at the function's end: look up pc - 1.
    const uintptr_t probe = i == 0 ? f.pc : f.pc - 1;
    f.code = CodeObject::code_object_at(probe);
    if (f.code != nullptr) f.func = f.code->function_at(probe);
    if (f.func >= 0) {
      const auto entry = reinterpret_cast<uintptr_t>(f.code->entry(static_cast<uint32_t>(f.func)));
      f.offset = static_cast<uint32_t>(f.pc - entry);
    }
    frames.push_back(f);
  }
  return frames;
}

std::string format_backtrace(const std::vector<WasmFrame>& frames) {
  std::string out;
  for (size_t i = 0; i < frames.size(); ++i) {
    const WasmFrame& f = frames[i];
    out += "#" + std::to_string(i) + " ";
    if (f.func >= 0) {
      const ModuleInfo* m = f.code->module_info();
      const auto func = static_cast<uint32_t>(f.func);
      out += "wasm " + (m ? m->describe_function(func) : "function " + std::to_string(func));
      char off[32];
      std::snprintf(off, sizeof off, " (+0x%x)", f.offset);
      out += off;
      if (m && !m->names.module_name.empty()) out += " in module \"" + m->names.module_name + "\"";
    } else if (f.code != nullptr) {
      out += "wasm code outside any function";
    } else {
      out += "host function";  // frame 0 of a trap raised by a host function's stub
    }
    out += "\n";
  }
  return out;
}

std::string format_backtrace(const TrapInfo& trap) { return format_backtrace(symbolize(trap)); }

}  // namespace tern
