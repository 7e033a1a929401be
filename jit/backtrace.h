// Wasm backtraces: the return addresses a trap recorded (jit/trap.h, invariant 7), mapped to
// modules and functions and printed with names from the name section.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jit/trap.h"

namespace tern {

class CodeObject;

struct WasmFrame {
  uintptr_t pc = 0;                  // the trapping pc, or a return address (callers' frames)
  const CodeObject* code = nullptr;  // nullptr: not wasm code (e.g. the host call stub)
  int64_t func = -1;                 // function index in code's module, or -1
  uint32_t offset = 0;               // pc - the function's entry
};

// Maps each recorded frame of `trap` to its function, innermost first. Must be called while
// the code objects are alive (right after the trap, by the code that entered wasm).
std::vector<WasmFrame> symbolize(const TrapInfo& trap);

// One line per frame, innermost first, each ending in '\n':
//   #0 wasm function 3 "fac" (+0x1f)
//   #1 host function
std::string format_backtrace(const std::vector<WasmFrame>& frames);
std::string format_backtrace(const TrapInfo& trap);

}  // namespace tern
