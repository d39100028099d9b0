#include "instancehost/instance/reports/report_span.h"

#include <chrono>
#include <cstdio>

#include "common/base/text.h"

namespace spe::instance {
namespace {

namespace chr = std::chrono;

std::string dateText(chr::sys_days day) {
  const chr::year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace

Result<ReportSpan> reportSpan(const std::string& timespan, const std::string& today) {
  int y = 0;
  unsigned m = 0, d = 0;
  const chr::year_month_day date = today.size() >= 10 && std::sscanf(today.c_str(), "%4d-%2u-%2u", &y, &m, &d) == 3
                                       ? chr::year_month_day(chr::year(y), chr::month(m), chr::day(d))
                                       : chr::year_month_day();
  if (!date.ok()) return makeError(ErrorCode::kInternal, "The report's date '" + today + "' is not a date.");
  const chr::sys_days day(date);
  const chr::sys_days monday = day - (chr::weekday(day) - chr::Monday);
  const chr::year_month first = date.year() / date.month();
  const chr::sys_days first_of_month(first / chr::day(1));
  const chr::sys_days first_of_last((first - chr::months(1)) / chr::day(1));
  const chr::days one(1), week(7);
  const std::string span = asciiLower(timespan);
  auto of = [](chr::sys_days from, chr::sys_days to) { return ReportSpan{dateText(from), dateText(to)}; };
  if (span == "today") return of(day, day + one);
  if (span == "yesterday") return of(day - one, day);
  if (span == "thisweek") return of(monday, day + one);
  if (span == "lastweek") return of(monday - week, monday);
  if (span == "thismonth") return of(first_of_month, day + one);
  if (span == "lastmonth") return of(first_of_last, first_of_month);
  return makeError(ErrorCode::kInvalidArgument,
                   "'timespan' must be today, yesterday, thisweek, lastweek, thismonth or lastmonth.");
}

}  // namespace spe::instance
