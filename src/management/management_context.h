// What the API function groups share: configuration, database, the
// authenticator, administrators' multi-factor login, the clock, the role peers, the instances and the route publisher.
// Owned by ManagementServer.
#pragma once

#include "common/net/tls.h"
#include "management/admin_mfa.h"
#include "management/authenticator.h"
#include "management/instance_control.h"
#include "management/management_config.h"
#include "management/management_db.h"
#include "management/role_peers.h"
#include "management/route_publisher.h"

namespace spe::management {

struct ManagementContext {
  const ManagementConfig& config;
  const TlsIdentity& identity;
  ManagementDb& db;
  Authenticator& auth;
  AdminMfa& mfa;
  Clock& clock;
  RolePeers& peers;
  InstanceControl& instances;
  RoutePublisher& routes;  // publish() after a change of what the CASes route
  // The Management Server's key (management_key.h): seals the secrets the
  // database keeps (the system SMTP password; AdminMfa has its own copy).
  const Key256& key;
};

class FunctionRegistry;

// Each group registers its functions (functions/*.cpp).
void registerEnvironmentFunctions(FunctionRegistry& registry, ManagementContext& ctx);
void registerAdministratorFunctions(FunctionRegistry& registry, ManagementContext& ctx);
void registerServerFunctions(FunctionRegistry& registry, ManagementContext& ctx);
void registerSmtpFunctions(FunctionRegistry& registry, ManagementContext& ctx);
void registerInstanceFunctions(FunctionRegistry& registry, ManagementContext& ctx);
void registerArchiveFunctions(FunctionRegistry& registry, ManagementContext& ctx);
void registerBrandingFunctions(FunctionRegistry& registry, ManagementContext& ctx);
void registerFiguresFunctions(FunctionRegistry& registry, ManagementContext& ctx);

}  // namespace spe::management
