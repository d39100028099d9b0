// spe-instancehost: the Instance Host daemon (thin wrapper over the library).
#include "common/rpc/role_main.h"
#include "instancehost/instancehost_server.h"

int main(int argc, char** argv) {
  using namespace spe::instancehost;
  return spe::roleMain<InstanceHostConfig, InstanceHostServer>(
      argc, argv, "spe-instancehost", loadInstanceHostConfig,
      [](InstanceHostConfig& c) -> spe::RoleConfig& { return c.role; });
}
