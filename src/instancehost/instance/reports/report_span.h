// The time spans of SendStatusReport (PRODUCT-SPEC §4.7): today, yesterday,
// thisweek, lastweek, thismonth, lastmonth, as whole local days of a time
// zone. Weeks begin on Monday (ISO 8601); "this" spans end today at
// midnight of the next day, so they include what ran until now.
// Thread safety: pure functions.
#pragma once

#include <string>

#include "common/base/result.h"

namespace spe::instance {

struct ReportSpan {
  std::string from;  // "YYYY-MM-DD", the first day (local)
  std::string to;    // "YYYY-MM-DD", the day after the last one (local, excluded)
};

// `timespan` as above (case-insensitive); `today` is the local date
// "YYYY-MM-DD" of the report's time zone. An error names `timespan`.
Result<ReportSpan> reportSpan(const std::string& timespan, const std::string& today);

}  // namespace spe::instance
