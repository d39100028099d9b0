#include "cas/cas_config.h"

namespace spe::cas {

Result<CasConfig> loadCasConfig(const std::string& path) {
  auto doc = loadJsonFile(path);
  if (!doc) return doc.error();
  CasConfig c;
  c.role.server_type = "clientAccessServer";
  c.role.port = 8473;
  c.role.data_directory = "data/cas";
  JsonReader r(*doc, path);
  readRoleConfig(r, c.role);
  SPE_TRY(r.finish());
  return c;
}

}  // namespace spe::cas
