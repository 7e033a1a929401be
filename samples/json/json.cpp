// json: reads a JSON document on stdin and writes a summary of it as JSON on stdout: the
// top-level keys, how many values of each kind it holds, the sum of its numbers, its depth, and
// the document itself with every number doubled and every string upper-cased. Built with
// nlohmann_json and libc++ for wasm32-wasi, without exceptions.
//
//   echo '{"a": [1, 2.5, "x"]}' | tern run build/samples/json.wasm
#include <cctype>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

struct Summary {
  json counts = json::object();
  double sum = 0;
};

// Walks `j`, counting values by kind and summing numbers; returns its depth.
int walk(const json& j, Summary& s) {
  s.counts[j.type_name()] = s.counts.value(j.type_name(), 0) + 1;
  if (j.is_number()) s.sum += j.get<double>();
  int depth = 0;
  if (j.is_structured())
    for (const auto& child : j) depth = std::max(depth, walk(child, s));
  return depth + 1;
}

json transform(const json& j) {
  if (j.is_number_integer()) return j.get<int64_t>() * 2;
  if (j.is_number()) return j.get<double>() * 2;
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }
  if (j.is_array()) {
    json out = json::array();
    for (const auto& v : j) out.push_back(transform(v));
    return out;
  }
  if (j.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : j.items()) out[k] = transform(v);
    return out;
  }
  return j;
}

}  // namespace

int main() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    std::fputs("json: stdin is not valid JSON\n", stderr);
    return 1;
  }
  Summary s;
  json out;
  out["depth"] = walk(doc, s);
  out["counts"] = s.counts;
  out["sum"] = s.sum;
  json keys = json::array();
  if (doc.is_object())
    for (const auto& [k, v] : doc.items()) keys.push_back(k);
  out["keys"] = keys;
  out["transformed"] = transform(doc);
  std::cout << out.dump(2) << "\n";
  return 0;
}
