// The error answers of Web Access's back end. Each is an HTTP status and the
// body {"error": <English text for API users>, "code": <stable name>,
// "params": {...}}; Web Access shows the text its catalogue has for the code
// in the user's language, filled with the params, and the English text for a
// code it does not know (src/cas/web/strings_*.js). The codes are listed in
// docs/end-user-access.md; a code never changes its meaning.
// Thread safety: plain functions.
#pragma once

#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::instance {

inline Json webAnswer(int status, Json body) { return Json{{"status", status}, {"body", std::move(body)}}; }

// A refusal with `code` and, when it has any, `params` (e.g. {"field": "storeID"}).
inline Json webFailure(int status, const char* code, const std::string& message, Json params = Json::object()) {
  Json body{{"error", message}, {"code", code}};
  if (!params.empty()) body["params"] = std::move(params);
  return webAnswer(status, std::move(body));
}

// A request field that is missing its form: `e` is stringField's, intField's or boolField's error.
inline Json webFieldFailure(const char* field, const Error& e) {
  return webFailure(400, "badField", e.message, Json{{"field", field}});
}

// The HTTP status of an error by its code alone.
inline int webStatusOf(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kResourceExhausted: return 429;  // too many failed logins
    case ErrorCode::kUnavailable: return 503;
    default: return 500;
  }
}

// The code of an error that has no more particular one (the same names as
// the CAS's failedReply gives).
inline const char* webCodeOf(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidArgument: return "badRequest";
    case ErrorCode::kUnauthenticated: return "sessionEnded";
    case ErrorCode::kPermissionDenied: return "notAllowed";
    case ErrorCode::kNotFound: return "notFound";
    case ErrorCode::kResourceExhausted: return "tooManyRequests";
    case ErrorCode::kUnavailable:
    case ErrorCode::kTimeout:
    case ErrorCode::kCancelled: return "unavailable";
    default: return "internal";
  }
}

// A refusal (a webFailure answer) carried through a Result, e.g. out of the
// search an export runs: its code and params travel in the Error's details.
inline Error webRefusalError(ErrorCode code, const Json& refusal) {
  const Json& body = refusal.contains("body") ? refusal["body"] : refusal;
  Json carried{{"code", stringOf(body, "code").value_or("badRequest")}};
  if (body.contains("params")) carried["params"] = body["params"];
  return makeError(code, stringOf(body, "error").value_or("The request is not valid."), dumpJson(carried));
}

// The answer for an error: the refusal it carries (webRefusalError), or one
// chosen by its ErrorCode.
inline Json webFailureOf(const Error& e) {
  if (auto carried = tryParseJson(e.details); carried && carried->is_object()) {
    if (auto code = stringOf(*carried, "code")) {
      Json body{{"error", e.message}, {"code", *code}};
      if (carried->contains("params")) body["params"] = (*carried)["params"];
      return webAnswer(webStatusOf(e), std::move(body));
    }
  }
  return webFailure(webStatusOf(e), webCodeOf(e), e.message);
}

}  // namespace spe::instance
