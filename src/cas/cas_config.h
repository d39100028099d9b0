// Configuration of spe-cas (cas.json). Strict. Besides the role keys
// (role_agent.h): the public end-user listeners and their certificate.
#pragma once

#include "common/rpc/role_agent.h"

namespace spe::cas {

struct CasConfig {
  RoleConfig role;
  std::string public_address = "0.0.0.0";  // "publicListenAddress"
  std::int64_t imap_port = 143;            // "imapPort": STARTTLS; 0 = any free port, -1 = off
  std::int64_t imaps_port = 993;           // "imapsPort": implicit TLS; 0 = any free port, -1 = off
  std::int64_t https_port = 443;           // "httpsPort": Web Access; 0 = any free port, -1 = off
  // "publicHostName": the name end users reach this CAS by (in Web Access
  // URLs the Management Server makes); empty = the role's serverName.
  std::string public_host_name;
  // "webDirectory": the Web Access application's files; empty = the
  // share/web directory next to the program's bin directory.
  std::string web_directory;
  // "certificateFile"/"keyFile" (PEM): the certificate end users see. Empty
  // = a self-signed one made at first start in <data>/public-tls.
  std::string certificate_file;
  std::string key_file;
  // Connections on the public ports (IMAP, IMAPS, Web Access together) not
  // logged in yet: "unauthenticatedConnectionsPerAddress", "unauthenticatedConnections".
  std::int64_t unauthenticated_per_address = 64;
  std::int64_t unauthenticated_total = 1024;
  // What one instance may hold of this CAS at a time, so that a slow or
  // stopped instance costs the others nothing: Web Access requests it
  // works on at once ("webRequestsPerInstance") and more waiting in line
  // for it ("webWaitingPerInstance"; beyond, 503 at once), IMAP logins
  // waiting for it ("imapLoginsPerInstance"), and how long a request or a
  // login waits for its turn and its answer ("instanceTimeoutSeconds").
  std::int64_t web_requests_per_instance = 16;
  std::int64_t web_waiting_per_instance = 256;
  // Downloads (.eml, attachments, exports) under way per instance, apart
  // from the requests ("webDownloadsPerInstance"; beyond, 503 at once).
  std::int64_t web_downloads_per_instance = 32;
  std::int64_t imap_logins_per_instance = 8;
  std::int64_t instance_timeout_seconds = 30;
  // Remote images of messages, fetched by the CAS when a Web Access user
  // asks to see them ("remoteImages"), never from loopback or private
  // networks unless "remoteImagesFromPrivateNetworks" (for tests).
  bool remote_images = true;
  bool remote_images_from_private_networks = false;
};

Result<CasConfig> loadCasConfig(const std::string& path);

}  // namespace spe::cas
