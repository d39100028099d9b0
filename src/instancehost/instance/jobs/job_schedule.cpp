#include "instancehost/instance/jobs/job_schedule.h"

#include <unicode/ucal.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <memory>

#include "instancehost/instance/model/time_zones.h"

namespace spe::instance {
namespace {

constexpr std::array<const char*, 7> kDayNames = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                  "Thursday", "Friday", "Saturday"};
constexpr std::array<int, 11> kIntervals = {5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720};
// How far ahead a wall-clock schedule is searched: a monthly "31" or a
// "5th Friday" comes within a few months; a year and a bit covers any case.
constexpr int kSearchDays = 400;

Error bad(const std::string& what) { return makeError(ErrorCode::kInvalidArgument, what); }

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
std::int64_t daysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int year, month, day;
};

Civil civilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0)), m, d};
}

int weekdayOf(std::int64_t days) { return static_cast<int>(((days % 7) + 11) % 7); }  // 1970-01-01: Thursday

int daysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

struct CalendarClose {
  void operator()(UCalendar* c) const { ucal_close(c); }
};
using Calendar = std::unique_ptr<UCalendar, CalendarClose>;

// A Gregorian calendar in `zone` (an IANA ID) that reads a repeated local
// time as its first occurrence and a skipped one with the offset before the
// change (ICU's UCAL_WALLTIME_LAST for skipped times).
Result<Calendar> openZone(const std::string& time_zone_id) {
  auto zone = resolveTimeZone(time_zone_id);
  if (!zone) return zone.error();
  const std::u16string z(zone->begin(), zone->end());
  UErrorCode status = U_ZERO_ERROR;
  Calendar cal(ucal_open(reinterpret_cast<const UChar*>(z.data()), static_cast<int32_t>(z.size()), "en_US",
                         UCAL_GREGORIAN, &status));
  if (U_FAILURE(status) || !cal) return bad("The time zone '" + time_zone_id + "' cannot be used.");
  ucal_setAttribute(cal.get(), UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
  ucal_setAttribute(cal.get(), UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_LAST);
  ucal_setAttribute(cal.get(), UCAL_LENIENT, 1);
  return cal;
}

std::int64_t toEpoch(UCalendar* cal, std::int64_t days, int seconds) {
  const Civil c = civilFromDays(days);
  UErrorCode status = U_ZERO_ERROR;
  ucal_clear(cal);
  ucal_setDateTime(cal, c.year, c.month - 1, c.day, seconds / 3600, seconds / 60 % 60, seconds % 60, &status);
  const UDate millis = ucal_getMillis(cal, &status);
  return static_cast<std::int64_t>(millis / 1000);
}

// The local date (days since 1970) at `epoch`.
std::int64_t localDays(UCalendar* cal, std::int64_t epoch) {
  UErrorCode status = U_ZERO_ERROR;
  ucal_setMillis(cal, static_cast<UDate>(epoch) * 1000.0, &status);
  const int y = ucal_get(cal, UCAL_YEAR, &status), m = ucal_get(cal, UCAL_MONTH, &status) + 1,
            d = ucal_get(cal, UCAL_DATE, &status);
  return daysFromCivil(y, m, d);
}

// "h:mm", "hh:mm" or "hh:mm:ss" as seconds of the day.
std::optional<int> secondsOfDay(const std::string& s) {
  int parts[3] = {0, 0, 0};
  int count = 0, digits = 0;
  for (char c : s) {
    if (c == ':') {
      if (digits == 0 || count == 2) return std::nullopt;
      ++count;
      digits = 0;
    } else if (std::isdigit(static_cast<unsigned char>(c)) && digits < 2) {
      parts[count] = parts[count] * 10 + (c - '0');
      ++digits;
    } else {
      return std::nullopt;
    }
  }
  if (count == 0 || digits != 2) return std::nullopt;  // minutes and seconds have two digits
  if (count == 2 && s.find(':') + 3 != s.rfind(':')) return std::nullopt;
  if (parts[0] > 23 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return parts[0] * 3600 + parts[1] * 60 + parts[2];
}

std::string timeText(int seconds) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return buf;
}

// "Monday", "monday, Friday" -> bits; nullopt for an unknown name.
std::optional<unsigned> weekdaysOf(const std::string& text) {
  unsigned bits = 0;
  std::string word;
  auto flush = [&]() -> bool {
    if (word.empty()) return true;
    for (std::size_t i = 0; i < kDayNames.size(); ++i) {
      std::string name = kDayNames[i];
      if (name.size() == word.size() && std::equal(name.begin(), name.end(), word.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          })) {
        bits |= 1u << i;
        word.clear();
        return true;
      }
    }
    return false;
  };
  for (char c : text) {
    if (c == ',' || c == ';' || c == ' ') {
      if (!flush()) return std::nullopt;
    } else {
      word += c;
    }
  }
  if (!flush() || bits == 0) return std::nullopt;
  return bits;
}

std::string weekdaysText(unsigned bits) {
  std::string out;
  for (std::size_t i = 0; i < kDayNames.size(); ++i) {
    if (bits & (1u << i)) out += (out.empty() ? "" : ",") + std::string(kDayNames[i]);
  }
  return out;
}

// A string or number argument as text ("" when absent or null).
std::string argText(const Json& args, const char* name) {
  auto it = args.find(name);
  if (it == args.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return "\x01";  // neither: refused by the caller's checks
}

bool present(const Json& args, const char* name) {
  auto it = args.find(name);
  return it != args.end() && !it->is_null() && !(it->is_string() && it->get<std::string>().empty());
}

// Whether the local date `days` is one the schedule runs on.
bool runsOn(const JobSchedule& s, std::int64_t days) {
  const int wd = weekdayOf(days);
  switch (s.kind) {
    case JobSchedule::Kind::kDaily:
    case JobSchedule::Kind::kInterval: return true;
    case JobSchedule::Kind::kWeekly: return (s.weekdays & (1u << wd)) != 0;
    case JobSchedule::Kind::kMonthly: {
      const Civil c = civilFromDays(days);
      const int last = daysInMonth(c.year, c.month);
      if (s.weekdays == 0) return s.day_of_month == JobSchedule::kLastDay ? c.day == last : c.day == s.day_of_month;
      if ((s.weekdays & (1u << wd)) == 0) return false;
      if (s.day_of_month == JobSchedule::kLastDay) return c.day + 7 > last;
      return (c.day - 1) / 7 + 1 == s.day_of_month;
    }
    case JobSchedule::Kind::kOnce: return false;
  }
  return false;
}

}  // namespace

bool isJobInterval(std::int64_t minutes) {
  for (int i : kIntervals) {
    if (i == minutes) return true;
  }
  return false;
}

Result<JobSchedule> JobSchedule::fromArgs(const Json& args) {
  JobSchedule s;
  if (present(args, "timeZoneId")) {
    s.time_zone_id = argText(args, "timeZoneId");
    auto zone = resolveTimeZone(s.time_zone_id);
    if (!zone) return zone.error();
  }
  const bool has_date = present(args, "date"), has_interval = present(args, "interval"),
             has_time = present(args, "time");
  const bool has_dow = present(args, "dayOfWeek"), has_dom = present(args, "dayOfMonth");
  if (has_date + has_interval + has_time != 1) {
    return bad(
        "Give exactly one of 'date' (once), 'interval' (every N minutes) or 'time' (daily, or with "
        "'dayOfWeek' / 'dayOfMonth' weekly or monthly).");
  }
  if ((has_dow || has_dom) && !has_time) return bad("'dayOfWeek' and 'dayOfMonth' need 'time'.");
  if (has_date) {
    const std::string text = argText(args, "date");
    int y = 0, mo = 0, d = 0, n = 0;
    char sep = 0;
    std::optional<int> secs;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%n", &y, &mo, &d, &sep, &n) == 4 && n == 11 &&
        (sep == 'T' || sep == ' ')) {
      secs = secondsOfDay(text.substr(11));
    }
    if (!secs || mo < 1 || mo > 12 || d < 1 || y < 1970 || y > 9999 || d > daysInMonth(y, mo)) {
      return bad("'date' must be a local date and time like 2026-01-31T08:00:00 (got '" + text + "').");
    }
    s.kind = Kind::kOnce;
    s.year = y;
    s.month = mo;
    s.day = d;
    s.time_seconds = *secs;
    return s;
  }
  if (has_interval) {
    const auto it = args.find("interval");
    std::int64_t minutes = 0;
    if (it->is_number_integer()) {
      minutes = it->get<std::int64_t>();
    } else if (it->is_string()) {
      minutes = std::atoll(it->get<std::string>().c_str());
    }
    if (!isJobInterval(minutes)) {
      return bad("'interval' must be one of 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720 (minutes), not " +
                 (it->is_string() ? "'" + it->get<std::string>() + "'" : it->dump()) + ".");
    }
    s.kind = Kind::kInterval;
    s.interval_minutes = static_cast<int>(minutes);
    return s;
  }
  const std::string time = argText(args, "time");
  const auto secs = secondsOfDay(time);
  if (!secs) return bad("'time' must be a local time like 08:30 or 08:30:00 (got '" + time + "').");
  s.time_seconds = *secs;
  s.kind = Kind::kDaily;
  if (has_dow) {
    const std::string text = argText(args, "dayOfWeek");
    const auto bits = weekdaysOf(text);
    if (!bits) {
      return bad(
          "'dayOfWeek' must name days: Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday "
          "(several separated by ','), not '" +
          text + "'.");
    }
    s.kind = Kind::kWeekly;
    s.weekdays = *bits;
  }
  if (has_dom) {
    const std::string text = argText(args, "dayOfMonth");
    int day = 0;
    if (text == "Last" || text == "last") {
      day = kLastDay;
    } else {
      int n = 0;
      if (std::sscanf(text.c_str(), "%3d%n", &day, &n) != 1 || static_cast<std::size_t>(n) != text.size()) day = 0;
    }
    const int most = has_dow ? 5 : 31;
    if (day == 0 || day > most || day < kLastDay) {
      return bad(has_dow ? "'dayOfMonth' with 'dayOfWeek' must be 1 to 5 (the n-th such day of the month) or Last, "
                           "not '" +
                               text + "'."
                         : "'dayOfMonth' must be 1 to 31 or Last, not '" + text + "'.");
    }
    if (has_dow && (s.weekdays & (s.weekdays - 1)) != 0) {
      return bad("'dayOfWeek' with 'dayOfMonth' must be one day (the n-th Monday, ...).");
    }
    s.kind = Kind::kMonthly;
    s.day_of_month = day;
  }
  return s;
}

Json JobSchedule::toJson() const {
  Json out{{"timeZoneId", time_zone_id}};
  switch (kind) {
    case Kind::kOnce: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT", year, month, day);
      out["date"] = std::string(buf) + timeText(time_seconds);
      break;
    }
    case Kind::kInterval: out["interval"] = interval_minutes; break;
    case Kind::kDaily: out["time"] = timeText(time_seconds); break;
    case Kind::kWeekly:
      out["time"] = timeText(time_seconds);
      out["dayOfWeek"] = weekdaysText(weekdays);
      break;
    case Kind::kMonthly:
      out["time"] = timeText(time_seconds);
      out["dayOfMonth"] = day_of_month == kLastDay ? std::string("Last") : std::to_string(day_of_month);
      if (weekdays != 0) out["dayOfWeek"] = weekdaysText(weekdays);
      break;
  }
  return out;
}

Result<std::optional<std::int64_t>> JobSchedule::nextRun(std::int64_t after) const {
  auto opened = openZone(time_zone_id);
  if (!opened) return opened.error();
  UCalendar* cal = opened->get();
  if (kind == Kind::kOnce) {
    const std::int64_t t = toEpoch(cal, daysFromCivil(year, month, day), time_seconds);
    return t > after ? std::optional<std::int64_t>(t) : std::nullopt;
  }
  if (kind == Kind::kInterval && interval_minutes <= 60) {
    // Every N minutes of real time, aligned to the zone's standard time.
    UErrorCode status = U_ZERO_ERROR;
    ucal_setMillis(cal, static_cast<UDate>(after) * 1000.0, &status);
    const std::int64_t raw = ucal_get(cal, UCAL_ZONE_OFFSET, &status) / 1000;
    const std::int64_t step = std::int64_t{interval_minutes} * 60;
    const std::int64_t local = after + raw;
    const std::int64_t next = (local >= 0 ? local / step + 1 : -((-local) / step)) * step;
    return std::optional<std::int64_t>(next - raw);
  }
  // Wall-clock slots on the matching dates, in order; the first after `after`.
  std::vector<int> slots;
  if (kind == Kind::kInterval) {
    for (int m = 0; m < 24 * 60; m += interval_minutes) slots.push_back(m * 60);
  } else {
    slots.push_back(time_seconds);
  }
  const std::int64_t first = localDays(cal, after) - 1;  // the day before: a skipped time may land after midnight
  for (std::int64_t days = first; days < first + kSearchDays; ++days) {
    if (!runsOn(*this, days)) continue;
    for (int slot : slots) {
      const std::int64_t t = toEpoch(cal, days, slot);
      if (t > after) return std::optional<std::int64_t>(t);
    }
  }
  return std::optional<std::int64_t>();
}

}  // namespace spe::instance
