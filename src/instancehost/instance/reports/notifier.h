// Notifier: tells the instance's recipients (its SMTP settings) when
// something needs them, without anyone asking: an archiving run that failed
// or completed with warnings, a job run that did not succeed, an archive
// store that went to an error state, a search index that needs a rebuild.
//
// Every `sweep` interval (5 minutes; the host's notificationSweepSeconds,
// passed as --notification-sweep-seconds, sets another) it looks at what
// happened since the last look, through the instance's own functions
// (GetWorkerResults, GetJobResults when the instance has jobs, GetStores),
// and queues one line per event under its kind. A kind's queue goes out as one mail when its
// last mail is at least 15 minutes old (so at most one mail per kind per
// 15 minutes, however many events), listing at most 50 events and the
// count of the rest. Kinds are switched on and off one by one
// (NotificationSettings, stored in SETTINGS "notifications"; all on by
// default). The time of the last look is stored too, so a restart neither
// repeats old events nor loses the ones of the restart; stores already in
// error when the instance starts are reported once.
// Without SMTP settings nothing is sent (and nothing queued). Safe mode
// starts no notifier.
// The sweep runs on the pool `post` gives it, never on the clock's thread.
// Thread safety: sweep() is serialised; start() once.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "instancehost/instance/model/master_db.h"
#include "instancehost/instance/reports/status_report.h"

namespace spe::instance {

enum class NotificationKind { kArchivingFailed, kArchivingWarnings, kJobFailed, kStoreError, kIndexRebuild };

struct NotificationSettings {
  std::map<NotificationKind, bool> enabled = {{NotificationKind::kArchivingFailed, true},
                                              {NotificationKind::kArchivingWarnings, true},
                                              {NotificationKind::kJobFailed, true},
                                              {NotificationKind::kStoreError, true},
                                              {NotificationKind::kIndexRebuild, true}};
  // {archivingFailed, archivingWarnings, jobFailed, storeError, indexRebuild}: booleans.
  Json toJson() const;
  // Every key optional (absent: unchanged from `base`); unknown keys and
  // other types are refused naming the key.
  static Result<NotificationSettings> fromJson(const Json& in, const NotificationSettings& base);
};

inline constexpr const char* kNotificationSettingsKey = "notifications";
Result<NotificationSettings> loadNotificationSettings(InstanceMasterDb& db);

class Notifier {
 public:
  static constexpr std::chrono::minutes kSweep{5};
  static constexpr std::chrono::minutes kPerKind{15};
  static constexpr std::size_t kListed = 50;

  // A mail to the instance's recipients; kNotFound when the instance has no
  // SMTP settings (then nothing is queued).
  using Send = std::function<Status(const std::string& subject, const std::string& text)>;
  using Post = std::function<void(std::function<void()>)>;

  // `sweep`: the interval of the looks (kSweep unless the host's
  // notificationSweepSeconds says otherwise); more than zero.
  Notifier(Clock& clock, InstanceMasterDb& db, InstanceFunctionCall call, Send send, Post post, std::string instance_id,
           std::chrono::seconds sweep = kSweep);
  ~Notifier();

  // Arms the sweep timer (the first sweep one interval from now).
  void start();
  // One look and the mails due (the timer calls it; tests call it directly).
  void sweep();

 private:
  struct Queue {
    std::vector<std::string> lines;
    std::size_t more = 0;
    std::optional<Clock::TimePoint> last_sent;
  };
  void queue(NotificationKind kind, std::string line);
  Status look(std::int64_t from, std::int64_t to, const NotificationSettings& settings);
  void sendDue(const NotificationSettings& settings);

  Clock& clock_;
  InstanceMasterDb& db_;
  InstanceFunctionCall call_;
  Send send_;
  Post post_;
  const std::string instance_id_;
  const std::chrono::seconds sweep_;
  std::mutex mutex_;
  std::map<NotificationKind, Queue> queues_;
  std::set<std::int64_t> stores_in_error_, stores_needing_rebuild_;
  bool first_look_ = true;
  std::unique_ptr<Timer> timer_;
};

}  // namespace spe::instance
