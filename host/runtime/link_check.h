// Import matching: does a provided Extern satisfy one import of a module?
//
// DESIGN
// 1. The rules are the spec's "import matching" (extern subtyping): the kinds are equal; a
//    function's type is equal; a table's element type is equal; a table's or memory's current
//    size is at least the declared minimum and, when the import declares a maximum, the
//    provided object has one no larger; a memory's shared flag is equal; a global's value type
//    and mutability are equal.
// 2. A mismatch is a Link error naming the import and both sides, one property at a time, in
//    one form: "import #4 env.memory: declared shared=0, provided shared=1". The property
//    checked first is the one reported (kind, then type or element type, shared, min, max).
#pragma once

#include <cstddef>

#include "host/runtime/runtime.h"
#include "tern/result.h"

namespace tern {

// Checks `provided` against import number `index` of `module`.
Status check_import(const ModuleInfo& module, size_t index, const Extern& provided);

}  // namespace tern
