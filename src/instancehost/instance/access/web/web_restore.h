// WebRestores: end users restore messages from Web Access to a mailbox of
// theirs over IMAP (docs/export.md "Web Access restore").
//
//   restore {messages | search (web_selection.h), server: {host, port,
//            security: "tls"|"starttls", userName, password}, folder,
//            keepFolders}                        -> {restoreID, count}
//   restoreStatus {restoreID} (or {}: the user's latest)
//     -> {restoreID, state: running|succeeded|completedWithErrors|failed|
//         cancelled, total, done, percent, restored, failed, errors, error,
//         server, folder}
//   restoreCancel {restoreID}                    -> {state}
//
// A restore runs in the background as a temporary export profile with the
// IMAP target (the same code as export profiles: folders created, \Seen and
// the archived date kept, MULTIAPPEND or LITERAL+), recorded in the worker
// results under the user's name, and audited (MessageExport) before it
// starts. The password lives only in the run's memory. Connections go only
// to public addresses on ports 143 and 993, or to the servers the provider
// allows (WebRestoreOptions): an address given as such is refused at once,
// and every address is checked after resolving, right before connecting
// (no DNS rebinding). A server anyone may name gets tight limits: small
// responses, 100,000 folders, quoted text cut, a time limit per restore
// (kTimeLimitBase + kTimeLimitPerMessage each), and Stop ends even a
// network step that waits. One restore per user at a time and
// kStartsPerHour, kRunning in the instance; an ended restore stays readable
// for kKeptFor. Stopping the instance stops them (stopAll).
// Thread safety: internally locked.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/base/clock.h"
#include "common/base/host_names.h"
#include "instancehost/instance/access/web/web_selection.h"
#include "instancehost/instance/api/context.h"

namespace spe::instance {

struct WebRestoreOptions {
  bool enabled = true;
  HostAllowList servers;  // allowed besides public addresses on ports 143 and 993
  std::string ca_file;    // PEM certificates trusted besides the system's
};

class WebRestores {
 public:
  static constexpr std::size_t kRunning = 4;
  static constexpr auto kKeptFor = std::chrono::hours(1);
  static constexpr std::size_t kKeptPerUser = 5;
  // Restores a user may start in an hour: we must not become a tool for
  // guessing the passwords of other people's mailboxes.
  static constexpr std::size_t kStartsPerHour = 10;
  // How long a restore may take: then it stops (a slow or stalling server
  // must not keep one of the kRunning places).
  static constexpr auto kTimeLimitBase = std::chrono::minutes(10);
  static constexpr auto kTimeLimitPerMessage = std::chrono::milliseconds(100);

  WebRestores(InstanceContext& ctx, Clock& clock, WebRestoreOptions options)
      : ctx_(ctx), clock_(clock), options_(std::move(options)) {}
  ~WebRestores();  // stopAll()
  WebRestores(const WebRestores&) = delete;
  WebRestores& operator=(const WebRestores&) = delete;

  // The answers are Web Access answers ({status, body}). `late`: whether
  // the CAS has stopped waiting for the answer (web_selection.h).
  Result<Json> start(const std::string& user, const Json& body, const WebSearchAll& search,
                     const std::function<bool()>& late, const std::string& client);
  Result<Json> status(const std::string& user, const Json& body);
  Result<Json> cancel(const std::string& user, const Json& body);
  // Stops every restore and waits for them (a network step under way ends
  // within a quarter of a second; a name lookup under way first ends);
  // later starts are refused. The instance calls it when it stops.
  void stopAll();

 private:
  struct Run;
  Json statusOf(const Run& run);  // under mutex_
  // Why `user` may not start a restore now (running, too many, this hour's starts), if so.
  std::optional<Json> limitRefusal(const std::string& user);  // under mutex_
  // Forgets restores that ended kKeptFor ago, and makes room for one more of `user`.
  void dropEnded(const std::string& user);                               // under mutex_
  std::shared_ptr<Run> find(const std::string& user, const Json& body);  // under mutex_
  void execute(Run& run, Profile profile);                               // on the run's thread

  InstanceContext& ctx_;
  Clock& clock_;
  const WebRestoreOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Run>> runs_;             // by restore ID
  std::map<std::string, std::vector<Clock::TimePoint>> starts_;  // by user: the last hour's starts
  bool stopped_ = false;
};

}  // namespace spe::instance
