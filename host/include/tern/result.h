// tern::Error and tern::Result<T>: expected failures are values, never exceptions.
//
// DESIGN
// 1. An Error has a kind (what failed) and a one-line message that already names where
//    (section, function, byte offset) and what (expected vs found).
// 2. Callers add context in front with `context()`, so the outermost caller's words come
//    first: "import #4 env.memory: declared shared=0, provided shared=1".
// 3. Nothing in jit/ or memory/ throws; TERN_TRY propagates an Error with a visible return.
// 4. Optional `details` carry multi-line extras (a trap's wasm backtrace) apart from the
//    message, so code comparing messages (the spec runner) sees the same one-line text.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tern {

enum class ErrorKind : uint8_t {
  Malformed,    // the bytes do not decode (spec: assert_malformed)
  Invalid,      // decodes but does not validate (spec: assert_invalid)
  Link,         // an import cannot be satisfied
  Instantiate,  // instantiation failed (segment out of bounds, start trapped, ...)
  Trap,         // wasm code trapped; the message is the trap's (e.g. "integer divide by zero")
  Limit,        // an implementation or embedder limit was exceeded
  Io,           // a file or OS call failed
  Usage,        // wrong use of an API or the command line
  Exit,         // the guest ended itself (WASI proc_exit); the status is in its Wasi context
  Internal,
};

std::string_view to_string(ErrorKind kind);

class [[nodiscard]] Error {
 public:
  explicit Error(ErrorKind kind, std::string message = {}) : kind_(kind), message_(std::move(message)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  // Multi-line extras, e.g. "#0 wasm function 3 \"fac\" (+0x1f)\n#1 ..."; empty if none.
  const std::string& details() const { return details_; }

  Error& with_details(std::string details) & {
    details_ = std::move(details);
    return *this;
  }
  Error&& with_details(std::string details) && { return std::move(with_details(std::move(details))); }

  // Appends to the message: Error(ErrorKind::Invalid) << "type mismatch: expected " << t;
  template <class T>
  Error& operator<<(const T& value) & {
    std::ostringstream s;
    s << value;
    message_ += s.str();
    return *this;
  }
  template <class T>
  Error&& operator<<(const T& value) && {
    return std::move(*this << value);
  }

  // Prepends context: "context: message".
  Error& context(std::string_view prefix) & {
    message_.insert(0, std::string(prefix) + ": ");
    return *this;
  }
  Error&& context(std::string_view prefix) && { return std::move(context(prefix)); }

 private:
  ErrorKind kind_;
  std::string message_;
  std::string details_;
};

// Value or Error. Deliberately small: ok(), value(), error(), operator*, operator->.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  Error& error() & { return std::get<1>(v_); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  Error& error() & { return error_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_{ErrorKind::Internal};
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace tern

// Propagates an Error: TERN_TRY(auto x, make_x()); or TERN_TRY_STATUS(do_y());
#define TERN_CONCAT_INNER(a, b) a##b
#define TERN_CONCAT(a, b) TERN_CONCAT_INNER(a, b)
#define TERN_TRY(decl, expr)                                          \
  auto TERN_CONCAT(tern_result_, __LINE__) = (expr);                  \
  if (!TERN_CONCAT(tern_result_, __LINE__).ok())                      \
    return std::move(TERN_CONCAT(tern_result_, __LINE__)).error();    \
  decl = std::move(TERN_CONCAT(tern_result_, __LINE__)).value()
#define TERN_TRY_STATUS(expr)                                         \
  do {                                                                \
    auto tern_status_ = (expr);                                       \
    if (!tern_status_.ok()) return std::move(tern_status_).error();   \
  } while (0)
