// The audit log's functions (docs/compliance.md "Audit log"): GetAuditLog,
// ExportAuditLog, VerifyAuditLog, GetAuditLogPublicKey. All read the files
// of audit/ (audit_reader.h); none writes, so none waits while frozen.
#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/audit/audit_reader.h"

namespace spe::instance {
namespace {

// An export answers in one frame of the instance socket (16 MiB); a larger
// log is exported in time slices.
constexpr std::size_t kMaxExport = 12 * 1024 * 1024;

Result<audit::AuditLog*> auditLogOf(InstanceContext& ctx) {
  audit::AuditLog* log = ctx.db.auditLogFile();
  if (log == nullptr) return makeError(ErrorCode::kUnavailable, "The instance has no audit log open.");
  return log;
}

Result<audit::AuditFilter> filterOf(const ApiCall& c) { return audit::auditFilterFromJson(c.args, 10000); }

}  // namespace

void registerAuditFunctions(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "GetAuditLog",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto log = auditLogOf(ctx);
        if (!log) return log.error();
        auto f = filterOf(c);
        if (!f) return f.error();
        return audit::queryEntries((*log)->directory(), *f);
      },
      false);

  api.add(
      "GetAuditLogPublicKey",
      [&ctx](ApiCall&) -> Result<Json> {
        auto log = auditLogOf(ctx);
        if (!log) return log.error();
        return Json{{"instanceID", ctx.instance_id},
                    {"algorithm", "Ed25519"},
                    {"publicKey", (*log)->publicKeyHex()},
                    {"fingerprint", sha256Hex((*log)->publicKeyHex()).substr(0, 16)}};
      },
      false);

  api.add(
      "VerifyAuditLog",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto log = auditLogOf(ctx);
        if (!log) return log.error();
        // What is appended meanwhile is checked next time; sign what is there.
        if (auto st = (*log)->checkpoint(); !st) c.log("No checkpoint before the check: " + st.error().message);
        return audit::verifyAuditLog((*log)->directory()).toJson();
      },
      false);

  api.add(
      "ExportAuditLog",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto log = auditLogOf(ctx);
        if (!log) return log.error();
        auto f = filterOf(c);
        if (!f) return f.error();
        f->limit = ~std::uint64_t{0};
        f->offset = 0;
        if (auto st = (*log)->checkpoint(); !st) c.log("No checkpoint before the export: " + st.error().message);
        const std::string dir = (*log)->directory();
        std::string out = Json{{"type", "publicKey"},
                               {"instanceID", ctx.instance_id},
                               {"algorithm", "Ed25519"},
                               {"publicKey", (*log)->publicKeyHex()}}
                              .dump() +
                          "\n";
        std::uint64_t count = 0;
        bool too_large = false, cancelled = false;
        auto st = audit::forEachEntry(dir, [&](const audit::StoredEntry& s) {
          if ((count & 4095) == 0 && c.control.stop()) {
            cancelled = true;
            return false;
          }
          if (f->from_us && s.time_us < *f->from_us) return true;
          if (f->to_us && s.time_us >= *f->to_us) return true;
          if (!f->actor.empty() && s.entry.actor != f->actor) return true;
          if (!f->event.empty() && s.entry.event != f->event) return true;
          if (!f->object.empty() && s.entry.object.find(f->object) == std::string::npos) return true;
          Json j = audit::entryToJson(s);
          j["type"] = "entry";
          out += j.dump();
          out += '\n';
          ++count;
          if (out.size() > kMaxExport) too_large = true;
          return !too_large;
        });
        if (!st) return st.error();
        if (cancelled) return makeError(ErrorCode::kCancelled, "The export was cancelled.");
        if (too_large) {
          return makeError(ErrorCode::kResourceExhausted,
                           "The export is larger than 12 MiB: export it in parts with fromIncluding and "
                           "toExcluding, or copy the Audit folder and use spe-audit export.");
        }
        auto cps = audit::readCheckpoints(dir);
        if (!cps) return cps.error();
        for (const auto& cp : *cps) {
          Json j = audit::checkpointToJson(cp);
          j["type"] = "checkpoint";
          out += j.dump();
          out += '\n';
        }
        c.log(std::to_string(count) + " entries and " + std::to_string(cps->size()) + " checkpoints exported");
        return Json{{"entries", count}, {"checkpoints", cps->size()}, {"jsonLines", out}};
      },
      false);
}

}  // namespace spe::instance
