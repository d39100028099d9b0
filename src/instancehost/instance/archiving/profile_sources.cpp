#include "instancehost/instance/archiving/profile_sources.h"

#include <algorithm>
#include <cctype>

#include "instancehost/instance/archiving/clients/imap_source.h"
#include "instancehost/instance/archiving/clients/pop3_source.h"
#include "instancehost/instance/archiving/msg_source.h"
#include "instancehost/instance/archiving/multidrop.h"
#include "instancehost/instance/archiving/pst_source.h"
#include "instancehost/instance/model/path_roots.h"

namespace spe::instance {

Result<std::string> userFolder(const std::string& path, UserDirectory& users, const std::string& what) {
  auto target = store::ArchiveStore::normaliseFolder(path);
  if (!target) return makeError(ErrorCode::kInvalidArgument, "'details." + what + "': " + target.error().message);
  const std::string archive = target->substr(0, target->find('/'));
  auto user = users.find(archive);
  if (!user) return user.error();
  if (!user->has_value() || (*user)->name == kArchiveAdmin) {
    return makeError(ErrorCode::kInvalidArgument, "'details." + what +
                                                      "' must start with the name of a user archive; there is no "
                                                      "user '" +
                                                      archive + "'.");
  }
  return (*user)->name + target->substr(archive.size());
}

namespace {

constexpr Connector kConnectors[] = {
    {Connector::Source::kFiles, "emlDirectory", false}, {Connector::Source::kFiles, "mbox", false},
    {Connector::Source::kFiles, "maildir", false},      {Connector::Source::kFiles, "pstFile", false},
    {Connector::Source::kFiles, "msgDirectory", false}, {Connector::Source::kImap, "imap", false},
    {Connector::Source::kPop3, "pop3", false},          {Connector::Source::kImap, "imapMultidrop", true},
    {Connector::Source::kPop3, "pop3Multidrop", true},
};

Status onlyKeys(const Profile& profile, const std::vector<std::string>& keys) {
  for (const auto& [key, value] : profile.details.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return makeError(ErrorCode::kInvalidArgument, "'properties.details' has the unknown key '" + key + "' for the " +
                                                        profile.connector + " connector.");
    }
  }
  return okStatus();
}

}  // namespace

const Connector* findConnector(const std::string& name) {
  for (const auto& c : kConnectors) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

std::string connectorNames() {
  std::string out;
  for (const auto& c : kConnectors) out += (out.empty() ? "" : ", ") + std::string(c.name);
  return out;
}

bool isMultidrop(const Profile& profile) {
  const Connector* c = findConnector(profile.connector);
  return c && c->multidrop;
}

Status checkSourceDetails(const Profile& profile) {
  const Connector* c = findConnector(profile.connector);
  if (!c) return makeError(ErrorCode::kInvalidArgument, "unknown connector '" + profile.connector + "'");
  const Json& d = profile.details;
  switch (c->source) {
    case Connector::Source::kFiles: {
      auto path = detailString(d, "path", true);
      if (!path) return path.error();
      // Only inside the roots the Instance Host allows (checked again when the profile runs).
      if (!path->empty() && (*path)[0] == '/') SPE_TRY(confinePath(*path, "details.path"));
      SPE_TRY(detailString(d, "targetUserFolder", true));
      SPE_TRY(detailFlag(d, "includeSubfolders", true));
      return onlyKeys(profile, {"path", "targetUserFolder", "includeSubfolders"});
    }
    case Connector::Source::kImap: SPE_TRY(imapSettings(d, profile.secrets, c->multidrop)); break;
    case Connector::Source::kPop3: SPE_TRY(pop3Settings(d, profile.secrets, c->multidrop)); break;
  }
  if (!c->multidrop && d.contains("unknownRecipientsFolder")) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'details.unknownRecipientsFolder' belongs to the multidrop connectors.");
  }
  return onlyKeys(profile, c->source == Connector::Source::kImap ? imapDetailKeys() : pop3DetailKeys());
}

Result<std::unique_ptr<MessageSource>> openProfileSource(const Profile& profile, UserDirectory& users,
                                                         SourceState& state, const store::OperationControl& control) {
  const Connector* c = findConnector(profile.connector);
  if (!c) return makeError(ErrorCode::kInvalidArgument, "The connector '" + profile.connector + "' is unknown.");
  const bool multidrop = c->multidrop;
  Result<std::unique_ptr<MessageSource>> source = makeError(ErrorCode::kInternal, "no source");
  if (c->source == Connector::Source::kImap) {
    auto settings = imapSettings(profile.details, profile.secrets, multidrop);
    if (!settings) return settings.error();
    control.report(0, "Connecting to " + settings->connection.host);
    source = openImapSource(*settings, profile.id, state);
  } else if (c->source == Connector::Source::kPop3) {
    auto settings = pop3Settings(profile.details, profile.secrets, multidrop);
    if (!settings) return settings.error();
    control.report(0, "Connecting to " + settings->connection.host);
    source = openPop3Source(*settings, profile.id, state);
  } else {
    FileSourceOptions so;
    so.connector = profile.connector;
    so.path = profile.details.value("path", "");
    auto sub = detailFlag(profile.details, "includeSubfolders", true);
    so.include_subfolders = sub ? *sub : true;
    if (so.connector == "pstFile") {
      source = openPstSource(so.path);
    } else if (so.connector == "msgDirectory") {
      source = openMsgSource(so.path, so.include_subfolders);
    } else {
      source = openFileSource(so);
    }
  }
  if (!source || !multidrop) return source;
  // Recipients to archives.
  auto all = users.list();
  if (!all) return all.error();
  std::map<std::string, std::vector<std::string>> by_address;
  for (const auto& u : *all) {
    for (std::string a : u.email_addresses) {
      for (auto& ch : a) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      by_address[a].push_back(u.name);
    }
  }
  std::string unknown;
  auto folder = detailString(profile.details, "unknownRecipientsFolder", false);
  if (!folder) return folder.error();
  if (!folder->empty()) {
    auto f = userFolder(*folder, users, "unknownRecipientsFolder");
    if (!f) return f.error();
    unknown = *f;
  }
  return multidropSource(std::move(*source), std::move(by_address), unknown);
}

}  // namespace spe::instance
