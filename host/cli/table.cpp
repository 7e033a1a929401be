#include "host/cli/table.h"

#include <algorithm>
#include <cstdio>

namespace tern::cli {

size_t display_width(std::string_view s) {
  // Count every byte that does not continue a UTF-8 sequence.
  return static_cast<size_t>(std::ranges::count_if(s, [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
      continue;
    }
    char buf[5];
    std::snprintf(buf, sizeof buf, "\\x%02x", u);
    out += buf;
  }
  return out;
}

void TextTable::print(std::ostream& os, std::string_view indent, bool header) const {
  std::vector<size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  };
  if (header) measure(header_);
  for (const auto& row : rows_) measure(row);

  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line(indent);
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string_view cell = i < row.size() ? std::string_view(row[i]) : std::string_view();
      line += cell;
      if (i + 1 < widths.size()) line.append(widths[i] - display_width(cell) + 2, ' ');
    }
    while (line.size() > indent.size() && line.back() == ' ') line.pop_back();
    os << line << "\n";
  };
  if (header) print_row(header_);
  for (const auto& row : rows_) print_row(row);
}

}  // namespace tern::cli
