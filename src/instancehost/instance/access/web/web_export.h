// WebExports: Web Access exports of many messages as one download.
//
//   export {format: "zip"|"mbox", messages: [{storeID, messageID}, ...]}
//   export {format, search: {<the body of a search request>}}  (all results)
//     -> {exportID, count, name}
//   exportDownload {exportID}  (GET, as a download)
//     -> the .zip of .eml files or the .mbox, streamed (export_writers.h)
//
// An export holds only the list of messages (at most kMaxMessages); the
// file is produced message by message while the browser downloads it, so
// an export of any size costs one message of memory at a time. Every
// message is checked against the archives the user may read when the
// export is prepared and again when it is written; one that went meanwhile
// (deleted, or no longer readable) is left out and named in a report entry
// of the zip. An export belongs to its user, may be downloaded until it
// expires (kLifetime after it was prepared; a download again starts over),
// and a user has at most kPerUser of them.
// Thread safety: internally locked; a download's body runs on one thread
// at a time.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "instancehost/instance/access/web/web_selection.h"
#include "instancehost/instance/api/context.h"

namespace spe::instance {

class WebExports {
 public:
  static constexpr std::size_t kMaxMessages = kWebSelectionMax;
  static constexpr std::size_t kPerUser = 4;
  static constexpr std::size_t kTotal = 256;
  static constexpr auto kLifetime = std::chrono::minutes(30);

  using Body = std::function<Result<std::optional<std::string>>()>;

  WebExports(InstanceContext& ctx, Clock& clock) : ctx_(ctx), clock_(clock) {}

  // The answers are Web Access answers ({status, body}).
  // `budget`: how long the caller (the CAS) waits for the answer; preparing
  // gives up when it has run out (503 "exportTooSlow": nobody waits for the
  // result any more), checked after the search, every 256 messages and at
  // the end; a budget of 0 has run out at once.
  Result<Json> prepare(const std::string& user, const Json& body, const WebSearchAll& search,
                       std::optional<std::chrono::milliseconds> budget = std::nullopt);
  Result<Json> download(const std::string& user, const Json& body, Body& out);

 private:
  struct Pending {
    std::string user;
    std::string format;
    std::vector<WebMessageRef> items;
    Clock::TimePoint created;
  };
  void dropExpired();  // under mutex_

  InstanceContext& ctx_;
  Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Pending> pending_;  // by export id
};

}  // namespace spe::instance
