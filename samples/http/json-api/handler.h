// The json-api handler, independent of where it runs: guest.cpp wraps it in tern's native
// guest ABI (wasm), tests/bench/http/native_server.cpp compiles this same file into a Beast
// server, so the benchmark compares one handler on two platforms. Written without exceptions
// (the wasm build has -fno-exceptions -DJSON_NOEXCEPTION): parsing never throws, and every
// typed access checks the type first.
//
// Routes:
//   GET  /hello          200 text/plain "hello, NAME\n": NAME from ?name=NAME, else from an
//                        X-Name header, else "world"
//   GET  /counter        200 {"counter":C,"requests":R}: C counts GET /counter and R every
//                        request this handler state (one wasm instance) has served, this one
//                        included
//   POST /transform      a JSON document -> 200 {"result":...,"stats":{...}} (see transform);
//                        400 {"error":"malformed JSON",...} when the body does not parse
//   GET  /trap           the handler traps (the platform's trap())
//   GET  /spin           the handler never returns (the platform's spin_forever())
//   anything else        404 {"error":"not found","method":...,"path":...}
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace json_api {

struct Request {
  std::string_view method;
  std::string_view path;
  std::string_view query;
  std::string_view body;
  // Looks up a request header (case-insensitive): false when absent. Asked only on demand.
  std::function<bool(std::string_view name, std::string& value)> header;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// What one handler instance remembers between requests.
struct State {
  uint64_t requests = 0;
  uint64_t counter = 0;
};

// Defined by the platform that includes this file: the wasm guest traps / loops; the native
// server answers as tern would (500 / 504).
[[noreturn]] void trap();
[[noreturn]] void spin_forever();

namespace detail {

using nlohmann::json;

struct Stats {
  uint64_t values = 0, objects = 0, arrays = 0, strings = 0, numbers = 0, booleans = 0, nulls = 0;
  double sum = 0;
};

// Walks `j` counting values by kind and summing numbers; returns its depth (a scalar is 1).
inline int walk(const json& j, Stats& s) {
  ++s.values;
  switch (j.type()) {
    case json::value_t::object: ++s.objects; break;
    case json::value_t::array: ++s.arrays; break;
    case json::value_t::string: ++s.strings; break;
    case json::value_t::boolean: ++s.booleans; break;
    case json::value_t::null: ++s.nulls; break;
    default:
      if (j.is_number()) {
        ++s.numbers;
        s.sum += j.get<double>();
      }
      break;
  }
  int depth = 0;
  if (j.is_structured())
    for (const auto& child : j) depth = std::max(depth, walk(child, s));
  return depth + 1;
}

// Integers doubled (wrapping like unsigned arithmetic, never undefined), floats doubled,
// strings upper-cased (ASCII), arrays and objects transformed element by element. Object keys
// come out sorted: nlohmann's default object is an ordered map.
inline json transform(const json& j) {
  switch (j.type()) {
    case json::value_t::number_integer:
      return static_cast<int64_t>(static_cast<uint64_t>(j.get<int64_t>()) * 2);
    case json::value_t::number_unsigned:
      return j.get<uint64_t>() * 2;
    case json::value_t::number_float:
      return j.get<double>() * 2;
    case json::value_t::string: {
      std::string s = j.get<std::string>();
      for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return s;
    }
    case json::value_t::array: {
      json out = json::array();
      for (const auto& v : j) out.push_back(transform(v));
      return out;
    }
    case json::value_t::object: {
      json out = json::object();
      for (const auto& [k, v] : j.items()) out[k] = transform(v);
      return out;
    }
    default:
      return j;
  }
}

inline void json_error(Response& res, int status, std::string message, const Request& req) {
  json err = {{"error", std::move(message)},
              {"method", std::string(req.method)},
              {"path", std::string(req.path)}};
  res.status = status;
  res.content_type = "application/json";
  res.body = err.dump();
}

inline void transform_route(const Request& req, Response& res) {
  json doc = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    json_error(res, 400, "malformed JSON", req);
    return;
  }
  Stats s;
  int depth = walk(doc, s);
  json out;
  out["result"] = transform(doc);
  out["stats"] = {{"values", s.values}, {"objects", s.objects}, {"arrays", s.arrays},
                  {"strings", s.strings}, {"numbers", s.numbers}, {"booleans", s.booleans},
                  {"nulls", s.nulls}, {"sum", s.sum}, {"depth", depth}};
  res.body = out.dump();
}

}  // namespace detail

inline void handle(State& state, const Request& req, Response& res) {
  ++state.requests;
  const bool get = req.method == "GET";
  if (get && req.path == "/hello") {
    res.content_type = "text/plain";
    std::string header_value;
    std::string_view name = "world";
    if (req.query.substr(0, 5) == "name=") name = req.query.substr(5);
    else if (req.header && req.header("X-Name", header_value)) name = header_value;
    res.body.reserve(8 + name.size());
    res.body.append("hello, ").append(name).append("\n");
  } else if (get && req.path == "/counter") {
    ++state.counter;
    res.body = detail::json{{"counter", state.counter}, {"requests", state.requests}}.dump();
  } else if (req.method == "POST" && req.path == "/transform") {
    detail::transform_route(req, res);
  } else if (get && req.path == "/trap") {
    trap();
  } else if (get && req.path == "/spin") {
    spin_forever();
  } else {
    detail::json_error(res, 404, "not found", req);
  }
}

}  // namespace json_api
