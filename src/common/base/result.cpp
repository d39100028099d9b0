#include "common/base/result.h"

#include <array>

namespace spe {
namespace {

struct ErrorCodeEntry {
  ErrorCode code;
  const char* name;
};

// The one list of codes and their names on the wire. Entry i is the code
// whose value is i; the static_asserts below hold it to that.
constexpr std::array<ErrorCodeEntry, kErrorCodeCount> kErrorCodes{{
    {ErrorCode::kInvalidArgument, "invalidArgument"},
    {ErrorCode::kNotFound, "notFound"},
    {ErrorCode::kAlreadyExists, "alreadyExists"},
    {ErrorCode::kPermissionDenied, "permissionDenied"},
    {ErrorCode::kUnauthenticated, "unauthenticated"},
    {ErrorCode::kNotSupported, "notSupported"},
    {ErrorCode::kUnavailable, "unavailable"},
    {ErrorCode::kTimeout, "timeout"},
    {ErrorCode::kCancelled, "cancelled"},
    {ErrorCode::kIo, "io"},
    {ErrorCode::kDatabase, "database"},
    {ErrorCode::kProtocol, "protocol"},
    {ErrorCode::kCorrupt, "corrupt"},
    {ErrorCode::kResourceExhausted, "resourceExhausted"},
    {ErrorCode::kInternal, "internal"},
}};

constexpr bool tableIsInOrder() {
  for (std::size_t i = 0; i < kErrorCodes.size(); ++i) {
    if (static_cast<std::size_t>(kErrorCodes[i].code) != i || kErrorCodes[i].name == nullptr) return false;
  }
  return true;
}
static_assert(tableIsInOrder(), "kErrorCodes must list every ErrorCode once, in the enum's order");

}  // namespace

const char* errorCodeName(ErrorCode code) {
  const auto i = static_cast<std::size_t>(code);
  return i < kErrorCodes.size() ? kErrorCodes[i].name : "internal";
}

std::optional<ErrorCode> errorCodeFromName(std::string_view name) {
  for (const ErrorCodeEntry& e : kErrorCodes) {
    if (name == e.name) return e.code;
  }
  return std::nullopt;
}

}  // namespace spe
