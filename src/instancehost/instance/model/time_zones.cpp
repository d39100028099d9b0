#include "instancehost/instance/model/time_zones.h"

#include <unicode/ucal.h>
#include <unicode/uenum.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

namespace spe::instance {
namespace {

std::u16string u16(const std::string& s) { return std::u16string(s.begin(), s.end()); }  // IDs are ASCII

std::string ascii(const UChar* s, int32_t len) {
  std::string out;
  for (int32_t i = 0; i < len; ++i) out.push_back(static_cast<char>(s[i]));
  return out;
}

struct CalendarClose {
  void operator()(UCalendar* c) const { ucal_close(c); }
};
using Calendar = std::unique_ptr<UCalendar, CalendarClose>;

Calendar openCalendar(const std::string& zone) {
  UErrorCode status = U_ZERO_ERROR;
  const std::u16string z = u16(zone);
  UCalendar* cal = ucal_open(reinterpret_cast<const UChar*>(z.data()), static_cast<int32_t>(z.size()), "en_US",
                             UCAL_GREGORIAN, &status);
  return Calendar(U_SUCCESS(status) ? cal : nullptr);
}

std::string localZone() {
  UChar buf[128];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t len = ucal_getHostTimeZone(buf, 128, &status);
  return U_SUCCESS(status) && len > 0 ? ascii(buf, len) : "UTC";
}

std::string offsetText(int32_t millis) {
  const int32_t minutes = millis / 60000;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", minutes < 0 ? '-' : '+', std::abs(minutes) / 60,
                std::abs(minutes) % 60);
  return buf;
}

}  // namespace

Result<std::string> resolveTimeZone(const std::string& id) {
  if (id == "$Local") return localZone();
  if (id.empty() || id.size() > 64) return makeError(ErrorCode::kInvalidArgument, "'timeZoneID' is empty or too long.");
  UErrorCode status = U_ZERO_ERROR;
  UChar buf[128];
  const std::u16string z = u16(id);
  UBool system = false;
  int32_t len = ucal_getCanonicalTimeZoneID(reinterpret_cast<const UChar*>(z.data()), static_cast<int32_t>(z.size()),
                                            buf, 128, &system, &status);
  if (U_SUCCESS(status) && system && len > 0) return ascii(buf, len);
  status = U_ZERO_ERROR;
  len = ucal_getTimeZoneIDForWindowsID(reinterpret_cast<const UChar*>(z.data()), static_cast<int32_t>(z.size()),
                                       nullptr, buf, 128, &status);
  if (U_SUCCESS(status) && len > 0) return ascii(buf, len);
  return makeError(ErrorCode::kInvalidArgument,
                   "'timeZoneID' '" + id +
                       "' is not a known time zone (use an IANA ID such as Europe/Berlin, a "
                       "Windows zone ID, or $Local; GetTimeZones lists them).");
}

Result<std::int64_t> parseLocalTime(const std::string& text, const std::string& zone, const std::string& argument) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char sep = 0;
  int consumed = 0;
  bool ok = false;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) == 3 &&
      static_cast<std::size_t>(consumed) == text.size()) {
    ok = true;
  } else if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &s, &consumed) == 7 &&
             static_cast<std::size_t>(consumed) == text.size() && (sep == 'T' || sep == ' ')) {
    ok = true;
  } else if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &consumed) == 6 &&
             static_cast<std::size_t>(consumed) == text.size() && (sep == 'T' || sep == ' ')) {
    ok = true;
  }
  if (!ok || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y < 1970 || y > 9999) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'" + argument + "' must be a date and time like 2024-01-31T08:00:00 (got '" + text + "').");
  }
  Calendar cal = openCalendar(zone);
  if (!cal) return makeError(ErrorCode::kInvalidArgument, "The time zone '" + zone + "' cannot be used.");
  UErrorCode status = U_ZERO_ERROR;
  ucal_clear(cal.get());
  ucal_setDateTime(cal.get(), y, mo - 1, d, h, mi, s, &status);
  const UDate millis = ucal_getMillis(cal.get(), &status);
  if (U_FAILURE(status)) return makeError(ErrorCode::kInvalidArgument, "'" + argument + "' is not a valid date.");
  return static_cast<std::int64_t>(millis / 1000);
}

std::string formatLocalTime(std::int64_t epoch_seconds, const std::string& zone) {
  Calendar cal = openCalendar(zone);
  if (!cal) cal = openCalendar("UTC");
  UErrorCode status = U_ZERO_ERROR;
  ucal_setMillis(cal.get(), static_cast<UDate>(epoch_seconds) * 1000.0, &status);
  auto get = [&](UCalendarDateFields f) { return ucal_get(cal.get(), f, &status); };
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", get(UCAL_YEAR), get(UCAL_MONTH) + 1, get(UCAL_DATE),
                get(UCAL_HOUR_OF_DAY), get(UCAL_MINUTE), get(UCAL_SECOND));
  return std::string(buf) + offsetText(get(UCAL_ZONE_OFFSET) + get(UCAL_DST_OFFSET));
}

namespace {

// The list as of one moment, and until when it holds: the first moment
// any zone's offset changes next (a daylight saving transition).
struct ZoneList {
  Json list;
  std::int64_t from = 0;
  std::int64_t until = 0;
};

ZoneList buildZoneList(std::int64_t now) {
  constexpr std::int64_t kLongest = 24 * 3600;  // and at least once a day
  ZoneList out{Json::array(), now, now + kLongest};
  out.list.push_back({{"id", "$Local"}, {"displayName", "(Local) " + localZone()}});
  UErrorCode status = U_ZERO_ERROR;
  UEnumeration* e = ucal_openTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, nullptr, nullptr, &status);
  if (U_FAILURE(status)) {
    out.until = now;  // not kept
    return out;
  }
  int32_t len = 0;
  while (const char* id = uenum_next(e, &len, &status)) {
    // One calendar per zone: its offset now and its next transition.
    const std::string zone(id, static_cast<std::size_t>(len));
    Calendar cal = openCalendar(zone);
    if (!cal) cal = openCalendar("UTC");  // as formatLocalTime does
    if (!cal) continue;
    UErrorCode s2 = U_ZERO_ERROR;
    ucal_setMillis(cal.get(), static_cast<UDate>(now) * 1000.0, &s2);
    const int32_t offset = ucal_get(cal.get(), UCAL_ZONE_OFFSET, &s2) + ucal_get(cal.get(), UCAL_DST_OFFSET, &s2);
    out.list.push_back({{"id", zone}, {"displayName", "(UTC" + offsetText(offset) + ") " + zone}});
    UDate next = 0;
    if (U_SUCCESS(s2) && ucal_getTimeZoneTransitionDate(cal.get(), UCAL_TZ_TRANSITION_NEXT, &next, &s2) &&
        U_SUCCESS(s2)) {
      // The first whole second at or after the transition.
      const auto at = static_cast<std::int64_t>(std::ceil(next / 1000.0));
      out.until = std::min(out.until, std::max(at, now + 1));
    }
  }
  if (U_FAILURE(status)) out.until = now;  // a list cut short is not kept
  uenum_close(e);
  return out;
}

}  // namespace

Json listTimeZones() { return listTimeZones(static_cast<std::int64_t>(ucal_getNow() / 1000)); }

Json listTimeZones(std::int64_t now) {
  // Building the list opens a calendar per zone (about 400: milliseconds);
  // it is kept until the next transition of any zone.
  static std::mutex mutex;
  static ZoneList kept;
  std::lock_guard lock(mutex);
  if (now < kept.from || now >= kept.until) kept = buildZoneList(now);
  return kept.list;
}

}  // namespace spe::instance
