// A job's action (CreateJob's `action`): one Management API function of the
// instance with its arguments, written as spe-cli takes them after -c:
//
//   RunProfile --id=3
//   SetUserFullName --userName=alice --fullName "Alice Liddell"
//   SendStatusReport --timespan=yesterday --timeZoneId=Europe/Berlin
//
// Words are separated by spaces; "double quotes" group a value (with \" and
// backslash-backslash inside), 'single quotes' take it literally. Arguments are
// --name=value, --name value or -name value, each at most once. instanceID
// is not written: the job's instance is added.
//
// checkJobAction() checks the action as the API would check a call: the
// function exists (get-metadata), is instance-scoped, and its arguments
// pass FunctionRegistry::validate (names, types, ranges, lengths). It
// returns {function, args} with the arguments typed as the instance
// receives them. Errors (kInvalidArgument) start with 'action':.
// Thread safety: pure functions (the registry is read-only once serving).
#pragma once

#include <map>
#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "management/api/function_registry.h"

namespace spe::management {

struct JobAction {
  std::string function;
  std::map<std::string, std::string> args;
};

// The most characters of an action (ACTION_TEXT VARCHAR(4000)).
constexpr std::size_t kMaxJobActionLength = 4000;

Result<JobAction> parseJobAction(const std::string& text);
Result<Json> checkJobAction(const FunctionRegistry& registry, const std::string& text, const std::string& instance_id);

}  // namespace spe::management
