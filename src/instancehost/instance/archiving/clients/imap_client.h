// ImapClient: an IMAP4rev1 client (RFC 3501) for archiving from mail
// servers: plain, STARTTLS or implicit TLS; LOGIN (the password as a
// literal when it cannot be quoted); LIST with the server's hierarchy
// separator; EXAMINE (read-only) and SELECT; UID SEARCH; UID FETCH of whole
// messages in batches with the next batch's command sent before the
// current batch is read (pipelined); UID STORE \Deleted and EXPUNGE.
//
// Every network step has a deadline (Options::timeout): a server that
// stops answering ends the call with a kUnavailable error and the
// connection is unusable afterwards. Server certificates are verified
// against the system's CA store and the host name unless
// `ignore_certificate_errors`.
// Thread safety: one client per thread; calls block.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/imap/response.h"
#include "instancehost/instance/archiving/clients/mail_connection.h"

namespace spe::instance {

struct ImapFolder {
  std::string name;       // UTF-8, as the server names it (its separator)
  std::string wire_name;  // as sent on the wire (modified UTF-7)
  char separator = '/';   // '\0' when the server has no hierarchy
  bool selectable = true;
};

struct ImapFolderState {
  std::uint32_t uid_validity = 0;
  std::uint32_t uid_next = 0;  // 0 when the server did not say
  std::uint32_t exists = 0;
};

struct ImapMessage {
  std::uint32_t uid = 0;
  std::string raw;
  std::vector<std::string> flags;
  std::string internal_date;  // as the server sent it
};

// A message to APPEND (RFC 3501 6.3.11): CRLF line ends.
struct ImapAppend {
  std::string raw;
  std::vector<std::string> flags;  // e.g. "\\Seen"
  std::string internal_date;       // "07-Dec-2026 10:00:00 +0000"; empty: the server's time
};

class ImapClient {
 public:
  enum class Security { kNone, kStartTls, kTls };
  struct Options {
    std::string host;
    std::uint16_t port = 143;
    Security security = Security::kStartTls;
    bool ignore_certificate_errors = false;
    std::chrono::seconds timeout{60};
    std::string user, password;
    std::size_t max_message_bytes = 256u << 20;
    MailConnection::Policy policy;  // where it may connect (mail_connection.h)
  };

  // Connects, upgrades to TLS as asked and logs in.
  static Result<std::unique_ptr<ImapClient>> connect(const Options& options);
  ~ImapClient();
  ImapClient(const ImapClient&) = delete;
  ImapClient& operator=(const ImapClient&) = delete;

  const std::vector<std::string>& capabilities() const { return capabilities_; }
  Result<std::vector<ImapFolder>> list();
  // Opens a folder read-only (EXAMINE) or read-write (SELECT).
  Result<ImapFolderState> open(const ImapFolder& folder, bool writable);
  // UIDs of the open folder above `after`, ascending; `criteria` adds
  // search keys (e.g. "SEEN", "SINCE 1-Jan-2024").
  Result<std::vector<std::uint32_t>> uidsAfter(std::uint32_t after, const std::string& criteria = {});
  // Fetches whole messages (BODY.PEEK[]: nothing is marked read) of the
  // open folder, `batch` UIDs per command; `each` may stop early by
  // returning false.
  Status fetch(const std::vector<std::uint32_t>& uids, std::size_t batch,
               const std::function<bool(ImapMessage&&)>& each);
  // The sizes (RFC822.SIZE) of messages of the open folder, by UID.
  Result<std::map<std::uint32_t, std::int64_t>> sizes(const std::vector<std::uint32_t>& uids);
  // Marks messages of the open (writable) folder \Deleted and expunges
  // them (UID EXPUNGE when the server has UIDPLUS: only these).
  Status remove(const std::vector<std::uint32_t>& uids);
  // Creates a folder (UTF-8 name with the server's separator); one that
  // exists already is fine.
  Status create(const std::string& name);
  // Appends messages to a folder (its wire name): with MULTIAPPEND (RFC 3502)
  // one command for all, else one APPEND each, pipelined when the server
  // takes LITERAL+ (RFC 7888). An error when the connection failed (nothing
  // more can be said); otherwise one status per message (the server's NO).
  Result<std::vector<Status>> append(const std::string& wire_name, const std::vector<ImapAppend>& messages);
  Status logout();
  bool broken() const;

 private:
  struct Connection;
  explicit ImapClient(std::unique_ptr<Connection> c, Options options);
  std::unique_ptr<Connection> c_;
  Options options_;
  std::vector<std::string> capabilities_;
  std::string selected_;
};

// "1:3,5,7:9" for sorted UIDs.
std::string imapSequenceSet(const std::vector<std::uint32_t>& sorted_uids);

}  // namespace spe::instance
