// The day a message says it was sent: the date of its Date header in the
// zone written there, "disregarding time and timezone" as IMAP's
// SENTBEFORE/SENTON/SENTSINCE want it (RFC 3501 6.4.4). The header is read
// by GMime exactly as archiving reads it (mime::parseMessageHeaders, the
// store's MESSAGE_DATE), so this day and the stored UTC instant always
// belong to the same reading: the day is the stored instant's UTC day, or
// the day before or after (GMime accepts zones up to 23:59 from UTC; a
// zone it does not know counts as UTC). Two-digit years are GMime's:
// 00-69 are 2000-2069, 70-99 are 1970-1999.
// Thread safety: stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace spe::index {

// Days since 1970-01-01 of the Date header's date as written; nullopt when
// the message has no Date header GMime can read (the store keeps 0 then).
std::optional<std::int64_t> sentDay(std::string_view raw_message);

// The most a written day is away from the UTC day of the same instant: one
// day (zones reach 23:59 either way).
inline constexpr std::int64_t kMaxSentDaySkew = 1;

}  // namespace spe::index
