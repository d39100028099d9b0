// JobSchedule: when a job runs (CreateJob / SetJobSchedule), and the next
// moment after a given one, in the job's time zone (ICU), across daylight
// saving changes. docs/jobs.md explains the rules to operators.
//
// Kinds, from the product's arguments (exactly one of date, interval, time):
//   date "YYYY-MM-DDThh:mm[:ss]"       once, at that local time;
//   interval N (5,10,15,20,30,60,120,180,240,360,720 minutes);
//   time "hh:mm[:ss]"                  daily;
//   time + dayOfWeek "Monday[,Friday]" weekly, on those days;
//   time + dayOfMonth 1..31 | Last     monthly; a month without that day
//                                      (31 in April, 30 in February) is skipped;
//   time + dayOfMonth 1..5 | Last + one dayOfWeek: the n-th (or last) such
//                                      weekday of the month ("first Monday").
//
// Wall-clock rules (daily, weekly, monthly, once, and the interval slots
// above an hour):
// - a local time that does not exist (the hour skipped when clocks go
//   forward) is read with the offset before the change, so a 02:30 job in
//   Europe/Berlin runs at 03:30 CEST on that day: once, as late after
//   midnight as on any other day;
// - a local time that comes twice (clocks go back) means its first
//   occurrence: the job runs once, at 02:30 summer time.
// Intervals: up to 60 minutes, every N minutes of real time, at the moments
// the zone's standard time shows a multiple of N minutes past the hour (so a
// 15-minute job runs at :00 :15 :30 :45 all year, and evenly through both
// changes); from 120 minutes on, the local times 00:00 + k·N each day, each
// like a daily time (so "every 12 hours" is 00:00 and 12:00 local time,
// also on the days of the changes).
//
// Thread safety: a JobSchedule is a value; its functions are pure (ICU's
// calendars are opened per call).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::instance {

struct JobSchedule {
  enum class Kind { kOnce, kInterval, kDaily, kWeekly, kMonthly };
  static constexpr int kLastDay = -1;  // dayOfMonth "Last"

  Kind kind = Kind::kDaily;
  std::string time_zone_id = "$Local";  // as the caller gave it ($Local follows the host)
  // kOnce: the local date and time.
  int year = 0, month = 0, day = 0;
  int interval_minutes = 0;  // kInterval
  int time_seconds = 0;      // kOnce, kDaily, kWeekly, kMonthly: seconds after local midnight
  // kWeekly: the days, bit 0 = Sunday ... bit 6 = Saturday. kMonthly: 0, or
  // the one day of "n-th weekday of the month".
  unsigned weekdays = 0;
  int day_of_month = 0;  // kMonthly: 1..31 or kLastDay (with weekdays: 1..5 or kLastDay)

  // From the arguments timeZoneId (default $Local), date | interval | time,
  // dayOfWeek, dayOfMonth. Errors (kInvalidArgument) name the argument and
  // the values allowed.
  static Result<JobSchedule> fromArgs(const Json& args);
  // {timeZoneId, date | interval | time, dayOfWeek?, dayOfMonth?}: the
  // arguments again (fromArgs(toJson()) gives the same schedule).
  Json toJson() const;
  // The first run strictly after `after` (UTC epoch seconds); nullopt when
  // there is none (a date that has passed). An error when the time zone is
  // no longer known.
  Result<std::optional<std::int64_t>> nextRun(std::int64_t after) const;
};

// The allowed intervals, in minutes.
bool isJobInterval(std::int64_t minutes);

}  // namespace spe::instance
