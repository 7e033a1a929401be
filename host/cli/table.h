// TextTable: rows of strings printed in aligned columns, for human-readable CLI output.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tern::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}

  // A row has at most as many cells as the header; missing cells print empty.
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  size_t size() const { return rows_.size(); }

  // Prints the header (unless `header` is false) and the rows, each line starting with
  // `indent`. The last column is not padded, so no line ends in spaces.
  void print(std::ostream& os, std::string_view indent = "  ", bool header = true) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Columns are measured in code points, so UTF-8 names line up.
size_t display_width(std::string_view s);

// Replaces control characters (and DEL) with \xNN, so a module's names cannot break a line.
std::string printable(std::string_view s);

}  // namespace tern::cli
