#include "cas/cas_config.h"

namespace spe::cas {

Result<CasConfig> loadCasConfig(const std::string& path) {
  CasConfig c;
  RoleConfig defaults;
  defaults.server_type = "clientAccessServer";
  defaults.port = 8473;
  defaults.data_directory = "data/cas";
  auto role = loadRoleConfig(path, defaults, [&c](JsonReader& r) {
    r.str("publicListenAddress", c.public_address);
    r.integer("imapPort", c.imap_port, false, -1, 65535);
    r.integer("imapsPort", c.imaps_port, false, -1, 65535);
    r.str("certificateFile", c.certificate_file);
    r.str("keyFile", c.key_file);
    if (c.certificate_file.empty() != c.key_file.empty()) {
      r.fail("certificateFile", "and keyFile must be given together");
    }
  });
  if (!role) return role.error();
  c.role = *role;
  return c;
}

}  // namespace spe::cas
