#include "instancehost/instance/audit/audit_format.h"

#include <sodium.h>

#include <cstring>
#include <ctime>

#include "common/base/crypto.h"
#include "common/base/json_reader.h"

namespace spe::audit {
namespace {

void putLe(std::string& out, std::uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(b, 8);
}

std::uint64_t getLe(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// JSON string escaping by hand: nlohmann's object building costs more than
// the whole append budget (benchmark "audit").
void putJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (c < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

}  // namespace

const char* actorKindName(ActorKind kind) {
  switch (kind) {
    case ActorKind::kUser: return "user";
    case ActorKind::kAdministrator: return "administrator";
    case ActorKind::kArchiveAdmin: return "$archiveadmin";
    case ActorKind::kJob: return "job";
    case ActorKind::kSystem: return "system";
  }
  return "system";
}

std::optional<ActorKind> actorKindFromName(std::string_view name) {
  for (auto k :
       {ActorKind::kUser, ActorKind::kAdministrator, ActorKind::kArchiveAdmin, ActorKind::kJob, ActorKind::kSystem}) {
    if (name == actorKindName(k)) return k;
  }
  return std::nullopt;
}

Hash genesisHash(std::string_view instance_id) {
  std::string seed = "spe-audit-log-v1\n";
  seed.append(instance_id);
  Hash h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), nullptr, 0);
  return h;
}

Hash chainHash(const Hash& previous, std::string_view body) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, kHashSize);
  crypto_generichash_update(&st, previous.data(), previous.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  Hash h{};
  crypto_generichash_final(&st, h.data(), h.size());
  return h;
}

void encodeBody(std::uint64_t sequence, std::int64_t time_us, const AuditEntry& e, std::string& out) {
  putLe(out, sequence);
  putLe(out, static_cast<std::uint64_t>(time_us));
  out.append("{\"actorKind\":");
  putJsonString(out, actorKindName(e.actor_kind));
  out.append(",\"actor\":");
  putJsonString(out, e.actor);
  out.append(",\"source\":");
  putJsonString(out, e.source);
  out.append(",\"event\":");
  putJsonString(out, e.event);
  out.append(",\"object\":");
  putJsonString(out, e.object);
  out.append(",\"details\":");
  putJsonString(out, e.details);
  out.append(e.success ? ",\"outcome\":\"success\"}" : ",\"outcome\":\"failure\"}");
}

Result<StoredEntry> decodeBody(std::string_view body) {
  if (body.size() < kBodyFixed + 2) return makeError(ErrorCode::kCorrupt, "An audit record is too short.");
  StoredEntry s;
  s.sequence = getLe(body.data());
  s.time_us = static_cast<std::int64_t>(getLe(body.data() + 8));
  Json j = Json::parse(body.substr(kBodyFixed), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return makeError(ErrorCode::kCorrupt, "Audit record " + std::to_string(s.sequence) + " is not JSON.");
  }
  auto str = [&j](const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto kind = actorKindFromName(str("actorKind"));
  s.entry.actor_kind = kind.value_or(ActorKind::kSystem);
  s.entry.actor = str("actor");
  s.entry.source = str("source");
  s.entry.event = str("event");
  s.entry.object = str("object");
  s.entry.details = str("details");
  s.entry.success = str("outcome") != "failure";
  return s;
}

std::string checkpointText(std::string_view instance_id, std::uint64_t size, const Hash& head, std::int64_t time_us) {
  std::string t = "spe-audit-checkpoint-v1\n";
  t.append(instance_id);
  t += "\n" + std::to_string(size) + "\n" + hashHex(head) + "\n" + std::to_string(time_us);
  return t;
}

std::string hashHex(const Hash& h) {
  return toHex(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

std::optional<Hash> hashFromHex(std::string_view hex) {
  auto raw = fromHex(hex);
  if (!raw || raw->size() != kHashSize) return std::nullopt;
  Hash h{};
  std::memcpy(h.data(), raw->data(), kHashSize);
  return h;
}

std::string isoTime(std::int64_t time_us) {
  const std::int64_t secs = time_us >= 0 ? time_us / 1000000 : (time_us - 999999) / 1000000;
  const auto frac = static_cast<int>(time_us - secs * 1000000);
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

std::optional<std::int64_t> parseIsoTime(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.f{1,6}][Z]
  if (text.size() < 19) return std::nullopt;
  auto digits = [&](std::size_t at, std::size_t n) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2), mi = digits(14, 2), s = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !s || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':' || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 ||
      *s > 60) {
    return std::nullopt;
  }
  std::size_t i = 19;
  std::int64_t frac = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (n < 6) frac = frac * 10 + (text[i] - '0');
      ++n;
      ++i;
    }
    if (n == 0) return std::nullopt;
    for (; n < 6; ++n) frac *= 10;
  }
  if (i < text.size() && text[i] == 'Z') ++i;
  if (i != text.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *y - 1900;
  tm.tm_mon = *mo - 1;
  tm.tm_mday = *d;
  tm.tm_hour = *h;
  tm.tm_min = *mi;
  tm.tm_sec = *s;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000000 + frac;
}

}  // namespace spe::audit
