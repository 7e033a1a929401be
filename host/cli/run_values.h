// Command-line values of `tern run`: sizes, durations and wasm values for --invoke.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "host/runtime/runtime.h"
#include "tern/result.h"

namespace tern::cli {

// "65536", "64KiB", "16MiB", "1GiB", "4G" (K/M/G mean KiB/MiB/GiB): bytes. Usage error otherwise.
Result<uint64_t> parse_size(std::string_view text);

// "10" (seconds), "1.5s", "500ms", "2m", "100us": a positive duration. Usage error otherwise.
Result<std::chrono::nanoseconds> parse_duration(std::string_view text);

// A wasm value of type `type` from text: i32/i64 as signed or unsigned decimal or 0x hex,
// f32/f64 as decimal, "inf", "-inf" or "nan". Other types cannot be given on a command line.
Result<Value> parse_value(ValType type, std::string_view text);

// i32/i64 as signed decimal, floats in the shortest form that reads back exactly.
std::string format_value(const Value& value);

}  // namespace tern::cli
