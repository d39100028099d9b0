// Result<T>: the value of a fallible function, or an Error a user can act on.
//
// Errors are values on every data path (CONVENTIONS.md). An Error carries a
// stable machine code (ErrorCode) and a message written for the person who
// reads it: it names what was wrong and, where possible, what to do.
// Thread safety: plain values; no shared state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace spe {

enum class ErrorCode {
  kInvalidArgument,    // caller sent something malformed or out of range
  kNotFound,           // the named object does not exist
  kAlreadyExists,      // the named object exists already
  kPermissionDenied,   // the caller may not do this
  kUnauthenticated,    // credentials missing or wrong
  kNotSupported,       // function or feature not implemented
  kUnavailable,        // a peer or resource cannot be reached right now
  kTimeout,            // a deadline passed
  kCancelled,          // the caller cancelled the operation
  kIo,                 // file system or network failure
  kDatabase,           // the database engine reported an error
  kProtocol,           // a peer violated the wire protocol
  kCorrupt,            // stored data is damaged (it must be repaired or rebuilt)
  kResourceExhausted,  // a limit was reached (e.g. too many failed logins); try again later
  kInternal,           // a bug: something that should not happen
  // kInternal stays last: a new code goes above it, and into the table in
  // result.cpp (whose static_assert counts on kErrorCodeCount).
};

// The number of codes; they run from 0 to kErrorCodeCount - 1.
inline constexpr std::size_t kErrorCodeCount = static_cast<std::size_t>(ErrorCode::kInternal) + 1;

// The code's stable name, as it travels between processes ("notFound",
// "corrupt", ...). Both functions read the one table in result.cpp.
const char* errorCodeName(ErrorCode code);
// The code of a name errorCodeName gives; nullopt for any other text
// (the caller decides what an unknown name means).
std::optional<ErrorCode> errorCodeFromName(std::string_view name);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string details;  // optional extra text (e.g. the engine's own message)
};

inline Error makeError(ErrorCode code, std::string message, std::string details = {}) {
  return Error{code, std::move(message), std::move(details)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  // A default-constructed Result holds an "unset" internal error; it exists
  // so Results can travel through Asio completion handlers.
  Result() : v_(Error{ErrorCode::kInternal, "No result was produced.", {}}) {}
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }
  // The value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status okStatus() { return {}; }

}  // namespace spe

// Propagates an error from an expression returning Result/Status.
#define SPE_TRY(expr)                                \
  do {                                               \
    auto spe_try_r_ = (expr);                        \
    if (!spe_try_r_.ok()) return spe_try_r_.error(); \
  } while (0)
