#include "instancehost/instance/profile_sources.h"

#include <cctype>

#include "instancehost/instance/imap_source.h"
#include "instancehost/instance/multidrop.h"
#include "instancehost/instance/pop3_source.h"

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
                                                      "user '" + archive + "'.");
  }
  return (*user)->name + target->substr(archive.size());
}

bool isMultidrop(const Profile& profile) { return profile.connector.find("Multidrop") != std::string::npos; }

Result<std::unique_ptr<MessageSource>> openProfileSource(const Profile& profile, UserDirectory& users,
                                                         SourceState& state, const store::OperationControl& control) {
  const bool multidrop = isMultidrop(profile);
  Result<std::unique_ptr<MessageSource>> source = makeError(ErrorCode::kInternal, "no source");
  if (profile.connector == "imap" || profile.connector == "imapMultidrop") {
    auto settings = imapSettings(profile.details, profile.secrets, multidrop);
    if (!settings) return settings.error();
    control.report(0, "Connecting to " + settings->connection.host);
    source = openImapSource(*settings, profile.id, state);
  } else if (profile.connector == "pop3" || profile.connector == "pop3Multidrop") {
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
    source = openFileSource(so);
  }
  if (!source || !multidrop) return source;
  // Recipients to archives.
  auto all = users.list();
  if (!all) return all.error();
  std::map<std::string, std::vector<std::string>> by_address;
  for (const auto& u : *all) {
    for (std::string a : u.email_addresses) {
      for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
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
