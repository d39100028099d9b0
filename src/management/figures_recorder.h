// FiguresRecorder: what the console's charts draw over time (issue 18).
// Every `interval` (statisticsIntervalSeconds, one hour by default) it asks
// each running instance for its statistics (message count, size on disk)
// and keeps one row per instance and UTC day in the management database
// (INSTANCE_DAILY_FIGURES: the day's last sample), for 400 days.
// GetInstanceStatisticsHistory reads them; "messages archived per day" is
// the growth of the count from one day to the next. Each sample also keeps
// the instance's used licenses (INSTANCE_LICENSE_COUNTS, issue 24), so
// CreateLicenseRequest has a recent count of an instance stopped since.
// Thread safety: sampleNow() may run on any thread; the timer hands the
// sampling to `post` (a pool), never doing it on the clock's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "management/management_db.h"

namespace spe::management {

class InstanceControl;

// One instance's figures as it answers now.
struct InstanceFigures {
  std::string instance_id;
  std::int64_t messages = 0;
  std::int64_t size_kb = 0;
  // Its used licenses (CountUsedLicenses); none when it was not counted
  // (frozen, or it did not answer that call).
  std::optional<std::int64_t> used_licenses = std::nullopt;
  std::int64_t stores_not_counted = 0;
};

// Where the figures come from (the running instances; a fake in tests).
class FiguresSource {
 public:
  virtual ~FiguresSource() = default;
  // The instances that answered; one that does not is left out this time.
  // Returns early once `stop` is set.
  virtual std::vector<InstanceFigures> sample(const std::atomic<bool>& stop) = 0;
};

// The running instances' "statistics" calls through their hosts.
std::unique_ptr<FiguresSource> makeInstanceFiguresSource(InstanceControl& control);

// YYYY-MM-DD of a moment, in UTC.
std::string utcDay(Clock::SystemTime t);

class FiguresRecorder {
 public:
  static constexpr int kKeptDays = 400;

  FiguresRecorder(ManagementDb& db, FiguresSource& source, Clock& clock,
                  std::function<void(std::function<void()>)> post, std::chrono::seconds interval);
  ~FiguresRecorder();

  // The first sample `first_delay` from now, then every interval.
  void start(std::chrono::seconds first_delay);
  // No more samples; one in progress ends at its next instance. Call before
  // the pool `post` hands work to is joined.
  void stop();
  // Samples and records now (and forgets what is older than kKeptDays).
  Status sampleNow();

 private:
  void due();

  ManagementDb& db_;
  FiguresSource& source_;
  Clock& clock_;
  std::function<void(std::function<void()>)> post_;
  std::chrono::seconds interval_;
  std::mutex sampling_;            // one sample at a time
  std::atomic<bool> busy_{false};  // a posted sample not yet done: the next tick skips
  std::atomic<bool> stopped_{false};
  std::unique_ptr<Timer> timer_;  // last: destroyed (cancelled) first
};

}  // namespace spe::management
