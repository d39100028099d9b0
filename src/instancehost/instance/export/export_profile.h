// An export profile's details (docs/export.md): which archived messages it
// takes (ExportSelection) and where they go (the target: a directory of
// .eml files, one .mbox per folder, an IMAP mailbox or an SMTP server).
// Checked strictly when the profile is created (every unknown, mistyped or
// out-of-range field refused, naming it) and again when it runs.
// Thread safety: plain functions and values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "instancehost/instance/archiving/clients/mail_connection.h"
#include "instancehost/instance/model/profiles.h"

namespace spe::instance {

struct ExportSelection {
  // Full folder paths ("jdoe", "jdoe/Inbox"); empty: every archive.
  std::vector<std::string> folders;
  bool include_subfolders = true;
  std::string query;  // the query language (docs/search.md); empty: every message
  // Message dates (UTC seconds) in [from, to); unset: no bound.
  std::optional<std::int64_t> from_date, to_date;
  bool incremental = false;  // only messages this profile has not exported before
  // Chosen messages (store ID, message ID) of a Web Access restore: when
  // set, exactly these (those gone meanwhile are left out), never more.
  std::optional<std::vector<std::pair<std::int64_t, std::int64_t>>> messages;
};

enum class ExportTargetKind { kEmlDirectory, kMbox, kImap, kSmtp };

struct ExportSpec {
  ExportSelection selection;
  ExportTargetKind kind = ExportTargetKind::kEmlDirectory;
  std::string path;  // emlDirectory, mbox: an absolute directory inside the allowed roots
  // imap and smtp: the server (smtp: user and password only when both are given).
  ServerDetails server;
  std::string target_folder;                 // imap: the folder the archive's tree goes below ("" = the top)
  bool keep_folders = true;                  // imap: false = every message right into target_folder
  std::string recipient;                     // smtp: where each message goes
  std::string sender;                        // smtp: the envelope sender
  bool as_attachment = false;                // smtp: false = the message as is, true = attached to a new one
  MailConnection::Policy connection_policy;  // imap: where it may connect (a Web Access restore)
};

// True for the connectors of export profiles: emlDirectory, mbox, imap, smtp.
bool isExportConnector(const std::string& connector);
std::string exportConnectorNames();

// The spec of an export profile (type "export"); the password comes from
// the profile's secrets. Errors are kInvalidArgument naming the field
// ('details.recipient' ...).
Result<ExportSpec> parseExportSpec(const Profile& profile);

}  // namespace spe::instance
