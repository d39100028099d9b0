#include "cas/cas_config.h"

#include <filesystem>

namespace spe::cas {

Result<CasConfig> loadCasConfig(const std::string& path) {
  CasConfig c;
  RoleConfig defaults;
  defaults.server_type = "clientAccessServer";
  defaults.port = 8473;
  defaults.data_directory = "data/cas";
  auto role = loadRoleConfig(path, defaults, [&c](JsonReader& r) {
    r.str("publicListenAddress", c.public_address);
    r.str("publicHostName", c.public_host_name);
    r.integer("imapPort", c.imap_port, false, -1, 65535);
    r.integer("imapsPort", c.imaps_port, false, -1, 65535);
    r.integer("httpsPort", c.https_port, false, -1, 65535);
    r.str("webDirectory", c.web_directory);
    r.str("certificateFile", c.certificate_file);
    r.str("keyFile", c.key_file);
    r.integer("unauthenticatedConnectionsPerAddress", c.unauthenticated_per_address, false, 1, 1000000);
    r.integer("unauthenticatedConnections", c.unauthenticated_total, false, 1, 1000000);
    r.integer("webRequestsPerInstance", c.web_requests_per_instance, false, 1, 10000);
    r.integer("webWaitingPerInstance", c.web_waiting_per_instance, false, 0, 100000);
    r.integer("webDownloadsPerInstance", c.web_downloads_per_instance, false, 1, 10000);
    r.integer("imapLoginsPerInstance", c.imap_logins_per_instance, false, 1, 10000);
    r.integer("instanceTimeoutSeconds", c.instance_timeout_seconds, false, 1, 3600);
    r.boolean("remoteImages", c.remote_images);
    r.boolean("remoteImagesFromPrivateNetworks", c.remote_images_from_private_networks);
    if (c.certificate_file.empty() != c.key_file.empty()) {
      r.fail("certificateFile", "and keyFile must be given together");
    }
  });
  if (!role) return role.error();
  c.role = *role;
  if (c.public_host_name.empty()) c.public_host_name = c.role.server_name;
  if (c.web_directory.empty()) {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    c.web_directory =
        ((ec ? std::filesystem::path(".") : self.parent_path()) / ".." / "share" / "web").lexically_normal();
  }
  return c;
}

}  // namespace spe::cas
