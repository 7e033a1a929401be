// TrapKind, expanded from jit/traps.def.
#pragma once

#include <cstdint>
#include <string_view>

namespace tern {

enum class TrapKind : uint8_t {
#define TERN_TRAP(name, message) name,
#include "jit/traps.def"
  Count_
};

constexpr std::string_view trap_message(TrapKind k) {
  switch (k) {
#define TERN_TRAP(name, message) case TrapKind::name: return message;
#include "jit/traps.def"
    default: return "unknown trap";
  }
}

}  // namespace tern
