// MessageSource: where an archiving run reads messages from (files, an
// IMAP or POP3 mailbox, a multidrop mailbox). The import pipeline reads a
// source to its end, archives what it yields and tells the source which
// messages are durable, so a source may delete or mark them only then.
// Thread safety: a source is used by one thread; `durable` callbacks come
// from the pipeline's writer threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace spe::instance {

// 256 MiB: above what mail servers let through (Exchange Online at most
// 150 MB); Web Access downloads stream such messages in pieces.
constexpr std::size_t kMaxMessageBytes = 256u << 20;
// The error of a message above kMaxMessageBytes (it is not archived).
std::string tooLargeError(std::int64_t size);

struct SourceMessage {
  std::string folder;  // relative folder below the target ("" = the target itself)
  std::string origin;  // file (and position) for reports
  std::string raw;
  std::string error;  // when the message could not be read
  // Called (from another thread) once the message is durable in the
  // archive, or was there already; never for a message that failed.
  std::function<void()> durable;
  // Multidrop: the whole folders (user/...) the message goes to, instead of
  // `folder` below the profile's target; or why it is skipped.
  std::vector<std::string> destinations;
  std::string skip_reason;
};

class MessageSource {
 public:
  virtual ~MessageSource() = default;
  // Estimated number of messages (for progress); may be approximate.
  virtual std::int64_t estimate() const = 0;
  // Calls `each` for every message; stops early when it returns false.
  virtual Status forEach(const std::function<bool(SourceMessage&&)>& each) = 0;
  // After every message handed out was archived or failed: keeps where the
  // source stands and deletes archived messages at the source when asked
  // to. Problems that cost nothing archived are `warnings`.
  virtual Status finish(std::vector<std::string>& warnings) {
    (void)warnings;
    return okStatus();
  }
};

}  // namespace spe::instance
