// InstanceApi: the Management API functions carried out inside an instance
// (users, folders, archive stores, profiles), dispatched by name.
//
// The Management Server has already checked argument names and types and
// the caller's access; handlers check values. Functions that change data
// hold a write permit (they wait while the instance is frozen).
// Thread safety: call() may run on several threads at once.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "common/base/json_reader.h"
#include "instancehost/instance/api/context.h"
#include "instancehost/instance/reports/status_report.h"

namespace spe::instance {

using ApiHandler = std::function<Result<Json>(ApiCall&)>;

class InstanceApi {
 public:
  explicit InstanceApi(InstanceContext& ctx);
  Result<Json> call(const std::string& function, ApiCall& call);

  // Used by the function groups (*_functions.cpp) to register themselves.
  void add(const std::string& name, ApiHandler handler, bool writes);
  InstanceContext& context() { return ctx_; }
  // Writes an audit record for `call`. An error (the database's code, a
  // message saying the record is missing) when it cannot be written: the
  // caller returns it, so a change is never reported as done unaudited;
  // the lost record is also logged as an error.
  [[nodiscard]] Status audit(const ApiCall& call, const std::string& event, const std::string& details);

 private:
  struct Entry {
    ApiHandler handler;
    bool writes;
  };
  InstanceContext& ctx_;
  std::map<std::string, Entry> functions_;
};

// Refuses (naming the store) when `folder` or a folder below it holds mail
// in a write-protected store; `what` ends the message ("it cannot be moved.").
Status refuseIfWriteProtectedMail(InstanceContext& ctx, const std::string& folder, const std::string& what);

void registerUserFunctions(InstanceApi& api);
void registerMfaFunctions(InstanceApi& api);
void registerFolderFunctions(InstanceApi& api);
void registerStoreFunctions(InstanceApi& api);
void registerProfileFunctions(InstanceApi& api);
void registerIndexFunctions(InstanceApi& api);
void registerDirectoryFunctions(InstanceApi& api);
void registerSmtpFunctions(InstanceApi& api);
void registerJobFunctions(InstanceApi& api);
void registerReportFunctions(InstanceApi& api);
void registerAuditFunctions(InstanceApi& api);
void registerRetentionFunctions(InstanceApi& api);
void registerComplianceFunctions(InstanceApi& api);

// Calls the instance's functions from inside one (status reports): with the
// caller, cancellation and progress of `outer`, which must outlive it.
InstanceFunctionCall instanceFunctionCall(InstanceApi& api, const ApiCall& outer);

// Applies the stored index configuration (at start).
Status loadIndexConfiguration(InstanceMasterDb& db, index::IndexSettings& settings);

}  // namespace spe::instance
