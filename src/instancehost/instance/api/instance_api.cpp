#include "instancehost/instance/api/instance_api.h"

#include "common/base/logging.h"
#include "common/base/text.h"

namespace spe::instance {

std::string ApiCall::str(const std::string& name, const std::string& fallback) const {
  auto it = args.find(name);
  return it != args.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool ApiCall::has(const std::string& name) const {
  auto it = args.find(name);
  return it != args.end() && !it->is_null();
}

std::int64_t ApiCall::num(const std::string& name, std::int64_t fallback) const {
  auto it = args.find(name);
  if (it == args.end() || !it->is_number()) return fallback;
  return it->is_number_integer() ? it->get<std::int64_t>() : static_cast<std::int64_t>(it->get<double>());
}

bool ApiCall::flag(const std::string& name, bool fallback) const {
  auto it = args.find(name);
  return it != args.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

InstanceApi::InstanceApi(InstanceContext& ctx) : ctx_(ctx) {
  registerUserFunctions(*this);
  registerMfaFunctions(*this);
  registerFolderFunctions(*this);
  registerStoreFunctions(*this);
  registerProfileFunctions(*this);
  registerIndexFunctions(*this);
  registerDirectoryFunctions(*this);
  registerSmtpFunctions(*this);
  registerJobFunctions(*this);
  registerReportFunctions(*this);
  registerAuditFunctions(*this);
  registerRetentionFunctions(*this);
  registerComplianceFunctions(*this);
}

void InstanceApi::add(const std::string& name, ApiHandler handler, bool writes) {
  functions_[name] = Entry{std::move(handler), writes};
}

// What a call was done to, for the audit record: its first argument that
// names an object ("userName=alice", "id=3"), or nothing.
std::string auditObjectOf(const Json& args) {
  for (const char* key : {"userName", "oldUserName", "folder", "fromFolder", "id", "name"}) {
    auto it = args.find(key);
    if (it == args.end() || it->is_null()) continue;
    const std::string value = it->is_string() ? it->get<std::string>() : it->dump();
    return std::string(key) + "=" + printable(value, 200);
  }
  return {};
}

Status InstanceApi::audit(const ApiCall& call, const std::string& event, const std::string& details) {
  const std::string user = call.caller.empty() ? "$system" : call.caller;
  audit::AuditEntry entry = auditEntryOf(user, event, details);
  entry.source = printable(call.source, 64);
  entry.object = auditObjectOf(call.args);
  auto st = ctx_.db.audit(entry);
  if (st) return okStatus();
  logger("instance")
      ->error("audit record lost: user={} event={} details={}: {}", user, event, details, st.error().message);
  return makeError(
      st.error().code,
      "The change was made, but its audit record (" + event + ") could not be written: " + st.error().message,
      st.error().details);
}

Result<Json> InstanceApi::call(const std::string& function, ApiCall& call) {
  auto it = functions_.find(function);
  if (it == functions_.end()) {
    return makeError(ErrorCode::kNotSupported, "The instance does not support the function " + function + ".");
  }
  if (it->second.writes) {
    // While the instance is frozen a write waits, but stays cancellable.
    for (;;) {
      if (auto permit = ctx_.gate.tryAcquire(std::chrono::milliseconds(100))) return it->second.handler(call);
      if (call.control.stop()) {
        return makeError(ErrorCode::kCancelled, "Nothing was done: the instance was frozen all the while.");
      }
    }
  }
  return it->second.handler(call);
}

}  // namespace spe::instance
