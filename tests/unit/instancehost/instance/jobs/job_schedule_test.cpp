// JobSchedule: every kind, the arguments' checks, and the next runs across
// the daylight saving changes of 2026 in Europe/Berlin (29 Mar, 25 Oct),
// America/New_York (8 Mar, 1 Nov) and Australia/Sydney (5 Apr, 4 Oct), the
// last day of months and leap years. Expected times are written as the
// job's local time with its offset, so each case reads like the rule.
#include "instancehost/instance/jobs/job_schedule.h"

#include <gtest/gtest.h>

#include <ctime>
#include <vector>

#include "instancehost/instance/model/time_zones.h"

namespace spe::instance {
namespace {

std::int64_t utc(const char* text) {
  std::tm tm{};
  EXPECT_NE(strptime(text, "%Y-%m-%dT%H:%M:%S", &tm), nullptr) << text;
  return static_cast<std::int64_t>(timegm(&tm));
}

JobSchedule schedule(const Json& args) {
  auto s = JobSchedule::fromArgs(args);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().message);
  return s ? *s : JobSchedule{};
}

// The next `n` runs after `after` (UTC), in the schedule's zone.
std::vector<std::string> runs(const JobSchedule& s, const char* after, int n) {
  std::vector<std::string> out;
  std::int64_t t = utc(after);
  const std::string zone = *resolveTimeZone(s.time_zone_id);
  for (int i = 0; i < n; ++i) {
    auto next = s.nextRun(t);
    EXPECT_TRUE(next.ok());
    if (!next.ok() || !*next) break;
    EXPECT_GT(**next, t);
    t = **next;
    out.push_back(formatLocalTime(t, zone));
  }
  return out;
}

using V = std::vector<std::string>;

TEST(JobSchedule, DailyBerlinSpringForwardRunsOnceAtThreeThirty) {
  const auto s = schedule({{"timeZoneId", "Europe/Berlin"}, {"time", "02:30"}});
  EXPECT_EQ(runs(s, "2026-03-27T12:00:00", 3),
            (V{"2026-03-28T02:30:00+01:00", "2026-03-29T03:30:00+02:00", "2026-03-30T02:30:00+02:00"}));
}

TEST(JobSchedule, DailyBerlinFallBackRunsOnceAtTheFirstTwoThirty) {
  const auto s = schedule({{"timeZoneId", "Europe/Berlin"}, {"time", "02:30:00"}});
  EXPECT_EQ(runs(s, "2026-10-24T12:00:00", 2), (V{"2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"}));
  // Asked in the repeated hour after the first 02:30 passed: not again that day.
  EXPECT_EQ(runs(s, "2026-10-25T01:10:00", 1), (V{"2026-10-26T02:30:00+01:00"}));
}

TEST(JobSchedule, DailyNewYork) {
  const auto spring = schedule({{"timeZoneId", "America/New_York"}, {"time", "02:30"}});
  EXPECT_EQ(runs(spring, "2026-03-07T12:00:00", 2), (V{"2026-03-08T03:30:00-04:00", "2026-03-09T02:30:00-04:00"}));
  // 01:30 comes twice on 1 November: the first one.
  const auto fall = schedule({{"timeZoneId", "America/New_York"}, {"time", "01:30"}});
  EXPECT_EQ(runs(fall, "2026-10-31T12:00:00", 2), (V{"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}));
}

TEST(JobSchedule, DailySydney) {
  const auto s = schedule({{"timeZoneId", "Australia/Sydney"}, {"time", "02:30"}});
  // Clocks go back at 03:00 on 5 April: the first 02:30.
  EXPECT_EQ(runs(s, "2026-04-04T00:00:00", 2), (V{"2026-04-05T02:30:00+11:00", "2026-04-06T02:30:00+10:00"}));
  // Clocks go forward at 02:00 on 4 October: 02:30 does not exist.
  EXPECT_EQ(runs(s, "2026-10-03T00:00:00", 2), (V{"2026-10-04T03:30:00+11:00", "2026-10-05T02:30:00+11:00"}));
}

TEST(JobSchedule, ShortIntervalsAreRealTimeThroughBothChanges) {
  const auto hourly = schedule({{"timeZoneId", "Europe/Berlin"}, {"interval", 60}});
  EXPECT_EQ(runs(hourly, "2026-03-28T23:59:00", 3),
            (V{"2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"}));
  EXPECT_EQ(runs(hourly, "2026-10-24T23:59:00", 3),
            (V{"2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00", "2026-10-25T03:00:00+01:00"}));
  const auto quarter = schedule({{"timeZoneId", "America/New_York"}, {"interval", "15"}});
  EXPECT_EQ(runs(quarter, "2026-03-08T06:50:00", 3),
            (V{"2026-03-08T03:00:00-04:00", "2026-03-08T03:15:00-04:00", "2026-03-08T03:30:00-04:00"}));
  const auto five = schedule({{"timeZoneId", "Australia/Sydney"}, {"interval", 5}});
  EXPECT_EQ(runs(five, "2026-04-04T15:52:00", 3),
            (V{"2026-04-05T02:55:00+11:00", "2026-04-05T02:00:00+10:00", "2026-04-05T02:05:00+10:00"}));
}

TEST(JobSchedule, LongIntervalsAreLocalTimesOfTheDay) {
  const auto twelve = schedule({{"timeZoneId", "America/New_York"}, {"interval", 720}});
  EXPECT_EQ(runs(twelve, "2026-03-07T18:00:00", 3),
            (V{"2026-03-08T00:00:00-05:00", "2026-03-08T12:00:00-04:00", "2026-03-09T00:00:00-04:00"}));
  const auto two = schedule({{"timeZoneId", "Europe/Berlin"}, {"interval", 120}});
  EXPECT_EQ(runs(two, "2026-03-28T22:30:00", 3),
            (V{"2026-03-29T00:00:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"}));
  // 02:00 comes twice on 25 October: once.
  EXPECT_EQ(runs(two, "2026-10-24T22:30:00", 3),
            (V{"2026-10-25T02:00:00+02:00", "2026-10-25T04:00:00+01:00", "2026-10-25T06:00:00+01:00"}));
  const auto six = schedule({{"timeZoneId", "Australia/Sydney"}, {"interval", 360}});
  EXPECT_EQ(runs(six, "2026-10-03T12:00:00", 2), (V{"2026-10-04T00:00:00+10:00", "2026-10-04T06:00:00+11:00"}));
}

TEST(JobSchedule, Weekly) {
  const auto s = schedule({{"timeZoneId", "Europe/Berlin"}, {"time", "08:00"}, {"dayOfWeek", "Monday, friday"}});
  EXPECT_EQ(runs(s, "2026-01-01T00:00:00", 3),
            (V{"2026-01-02T08:00:00+01:00", "2026-01-05T08:00:00+01:00", "2026-01-09T08:00:00+01:00"}));
  EXPECT_EQ(s.toJson()["dayOfWeek"], "Monday,Friday");
  // Across the spring change on a Sunday.
  const auto sunday = schedule({{"timeZoneId", "Europe/Berlin"}, {"time", "02:15"}, {"dayOfWeek", "Sunday"}});
  EXPECT_EQ(runs(sunday, "2026-03-22T12:00:00", 2), (V{"2026-03-29T03:15:00+02:00", "2026-04-05T02:15:00+02:00"}));
}

TEST(JobSchedule, MonthlySkipsMonthsWithoutTheDay) {
  const auto s = schedule({{"timeZoneId", "Europe/Berlin"}, {"time", "08:00"}, {"dayOfMonth", "31"}});
  EXPECT_EQ(runs(s, "2026-01-31T12:00:00", 3),
            (V{"2026-03-31T08:00:00+02:00", "2026-05-31T08:00:00+02:00", "2026-07-31T08:00:00+02:00"}));
  const auto d29 = schedule({{"timeZoneId", "UTC"}, {"time", "00:00"}, {"dayOfMonth", 29}});
  EXPECT_EQ(runs(d29, "2027-01-30T00:00:00", 1), (V{"2027-03-29T00:00:00+00:00"}));
  EXPECT_EQ(runs(d29, "2028-01-30T00:00:00", 1), (V{"2028-02-29T00:00:00+00:00"}));
}

TEST(JobSchedule, MonthlyLastDayAndLeapYears) {
  const auto s = schedule({{"timeZoneId", "America/New_York"}, {"time", "23:00"}, {"dayOfMonth", "Last"}});
  EXPECT_EQ(runs(s, "2026-02-01T12:00:00", 3),
            (V{"2026-02-28T23:00:00-05:00", "2026-03-31T23:00:00-04:00", "2026-04-30T23:00:00-04:00"}));
  EXPECT_EQ(runs(s, "2028-02-01T12:00:00", 1), (V{"2028-02-29T23:00:00-05:00"}));
  EXPECT_EQ(runs(s, "2100-02-01T12:00:00", 1), (V{"2100-02-28T23:00:00-05:00"}));  // not a leap year
  EXPECT_EQ(runs(s, "2000-02-01T12:00:00", 1), (V{"2000-02-29T23:00:00-05:00"}));  // a leap year
}

TEST(JobSchedule, NthWeekdayOfTheMonth) {
  const auto first = schedule(
      {{"timeZoneId", "Europe/Berlin"}, {"time", "06:00"}, {"dayOfMonth", "1"}, {"dayOfWeek", "Monday"}});
  EXPECT_EQ(runs(first, "2026-01-10T00:00:00", 3),
            (V{"2026-02-02T06:00:00+01:00", "2026-03-02T06:00:00+01:00", "2026-04-06T06:00:00+02:00"}));
  const auto last = schedule(
      {{"timeZoneId", "Australia/Sydney"}, {"time", "18:00"}, {"dayOfMonth", "Last"}, {"dayOfWeek", "Friday"}});
  EXPECT_EQ(runs(last, "2026-01-01T00:00:00", 3),
            (V{"2026-01-30T18:00:00+11:00", "2026-02-27T18:00:00+11:00", "2026-03-27T18:00:00+11:00"}));
  EXPECT_EQ(
      last.toJson(),
      (Json{
          {"timeZoneId", "Australia/Sydney"}, {"time", "18:00:00"}, {"dayOfMonth", "Last"}, {"dayOfWeek", "Friday"}}));
}

TEST(JobSchedule, OnceAtALocalDate) {
  const auto s = schedule({{"timeZoneId", "Europe/Berlin"}, {"date", "2026-03-29T02:30:00"}});
  EXPECT_EQ(runs(s, "2026-01-01T00:00:00", 5), (V{"2026-03-29T03:30:00+02:00"}));
  auto after = s.nextRun(utc("2026-03-29T01:30:00"));
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has_value());
}

TEST(JobSchedule, ArgumentsRoundTrip) {
  for (const Json& args : {Json{{"timeZoneId", "$Local"}, {"interval", 30}},
                           Json{{"timeZoneId", "Europe/Berlin"}, {"date", "2026-05-01T10:00:00"}},
                           Json{{"timeZoneId", "UTC"}, {"time", "10:00:05"}},
                           Json{{"timeZoneId", "UTC"}, {"time", "10:00:00"}, {"dayOfWeek", "Sunday,Saturday"}},
                           Json{{"timeZoneId", "UTC"}, {"time", "10:00:00"}, {"dayOfMonth", "15"}}}) {
    const auto s = schedule(args);
    EXPECT_EQ(s.toJson(), args);
    EXPECT_EQ(schedule(s.toJson()).toJson(), args);
  }
  EXPECT_EQ(schedule({{"time", "7:05"}}).toJson(), (Json{{"timeZoneId", "$Local"}, {"time", "07:05:00"}}));
}

TEST(JobSchedule, RefusesBadArgumentsNamingThem) {
  auto refused = [](const Json& args, const std::string& mentions) {
    auto s = JobSchedule::fromArgs(args);
    ASSERT_FALSE(s.ok()) << args.dump();
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message.find(mentions), std::string::npos) << s.error().message;
  };
  refused({{"interval", 7}}, "'interval'");
  refused({{"interval", 260}}, "720");
  refused({{"interval", "often"}}, "'interval'");
  refused({{"interval", 5}, {"time", "01:00"}}, "exactly one");
  refused(Json::object(), "exactly one");
  refused({{"time", "24:00"}}, "'time'");
  refused({{"time", "1:2"}}, "'time'");
  refused({{"time", "01:00"}, {"dayOfMonth", "32"}}, "1 to 31");
  refused({{"time", "01:00"}, {"dayOfMonth", "0"}}, "1 to 31");
  refused({{"time", "01:00"}, {"dayOfMonth", "first"}}, "1 to 31");
  refused({{"time", "01:00"}, {"dayOfMonth", "6"}, {"dayOfWeek", "Monday"}}, "1 to 5");
  refused({{"time", "01:00"}, {"dayOfMonth", "2"}, {"dayOfWeek", "Monday,Tuesday"}}, "one day");
  refused({{"time", "01:00"}, {"dayOfWeek", "Mon"}}, "'dayOfWeek'");
  refused({{"interval", 60}, {"dayOfWeek", "Monday"}}, "need 'time'");
  refused({{"date", "2026-02-30T00:00:00"}}, "'date'");
  refused({{"date", "2026-02-03"}}, "'date'");
  refused({{"timeZoneId", "Mars/Olympus"}, {"time", "01:00"}}, "Mars/Olympus");
}

TEST(JobSchedule, WindowsZoneIdsWork) {
  const auto s = schedule({{"timeZoneId", "W. Europe Standard Time"}, {"time", "02:30"}});
  EXPECT_EQ(runs(s, "2026-03-28T12:00:00", 1), (V{"2026-03-29T03:30:00+02:00"}));
}

}  // namespace
}  // namespace spe::instance
