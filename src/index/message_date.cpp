#include "index/message_date.h"

#include <ctime>

#include "common/mime/gmime_support.h"
#include "common/mime/mime_structure.h"

namespace spe::index {

std::optional<std::int64_t> sentDay(std::string_view raw) {
  // The header alone: the body cannot change what the Date header says.
  const std::string header(raw.substr(0, mime::headerBlockEnd(raw)));
  GMimeMessage* msg = mime::parseMessage(header + "\r\n\r\n");
  if (!msg) return std::nullopt;
  std::optional<std::int64_t> out;
  if (GDateTime* date = g_mime_message_get_date(msg)) {  // in the zone written in the header
    int y = 0, m = 0, d = 0;
    g_date_time_get_ymd(date, &y, &m, &d);
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    out = static_cast<std::int64_t>(timegm(&tm)) / 86400;  // midnight UTC: a whole day
  }
  g_object_unref(msg);
  return out;
}

}  // namespace spe::index
