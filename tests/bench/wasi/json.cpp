// json: nlohmann_json parse and serialize of a generated multi-megabyte document. The
// document (records with strings, escapes, non-ASCII text, integers, decimals, booleans,
// nested arrays and objects) is built and dumped untimed; the timed part parses it, walks and
// edits every record, and serializes the result compact and indented, several rounds.
// Built like samples/json: C++20, libc++ for wasm32-wasi, -fno-exceptions -DJSON_NOEXCEPTION.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "wasi_bench.h"

using json = nlohmann::json;

namespace {

const char* const kWords[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
                              "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
                              "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey",
                              "x-ray", "yankee", "zulu", "caf\xc3\xa9", "na\xc3\xafve", "\xe2\x82\xacuro",
                              "line\nbreak", "tab\there", "\"quoted\"", "back\\slash"};
constexpr int kWordCount = sizeof kWords / sizeof kWords[0];
constexpr int kRecords = 24000;
constexpr int kRounds = 3;

std::string phrase(uint64_t& s, int words) {
  std::string out;
  for (int i = 0; i < words; ++i) {
    if (i) out += ' ';
    out += kWords[bench_rand(&s) % kWordCount];
  }
  return out;
}

std::string make_document() {
  uint64_t s = 42;
  json records = json::array();
  for (int i = 0; i < kRecords; ++i) {
    json r;
    r["id"] = i;
    r["name"] = phrase(s, 2);
    r["description"] = phrase(s, 6 + static_cast<int>(bench_rand(&s) % 10));
    r["price"] = static_cast<double>(bench_rand(&s) % 1000000) / 100.0;
    r["quantity"] = static_cast<int64_t>(bench_rand(&s) % 100000) - 50000;
    r["active"] = (bench_rand(&s) & 1) != 0;
    json tags = json::array();
    for (int t = static_cast<int>(bench_rand(&s) % 5); t > 0; --t) tags.push_back(kWords[bench_rand(&s) % kWordCount]);
    r["tags"] = std::move(tags);
    r["position"] = {{"x", static_cast<int>(bench_rand(&s) % 2001) - 1000},
                     {"y", static_cast<int>(bench_rand(&s) % 2001) - 1000},
                     {"z", static_cast<double>(bench_rand(&s) % 10000) / 8.0}};
    if (bench_rand(&s) % 4 == 0) r["parent"] = nullptr;
    records.push_back(std::move(r));
  }
  json doc;
  doc["generator"] = "tern tests/bench/wasi/json.cpp";
  doc["version"] = 1;
  doc["records"] = std::move(records);
  return doc.dump();
}

}  // namespace

int main() {
  const std::string text = make_document();
  uint64_t checksum = bench_mix(BENCH_FNV_INIT, text.size());

  const double t0 = bench_now_ms();
  for (int round = 0; round < kRounds; ++round) {
    json doc = json::parse(text);
    if (doc.is_discarded() || !doc.is_object()) {
      std::fprintf(stderr, "json: parse failed\n");
      return 1;
    }
    int64_t quantity = 0, active = 0, tags = 0;
    for (json& r : doc["records"]) {
      quantity += r["quantity"].get<int64_t>();
      active += r["active"].get<bool>() ? 1 : 0;
      tags += static_cast<int64_t>(r["tags"].size());
      r["price"] = r["price"].get<double>() * 1.25;
      r["tags"].push_back("round" + std::to_string(round));
      r.erase("description");
    }
    doc["summary"] = {{"quantity", quantity}, {"active", active}, {"tags", tags}};
    const std::string compact = doc.dump();
    const std::string pretty = doc.dump(2);
    checksum = bench_mix(checksum, bench_fnv(BENCH_FNV_INIT, compact.data(), compact.size()));
    checksum = bench_mix(checksum, bench_fnv(BENCH_FNV_INIT, pretty.data(), pretty.size()));
    checksum = bench_mix(checksum, static_cast<uint64_t>(quantity) ^ (static_cast<uint64_t>(active) << 32) ^ tags);
  }
  const double t1 = bench_now_ms();
  std::fprintf(stderr, "json: document %zu bytes, %d rounds\n", text.size(), kRounds);
  bench_report(checksum, t1 - t0);
  return 0;
}
