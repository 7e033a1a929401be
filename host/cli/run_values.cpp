// Parsing and printing of `tern run` values (run_values.h).
#include "host/cli/run_values.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace tern::cli {
namespace {

// Splits "16MiB" into 16 and "MiB"; fails if there is no leading number.
Result<std::pair<double, std::string_view>> number_and_unit(std::string_view text, std::string_view what) {
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || text.empty() || !(number >= 0) || std::isinf(number))
    return Error(ErrorKind::Usage) << "invalid " << what << " '" << text << "'";
  return std::pair{number, std::string_view(end, static_cast<size_t>(text.data() + text.size() - end))};
}

}  // namespace

Result<uint64_t> parse_size(std::string_view text) {
  TERN_TRY(auto nu, number_and_unit(text, "size"));
  auto [number, unit] = nu;
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  if (unit == "K" || unit == "KiB") scale = 1024.0;
  if (unit == "M" || unit == "MiB") scale = 1024.0 * 1024;
  if (unit == "G" || unit == "GiB") scale = 1024.0 * 1024 * 1024;
  if (scale == 0) return Error(ErrorKind::Usage) << "invalid size '" << text << "': units are B, KiB, MiB, GiB";
  const double bytes = number * scale;
  if (bytes > 1e18) return Error(ErrorKind::Usage) << "size '" << text << "' is too large";
  return static_cast<uint64_t>(bytes);
}

Result<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  TERN_TRY(auto nu, number_and_unit(text, "duration"));
  auto [number, unit] = nu;
  double ns_per_unit = 0;
  if (unit.empty() || unit == "s") ns_per_unit = 1e9;
  if (unit == "ms") ns_per_unit = 1e6;
  if (unit == "us") ns_per_unit = 1e3;
  if (unit == "m") ns_per_unit = 60e9;
  if (unit == "h") ns_per_unit = 3600e9;
  if (ns_per_unit == 0) return Error(ErrorKind::Usage) << "invalid duration '" << text << "': units are us, ms, s, m, h";
  const double ns = number * ns_per_unit;
  if (ns < 1 || ns > 1e18) return Error(ErrorKind::Usage) << "duration '" << text << "' is out of range";
  return std::chrono::nanoseconds(static_cast<int64_t>(ns));
}

namespace {

// Integers: optional sign, decimal or 0x hex; the range is [-2^(bits-1), 2^bits - 1].
Result<uint64_t> parse_int(std::string_view text, int bits) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    base = 16;
    digits.remove_prefix(2);
  }
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
    return Error(ErrorKind::Usage) << "invalid i" << bits << " '" << text << "'";
  const uint64_t max_unsigned = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  const uint64_t max_negative = uint64_t{1} << (bits - 1);
  if ((!negative && magnitude > max_unsigned) || (negative && magnitude > max_negative))
    return Error(ErrorKind::Usage) << "i" << bits << " '" << text << "' is out of range";
  uint64_t value = negative ? ~magnitude + 1 : magnitude;
  return bits == 64 ? value : value & 0xffffffffu;
}

Result<double> parse_float(std::string_view text, std::string_view type) {
  if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (text == "inf" || text == "+inf") return std::numeric_limits<double>::infinity();
  if (text == "-inf") return -std::numeric_limits<double>::infinity();
  double v = 0;
  std::string_view digits = text.starts_with("+") ? text.substr(1) : text;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
    return Error(ErrorKind::Usage) << "invalid " << type << " '" << text << "'";
  return v;
}

}  // namespace

Result<Value> parse_value(ValType type, std::string_view text) {
  switch (type) {
    case ValType::I32: {
      TERN_TRY(uint64_t v, parse_int(text, 32));
      return Value::i32(static_cast<uint32_t>(v));
    }
    case ValType::I64: {
      TERN_TRY(uint64_t v, parse_int(text, 64));
      return Value::i64(v);
    }
    case ValType::F32: {
      TERN_TRY(double v, parse_float(text, "f32"));
      return Value::f32_bits(std::bit_cast<uint32_t>(static_cast<float>(v)));
    }
    case ValType::F64: {
      TERN_TRY(double v, parse_float(text, "f64"));
      return Value::f64_bits(std::bit_cast<uint64_t>(v));
    }
    default: return Error(ErrorKind::Usage) << "a " << to_string(type) << " cannot be given on the command line";
  }
}

std::string format_value(const Value& value) {
  char buf[64];
  std::to_chars_result r{buf, std::errc()};
  switch (value.type) {
    case ValType::I32: return std::to_string(static_cast<int32_t>(static_cast<uint32_t>(value.lo)));
    case ValType::I64: return std::to_string(static_cast<int64_t>(value.lo));
    case ValType::F32: r = std::to_chars(buf, buf + sizeof buf, std::bit_cast<float>(static_cast<uint32_t>(value.lo))); break;
    case ValType::F64: r = std::to_chars(buf, buf + sizeof buf, std::bit_cast<double>(value.lo)); break;
    case ValType::FuncRef:
    case ValType::ExternRef: return value.lo == 0 ? "null" : "ref";
    default: {
      std::string s = "0x";
      for (uint64_t part : {value.hi, value.lo}) {
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, part, 16);
        s += std::string(16 - static_cast<size_t>(end - buf), '0') + std::string(buf, end);
      }
      return s;
    }
  }
  return std::string(buf, r.ptr);
}

}  // namespace tern::cli
