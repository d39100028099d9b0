#include "instancehost/instancehost_config.h"

#include <filesystem>

namespace spe::instancehost {

Result<InstanceHostConfig> loadInstanceHostConfig(const std::string& path) {
  auto doc = loadJsonFile(path);
  if (!doc) return doc.error();
  InstanceHostConfig c;
  c.role.server_type = "instanceHost";
  c.role.port = 8472;
  c.role.data_directory = "data/instancehost";
  JsonReader r(*doc, path);
  readRoleConfig(r, c.role);
  r.str("baseDirectory", c.base_directory);
  if (c.base_directory.empty()) r.fail("baseDirectory", "must not be empty");
  SPE_TRY(r.finish());
  c.base_directory = std::filesystem::absolute(c.base_directory).lexically_normal().string();
  while (c.base_directory.size() > 1 && c.base_directory.back() == '/') c.base_directory.pop_back();
  return c;
}

}  // namespace spe::instancehost
