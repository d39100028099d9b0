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
#include "index/searcher.h"
#include "instancehost/instance/archiving/importer.h"
#include "instancehost/instance/model/master_db.h"
#include "instancehost/instance/archiving/profile_scheduler.h"
#include "instancehost/instance/model/profiles.h"
#include "instancehost/instance/model/store_manager.h"
#include "instancehost/instance/model/users.h"
#include "instancehost/instance/model/write_gate.h"

namespace spe::instance {

struct InstanceContext {
  std::string instance_id;
  std::string base_directory;
  InstanceMasterDb& db;
  UserDirectory& users;
  StoreManager& stores;
  ProfileStore& profiles;
  WorkerResults& results;
  Importer& importer;
  WriteGate& gate;
  index::IndexSettings& index_settings;
  ProfileRunner& runner;
  ProfileScheduler& scheduler;
};

struct ApiCall {
  const Json& args;
  std::string caller;
  store::OperationControl control;
  std::function<void(const std::string&)> log;  // a line of log output for the caller

  std::string str(const std::string& name, const std::string& fallback = {}) const;
  bool has(const std::string& name) const;
  std::int64_t num(const std::string& name, std::int64_t fallback = 0) const;
  bool flag(const std::string& name, bool fallback = false) const;
};

using ApiHandler = std::function<Result<Json>(ApiCall&)>;

class InstanceApi {
 public:
  explicit InstanceApi(InstanceContext& ctx);
  Result<Json> call(const std::string& function, ApiCall& call);

  // Used by the function groups (api_*.cpp) to register themselves.
  void add(const std::string& name, ApiHandler handler, bool writes);
  InstanceContext& context() { return ctx_; }
  void audit(const ApiCall& call, const std::string& event, const std::string& details);

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
void registerFolderFunctions(InstanceApi& api);
void registerStoreFunctions(InstanceApi& api);
void registerProfileFunctions(InstanceApi& api);
void registerIndexFunctions(InstanceApi& api);

// Applies the stored index configuration (at start).
Status loadIndexConfiguration(InstanceMasterDb& db, index::IndexSettings& settings);
// The archives `user_name` may read; none = every archive (archive admins).
Result<std::optional<std::vector<std::string>>> readableArchives(InstanceContext& ctx, const std::string& user_name);
// The instance's search (RPC method "search"): {userName, query, sort
// (date|relevance), offset, limit, zoneOffsetSeconds} → {total, hits, …}.
Result<Json> searchArchives(InstanceContext& ctx, const Json& params);
// Sorting and paging of a search from request parameters {sort, offset,
// limit (1..max_limit), zoneOffsetSeconds}; errors name the bad value.
Status readSearchPage(const Json& params, std::int64_t max_limit, index::SearchRequest& request);
// A search hit as the search answers show it.
Json searchHitJson(const index::SearchHitInfo& hit);

}  // namespace spe::instance
