// What every Management API function of the instance works with: the
// instance's model (database, users, stores, profiles, worker results), its
// archiving machinery, and the call itself (arguments, caller, cancellation,
// log lines for the caller).
// Thread safety: the context's members are thread-safe objects shared by
// every call; an ApiCall belongs to one call.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/base/crypto.h"
#include "common/base/json_reader.h"
#include "index/searcher.h"
#include "instancehost/instance/archiving/importer.h"
#include "instancehost/instance/archiving/profile_scheduler.h"
#include "instancehost/instance/model/master_db.h"
#include "instancehost/instance/model/profiles.h"
#include "instancehost/instance/model/store_manager.h"
#include "instancehost/instance/model/users.h"
#include "instancehost/instance/model/write_gate.h"

namespace spe::instance {

class DirectoryLogin;  // access/directory_login.h
class JobScheduler;    // jobs/job_scheduler.h
class UserMfa;         // model/user_mfa.h

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
  // Seals the instance's own secrets at rest (users' MFA secrets, the
  // directory's bind password): the instance key, opened with the host key.
  Key256 secrets_key{};
  // Checks the passwords of directory users; null until the instance has
  // its directory service object (instance_server.cpp).
  DirectoryLogin* directory = nullptr;
  // End users' second factor, app passwords and trusted devices; set by
  // instance_server.cpp before any call.
  UserMfa* mfa = nullptr;
  // The instance's jobs; set by instance_server.cpp before any call.
  JobScheduler* jobs = nullptr;
};

struct ApiCall {
  const Json& args;
  std::string caller;
  store::OperationControl control;
  std::function<void(const std::string&)> log;  // a line of log output for the caller
  std::string source;                           // the caller's address, for audit records

  std::string str(const std::string& name, const std::string& fallback = {}) const;
  bool has(const std::string& name) const;
  std::int64_t num(const std::string& name, std::int64_t fallback = 0) const;
  bool flag(const std::string& name, bool fallback = false) const;
};

}  // namespace spe::instance
