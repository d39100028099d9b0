// spe-cas: the Client Access Server daemon (thin wrapper over the library).
#include "cas/cas_server.h"
#include "common/rpc/role_main.h"

int main(int argc, char** argv) {
  using namespace spe::cas;
  return spe::roleMain<CasConfig, CasServer>(argc, argv, "spe-cas", loadCasConfig,
                                             [](CasConfig& c) -> spe::RoleConfig& { return c.role; });
}
