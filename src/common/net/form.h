// application/x-www-form-urlencoded bodies (the Management API's argument
// encoding), HTTP Basic credentials and cookies.
// Thread safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace spe {

// Decodes %XX and '+'; fails on a malformed escape or invalid UTF-8.
Result<std::string> urlDecode(std::string_view in);
std::string urlEncode(std::string_view in);

// Parses "a=1&b=2". A repeated name is an error (it is ambiguous).
Result<std::map<std::string, std::string>> parseForm(std::string_view body);
std::string encodeForm(const std::map<std::string, std::string>& fields);

struct BasicCredentials {
  std::string user;
  std::string password;
};

// Parses an "Authorization: Basic <base64>" header value.
Result<BasicCredentials> parseBasicAuth(std::string_view header);
std::string makeBasicAuth(const std::string& user, const std::string& password);

// The value of cookie `name` in a Cookie header value ("a=1; b=2"); "" when
// it is not there.
std::string cookieValue(std::string_view header, std::string_view name);

// True when `s` is well-formed UTF-8.
bool isValidUtf8(std::string_view s);

}  // namespace spe
