// The audit log in Web Access, for the instance's own `$archiveadmin` only
// (docs/compliance.md "The audit log in Web Access"):
//
//   auditLog {fromIncluding?, toExcluding?, actor?, event?, object?,
//             offset?, limit? (1..200, default 50), newestFirst? (default true)}
//     -> {entries: [...], offset, limit, more, events: [catalogue names],
//         publicKey, fingerprint}
//   auditVerify {} -> the VerifyAuditLog answer (signs a checkpoint first)
//
// The same reader and filter as GetAuditLog (audit_reader.h); only this
// instance's log is reachable, as the session belongs to this instance.
// Thread safety: plain functions; the log's reader is safe beside its writer.
#pragma once

#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "instancehost/instance/api/context.h"

namespace spe::instance {

bool isAuditOperation(const std::string& op);
// A webAnswer or webFailure (web_failure.h).
Json webAudit(InstanceContext& ctx, const std::string& op, const Json& body);

}  // namespace spe::instance
