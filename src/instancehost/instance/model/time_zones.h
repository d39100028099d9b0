// Time zones for worker results and schedules, from ICU's time zone data:
// IANA IDs, "$Local" (the host's zone) and Windows zone IDs (mapped to
// IANA, as MailStore clients send them).
// Thread safety: all functions are safe from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::instance {

// The canonical IANA ID for `id`; an error naming the unknown zone.
Result<std::string> resolveTimeZone(const std::string& id);
// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" (or with a space) as local time in
// `zone` -> UTC epoch seconds. An error names `argument`.
Result<std::int64_t> parseLocalTime(const std::string& text, const std::string& zone, const std::string& argument);
// "YYYY-MM-DDTHH:MM:SS+hh:mm" in `zone`.
std::string formatLocalTime(std::int64_t epoch_seconds, const std::string& zone);
// [{id, displayName}] with "$Local" first, then every canonical IANA zone;
// each display name has the zone's UTC offset now (or at `now`, epoch
// seconds). Kept between calls until the next offset change of any zone.
Json listTimeZones();
Json listTimeZones(std::int64_t now);

}  // namespace spe::instance
