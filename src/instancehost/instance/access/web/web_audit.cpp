#include "instancehost/instance/access/web/web_audit.h"

#include <algorithm>
#include <vector>

#include "common/base/crypto.h"
#include "instancehost/instance/access/web/web_failure.h"
#include "instancehost/instance/audit/audit_log.h"
#include "instancehost/instance/audit/audit_reader.h"
#include "instancehost/instance/model/audit_events.h"

namespace spe::instance {
namespace {

constexpr std::uint64_t kMaxPage = 200;

// Every event name, sorted; made once.
const Json& eventNames() {
  static const Json names = [] {
    std::vector<std::string> sorted;
    for (auto n : audit_events::kProductEvents) sorted.emplace_back(n);
    for (auto n : audit_events::kProjectEvents) sorted.emplace_back(n);
    std::sort(sorted.begin(), sorted.end());
    return Json(sorted);
  }();
  return names;
}

Json failureOf(const Error& e) {
  if (e.code == ErrorCode::kInvalidArgument && !e.details.empty()) {
    return webFailure(400, "badField", e.message, Json{{"field", e.details}});
  }
  return webFailure(webStatusOf(e), webCodeOf(e), e.message);
}

Json page(audit::AuditLog& log, const Json& body) {
  Json args = body;
  if (!args.contains("limit")) args["limit"] = 50;
  if (!args.contains("newestFirst")) args["newestFirst"] = true;
  auto filter = audit::auditFilterFromJson(args, kMaxPage);
  if (!filter) return failureOf(filter.error());
  // One more than the page says whether there is a next one.
  audit::AuditFilter probe = *filter;
  probe.limit = filter->limit + 1;
  auto entries = audit::queryEntries(log.directory(), probe);
  if (!entries) return failureOf(entries.error());
  const bool more = entries->size() > filter->limit;
  if (more) entries->erase(entries->end() - 1);
  return webAnswer(200, Json{{"entries", std::move(*entries)},
                             {"offset", filter->offset},
                             {"limit", filter->limit},
                             {"more", more},
                             {"events", eventNames()},
                             {"publicKey", log.publicKeyHex()},
                             {"fingerprint", sha256Hex(log.publicKeyHex()).substr(0, 16)}});
}

}  // namespace

bool isAuditOperation(const std::string& op) { return op == "auditLog" || op == "auditVerify"; }

Json webAudit(InstanceContext& ctx, const std::string& op, const Json& body) {
  audit::AuditLog* log = ctx.db.auditLogFile();
  if (log == nullptr) return webFailure(503, "auditUnavailable", "The instance has no audit log open.");
  if (op == "auditLog") return page(*log, body);
  // What was appended up to now is signed, then everything is checked.
  (void)log->checkpoint();
  return webAnswer(200, audit::verifyAuditLog(log->directory()).toJson());
}

}  // namespace spe::instance
