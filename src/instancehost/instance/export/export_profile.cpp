#include "instancehost/instance/export/export_profile.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "common/net/mail_message.h"
#include "common/net/smtp_client.h"
#include "instancehost/instance/model/path_roots.h"
#include "instancehost/instance/model/time_zones.h"
#include "store/archive_store.h"

namespace spe::instance {
namespace {

constexpr std::array<const char*, 4> kConnectors = {"emlDirectory", "mbox", "imap", "smtp"};
constexpr std::size_t kMaxFolders = 1000;

Error bad(const std::string& message) { return makeError(ErrorCode::kInvalidArgument, message); }

Status onlyKeys(const Profile& p, std::vector<std::string> keys) {
  for (const char* k : {"folders", "includeSubfolders", "query", "fromDate", "toDate", "incremental"}) {
    keys.emplace_back(k);
  }
  for (const auto& [key, value] : p.details.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return bad("'properties.details' has the unknown key '" + key + "' for exports to " + p.connector + ".");
    }
  }
  return okStatus();
}

Result<std::vector<std::string>> folderList(const Json& d) {
  std::vector<std::string> out;
  if (!d.contains("folders") || d["folders"].is_null()) return out;
  const Json& f = d["folders"];
  std::vector<std::string> given;
  if (f.is_string()) {
    if (!f.get<std::string>().empty()) given.push_back(f.get<std::string>());
  } else if (f.is_array()) {
    if (f.size() > kMaxFolders) return bad("'details.folders' may name at most 1000 folders.");
    for (const auto& e : f) {
      if (!e.is_string()) return bad("'details.folders' must be a list of folder paths (strings).");
      given.push_back(e.get<std::string>());
    }
  } else {
    return bad("'details.folders' must be a list of folder paths.");
  }
  for (const auto& g : given) {
    auto n = store::ArchiveStore::normaliseFolder(g);
    if (!n || n->empty()) {
      return bad("'details.folders': '" + g.substr(0, 200) + "' is not a folder path" +
                 (n ? std::string(".") : ": " + n.error().message));
    }
    if (std::find(out.begin(), out.end(), *n) == out.end()) out.push_back(*n);
  }
  return out;
}

Result<std::optional<std::int64_t>> dateDetail(const Json& d, const char* key) {
  auto text = detailString(d, key, false);
  if (!text) return text.error();
  if (text->empty()) return std::optional<std::int64_t>();
  if (text->size() != 10) return bad(std::string("'details.") + key + "' must be a date like 2024-12-31.");
  auto t = parseLocalTime(*text, "UTC", std::string("details.") + key);
  if (!t) return t.error();
  return std::optional<std::int64_t>(*t);
}

Result<ExportSelection> selectionOf(const Json& d) {
  ExportSelection s;
  auto folders = folderList(d);
  if (!folders) return folders.error();
  s.folders = std::move(*folders);
  auto sub = detailFlag(d, "includeSubfolders", true);
  if (!sub) return sub.error();
  s.include_subfolders = *sub;
  auto query = detailString(d, "query", false);
  if (!query) return query.error();
  if (query->size() > 4096) return bad("'details.query' must be at most 4096 bytes long.");
  s.query = *query;
  auto from = dateDetail(d, "fromDate");
  if (!from) return from.error();
  auto to = dateDetail(d, "toDate");
  if (!to) return to.error();
  if (*from && *to && **to <= **from) return bad("'details.toDate' must be after 'details.fromDate'.");
  s.from_date = *from;
  s.to_date = *to;
  auto incremental = detailFlag(d, "incremental", false);
  if (!incremental) return incremental.error();
  s.incremental = *incremental;
  return s;
}

Status directoryTarget(const Json& d, ExportSpec& spec) {
  auto path = detailString(d, "path", true);
  if (!path) return path.error();
  if ((*path)[0] != '/') return bad("'details.path' must be an absolute directory path.");
  auto confined = confinePath(*path, "details.path");
  if (!confined) return confined.error();
  spec.path = *confined;
  return okStatus();
}

Status imapTarget(const Profile& p, ExportSpec& spec) {
  // The same connection fields as the IMAP archiving connector (targetUserFolder aside).
  auto server = serverDetails(p.details, p.secrets, {"IMAP", "IMAP-TLS", "IMAP-SSL"}, 143, 993, true);
  if (!server) return server.error();
  spec.server = *server;
  auto folder = detailString(p.details, "targetFolder", false);
  if (!folder) return folder.error();
  if (!folder->empty()) {
    auto n = store::ArchiveStore::normaliseFolder(*folder);
    if (!n) return bad("'details.targetFolder': " + n.error().message);
    spec.target_folder = *n;
  }
  auto keep = detailFlag(p.details, "keepFolders", true);
  if (!keep) return keep.error();
  spec.keep_folders = *keep;
  return onlyKeys(p, {"host", "port", "protocol", "userName", "password", "ignoreSSLPolicyErrors", "timeout",
                      "targetFolder", "keepFolders"});
}

Status smtpTarget(const Profile& p, ExportSpec& spec) {
  const Json& d = p.details;
  auto host = detailString(d, "host", true);
  if (!host) return host.error();
  if (!net::isSmtpHost(*host)) return bad("'details.host' must be a host name or IP address.");
  spec.server.host = *host;
  auto protocol = detailString(d, "protocol", false);
  if (!protocol) return protocol.error();
  auto parsed = net::parseSmtpProtocol(protocol->empty() ? "SMTP-TLS" : *protocol);
  if (!parsed)
    return bad("'details.protocol' must be SMTP, SMTP-TLS or SMTP-SSL (SMTPS), not '" + protocol->substr(0, 40) + "'.");
  spec.server.security = *parsed == net::SmtpProtocol::kPlain ? 0 : *parsed == net::SmtpProtocol::kStartTls ? 1 : 2;
  auto port = detailNumber(d, "port", spec.server.security == 2 ? 465 : 587, 1, 65535);
  if (!port) return port.error();
  spec.server.port = static_cast<std::uint16_t>(*port);
  auto user = detailString(d, "userName", false);
  if (!user) return user.error();
  spec.server.user = *user;
  if (p.secrets.contains("password") && p.secrets["password"].is_string()) {
    spec.server.password = p.secrets["password"].get<std::string>();
  }
  if (spec.server.user.empty() != spec.server.password.empty()) {
    return bad("'details.userName' and 'details.password' are given together or not at all.");
  }
  auto ignore = detailFlag(d, "ignoreSSLPolicyErrors", false);
  if (!ignore) return ignore.error();
  spec.server.ignore_certificate_errors = *ignore;
  auto timeout = detailNumber(d, "timeout", 0, 0, 3600);
  if (!timeout) return timeout.error();
  spec.server.timeout = std::chrono::seconds(*timeout == 0 ? 60 : *timeout);
  for (auto [key, out, required] :
       {std::tuple{"recipient", &spec.recipient, true}, std::tuple{"sender", &spec.sender, false}}) {
    auto address = detailString(d, key, required);
    if (!address) return address.error();
    if (!address->empty() && !net::isMailAddress(*address)) {
      return bad(std::string("'details.") + key + "' is not an e-mail address.");
    }
    *out = *address;
  }
  if (spec.sender.empty()) spec.sender = spec.recipient;
  auto mode = detailString(d, "mode", false);
  if (!mode) return mode.error();
  if (!mode->empty() && *mode != "asIs" && *mode != "attachment") {
    return bad("'details.mode' must be asIs or attachment.");
  }
  spec.as_attachment = *mode == "attachment";
  return onlyKeys(p, {"host", "port", "protocol", "userName", "password", "ignoreSSLPolicyErrors", "timeout",
                      "recipient", "sender", "mode"});
}

}  // namespace

bool isExportConnector(const std::string& connector) {
  return std::find(kConnectors.begin(), kConnectors.end(), connector) != kConnectors.end();
}

std::string exportConnectorNames() {
  std::string out;
  for (const char* c : kConnectors) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}

Result<ExportSpec> parseExportSpec(const Profile& p) {
  if (!isExportConnector(p.connector)) {
    return bad("'properties.connector' '" + p.connector + "' is not an export connector; supported are " +
               exportConnectorNames() + ".");
  }
  ExportSpec spec;
  auto selection = selectionOf(p.details);
  if (!selection) return selection.error();
  spec.selection = std::move(*selection);
  if (p.connector == "emlDirectory" || p.connector == "mbox") {
    spec.kind = p.connector == "mbox" ? ExportTargetKind::kMbox : ExportTargetKind::kEmlDirectory;
    SPE_TRY(directoryTarget(p.details, spec));
    SPE_TRY(onlyKeys(p, {"path"}));
  } else if (p.connector == "imap") {
    spec.kind = ExportTargetKind::kImap;
    SPE_TRY(imapTarget(p, spec));
  } else {
    spec.kind = ExportTargetKind::kSmtp;
    SPE_TRY(smtpTarget(p, spec));
  }
  if (p.end_user_run) {
    spec.selection.messages = p.end_user_run->messages;
    spec.connection_policy = {p.end_user_run->address_allowed, p.end_user_run->extra_ca_file, p.end_user_run->cancelled,
                              true};
  }
  return spec;
}

}  // namespace spe::instance
