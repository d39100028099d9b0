#include "instancehost/instance/audit/audit_reader.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <tuple>

#include "common/base/crypto.h"

namespace spe::audit {
namespace {

// The log mapped read-only; empty when the file is.
class MappedFile {
 public:
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  Status open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return makeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                       "Cannot open '" + path + "': " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return makeError(ErrorCode::kIo, "Cannot read '" + path + "': " + std::strerror(errno));
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        return makeError(ErrorCode::kIo, "Cannot map '" + path + "': " + std::strerror(errno));
      }
      data_ = p;
      ::madvise(p, size_, MADV_SEQUENTIAL);
    }
    ::close(fd);
    return okStatus();
  }
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

std::uint32_t le32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::uint64_t le64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

Result<std::string> readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(ErrorCode::kNotFound, "Cannot open '" + path + "'.");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A record's frame at `at`: body and stored hash, or why not.
enum class Frame { kOk, kTorn, kDamaged };
Frame frameAt(std::string_view data, std::size_t at, std::string_view& body, Hash& hash) {
  if (data.size() - at < 4) return Frame::kTorn;
  const std::uint32_t len = le32(data.data() + at);
  if (len < kBodyFixed || len > kMaxBody) return Frame::kDamaged;
  if (data.size() - at - 4 < static_cast<std::size_t>(len) + kHashSize) return Frame::kTorn;
  body = data.substr(at + 4, len);
  std::memcpy(hash.data(), data.data() + at + 4 + len, kHashSize);
  return Frame::kOk;
}

std::string cpName(const Checkpoint& c) {
  return "the checkpoint of " + isoTime(c.time_us) + " (" + std::to_string(c.size) + " entries)";
}

}  // namespace

Status forEachEntry(const std::string& directory, const std::function<bool(const StoredEntry&)>& fn) {
  MappedFile file;
  SPE_TRY(file.open(directory + "/" + kLogFile));
  const std::string_view data = file.view();
  if (data.size() < kLogHeader.size() || data.substr(0, kLogHeader.size()) != kLogHeader) {
    if (data.empty()) return okStatus();
    return makeError(ErrorCode::kCorrupt, "'" + directory + "/" + kLogFile + "' is not an audit log.");
  }
  std::size_t at = kLogHeader.size();
  while (at < data.size()) {
    std::string_view body;
    Hash hash{};
    const Frame f = frameAt(data, at, body, hash);
    if (f == Frame::kTorn) break;
    if (f == Frame::kDamaged) {
      return makeError(ErrorCode::kCorrupt,
                       "The audit log has a damaged record at byte " + std::to_string(at) + " (run VerifyAuditLog).");
    }
    auto s = decodeBody(body);
    if (!s) return s.error();
    s->hash = hash;
    if (!fn(*s)) break;
    at += 4 + body.size() + kHashSize;
  }
  return okStatus();
}

Result<std::vector<Checkpoint>> readCheckpoints(const std::string& directory) {
  std::vector<Checkpoint> out;
  auto text = readText(directory + "/" + kCheckpointFile);
  if (!text) return out;  // none written yet
  std::istringstream in(*text);
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (in.eof()) break;  // no newline: torn by a crash, never completed
    Json j = Json::parse(line, nullptr, false);
    Checkpoint c;
    std::optional<Hash> head;
    if (j.is_object() && j.contains("size") && j["size"].is_number_unsigned() && j.contains("head") &&
        j["head"].is_string() && j.contains("time") && j["time"].is_number_integer() && j.contains("signature") &&
        j["signature"].is_string()) {
      head = hashFromHex(j["head"].get<std::string>());
    }
    if (!head) {
      return makeError(ErrorCode::kCorrupt,
                       "Line " + std::to_string(number) + " of " + kCheckpointFile + " is not a checkpoint.");
    }
    c.size = j["size"].get<std::uint64_t>();
    c.head = *head;
    c.time_us = j["time"].get<std::int64_t>();
    c.signature_hex = j["signature"].get<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

Json entryToJson(const StoredEntry& s) {
  return Json{{"sequence", s.sequence},        {"time", isoTime(s.time_us)},
              {"timeMicroseconds", s.time_us}, {"actorKind", actorKindName(s.entry.actor_kind)},
              {"actor", s.entry.actor},        {"source", s.entry.source},
              {"event", s.entry.event},        {"object", s.entry.object},
              {"details", s.entry.details},    {"outcome", s.entry.success ? "success" : "failure"},
              {"hash", hashHex(s.hash)}};
}

Json checkpointToJson(const Checkpoint& c) {
  return Json{{"size", c.size},
              {"head", hashHex(c.head)},
              {"time", isoTime(c.time_us)},
              {"timeMicroseconds", c.time_us},
              {"signature", c.signature_hex}};
}

namespace {

bool passes(const AuditFilter& filter, const StoredEntry& s) {
  if (filter.from_us && s.time_us < *filter.from_us) return false;
  if (filter.to_us && s.time_us >= *filter.to_us) return false;
  if (!filter.actor.empty() && s.entry.actor != filter.actor) return false;
  if (!filter.event.empty() && s.entry.event != filter.event) return false;
  if (!filter.object.empty() && s.entry.object.find(filter.object) == std::string::npos) return false;
  return true;
}

// Errors of auditFilterFromJson carry the field's name as their details.
Error withField(Error e, const char* field) {
  e.details = field;
  return e;
}

Result<std::optional<std::int64_t>> timeField(const Json& args, const char* name) {
  auto text = stringField(args, name, {}, 64);
  if (!text) return withField(text.error(), name);
  if (text->empty()) return std::optional<std::int64_t>();
  auto t = parseIsoTime(*text);
  if (!t) {
    return makeError(ErrorCode::kInvalidArgument,
                     std::string("'") + name + "' must be a UTC time like 2026-12-07T10:00:00Z.", name);
  }
  return std::optional<std::int64_t>(*t);
}

}  // namespace

Result<Json> queryEntries(const std::string& directory, const AuditFilter& filter) {
  Json out = Json::array();
  if (filter.newest_first) {
    // The last offset + limit matches, newest first, then the first `offset` left out.
    const std::uint64_t keep = filter.offset + filter.limit;
    std::deque<Json> last;
    auto st = forEachEntry(directory, [&](const StoredEntry& s) {
      if (!passes(filter, s)) return true;
      last.push_back(entryToJson(s));
      if (last.size() > keep) last.pop_front();
      return true;
    });
    if (!st && st.error().code != ErrorCode::kNotFound) return st.error();
    std::uint64_t skipped = 0;
    for (auto it = last.rbegin(); it != last.rend(); ++it) {
      if (skipped++ < filter.offset) continue;
      out.push_back(std::move(*it));
    }
    return out;
  }
  std::uint64_t skipped = 0;
  auto st = forEachEntry(directory, [&](const StoredEntry& s) {
    if (!passes(filter, s)) return true;
    if (skipped < filter.offset) {
      ++skipped;
      return true;
    }
    out.push_back(entryToJson(s));
    return out.size() < filter.limit;
  });
  if (!st && st.error().code != ErrorCode::kNotFound) return st.error();
  return out;
}

Result<AuditFilter> auditFilterFromJson(const Json& args, std::uint64_t max_limit) {
  AuditFilter f;
  auto from = timeField(args, "fromIncluding");
  if (!from) return from.error();
  auto to = timeField(args, "toExcluding");
  if (!to) return to.error();
  f.from_us = *from;
  f.to_us = *to;
  if (f.from_us && f.to_us && *f.to_us <= *f.from_us) {
    return makeError(ErrorCode::kInvalidArgument, "'toExcluding' must be after 'fromIncluding'.", "toExcluding");
  }
  for (auto [name, max_length, out] : {std::tuple{"actor", 1024, &f.actor}, std::tuple{"event", 256, &f.event},
                                       std::tuple{"object", 1024, &f.object}}) {
    auto text = stringField(args, name, {}, static_cast<std::size_t>(max_length));
    if (!text) return withField(text.error(), name);
    *out = std::move(*text);
  }
  const auto max = static_cast<std::int64_t>(max_limit);
  auto limit = intField(args, "limit", std::min<std::int64_t>(1000, max), 1, max);
  if (!limit) return withField(limit.error(), "limit");
  auto offset = intField(args, "offset", 0, 0, INT32_MAX);
  if (!offset) return withField(offset.error(), "offset");
  auto newest = boolField(args, "newestFirst", false);
  if (!newest) return withField(newest.error(), "newestFirst");
  f.limit = static_cast<std::uint64_t>(*limit);
  f.offset = static_cast<std::uint64_t>(*offset);
  f.newest_first = *newest;
  return f;
}

Json VerifyReport::toJson() const {
  Json j{{"intact", intact},
         {"entries", entries},
         {"checkpoints", checkpoints},
         {"problem", problem},
         {"note", note},
         {"publicKey", public_key_hex},
         {"instanceID", instance_id},
         {"firstBadEntry", nullptr},
         {"lastCheckpoint", nullptr}};
  if (first_bad_entry != 0) j["firstBadEntry"] = first_bad_entry;
  if (last_checkpoint) j["lastCheckpoint"] = checkpointToJson(*last_checkpoint);
  return j;
}

VerifyReport verifyAuditLog(const std::string& directory) {
  VerifyReport r;
  auto fail = [&r](std::uint64_t bad, std::string problem) {
    r.intact = false;
    r.first_bad_entry = bad;
    r.problem = std::move(problem);
    return r;
  };
  // The key.
  auto pub_text = readText(directory + "/" + kPublicKeyFile);
  if (!pub_text) return fail(0, "No public key file '" + directory + "/" + kPublicKeyFile + "'.");
  Json pub = Json::parse(*pub_text, nullptr, false);
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  {
    std::optional<std::string> raw;
    if (pub.is_object() && pub.contains("publicKey") && pub["publicKey"].is_string() && pub.contains("instanceID") &&
        pub["instanceID"].is_string()) {
      auto hex = fromHex(pub["publicKey"].get<std::string>());
      if (hex && hex->size() == pk.size()) raw = *hex;
    }
    if (!raw) return fail(0, "The public key file '" + directory + "/" + kPublicKeyFile + "' is damaged.");
    std::memcpy(pk.data(), raw->data(), pk.size());
    r.public_key_hex = pub["publicKey"].get<std::string>();
    r.instance_id = pub["instanceID"].get<std::string>();
  }
  // The checkpoints: signed, in order.
  auto cps = readCheckpoints(directory);
  if (!cps) return fail(0, cps.error().message);
  r.checkpoints = cps->size();
  for (std::size_t i = 0; i < cps->size(); ++i) {
    const Checkpoint& c = (*cps)[i];
    const std::string text = checkpointText(r.instance_id, c.size, c.head, c.time_us);
    auto sig = fromHex(c.signature_hex);
    if (!sig || sig->size() != crypto_sign_BYTES ||
        crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                    reinterpret_cast<const unsigned char*>(text.data()), text.size(), pk.data()) != 0) {
      return fail(c.size, "Checkpoint " + std::to_string(i + 1) + ", " + cpName(c) +
                              ", does not carry a valid signature of this instance's key: it was changed or "
                              "forged.");
    }
    // Sizes only grow; times are the wall clock's, which may step back.
    if (i > 0 && c.size < (*cps)[i - 1].size) {
      return fail(c.size, "Checkpoint " + std::to_string(i + 1) + ", " + cpName(c) +
                              ", covers fewer entries than "
                              "checkpoint " +
                              std::to_string(i) + ": the checkpoints were reordered.");
    }
  }
  if (!cps->empty()) r.last_checkpoint = cps->back();
  // The records.
  MappedFile file;
  if (auto st = file.open(directory + "/" + kLogFile); !st) return fail(0, st.error().message);
  const std::string_view data = file.view();
  // An empty file (a crash before the header reached the disk) has no entries.
  if (!data.empty() && (data.size() < kLogHeader.size() || data.substr(0, kLogHeader.size()) != kLogHeader)) {
    return fail(1, "'" + directory + "/" + kLogFile + "' does not start with the audit log header.");
  }
  Hash prev = genesisHash(r.instance_id);
  std::size_t cp = 0;
  std::uint64_t last_good = 0;  // size of the last checkpoint the chain matched
  auto checkCheckpoints = [&](std::uint64_t seq) -> bool {
    for (; cp < cps->size() && (*cps)[cp].size == seq; ++cp) {
      if ((*cps)[cp].head != prev) {
        fail(last_good + 1, "The entries up to " + std::to_string(seq) + " do not match " + cpName((*cps)[cp]) +
                                ": an entry from " + std::to_string(last_good + 1) + " to " + std::to_string(seq) +
                                " was changed, removed or reordered and the hashes after it recomputed.");
        return false;
      }
      last_good = seq;
    }
    return true;
  };
  if (!checkCheckpoints(0)) return r;
  std::size_t at = data.empty() ? 0 : kLogHeader.size();
  std::uint64_t expect = 1;
  while (at < data.size()) {
    std::string_view body;
    Hash stored{};
    const Frame f = frameAt(data, at, body, stored);
    if (f == Frame::kTorn) {
      r.note = "The log ends inside a record (" + std::to_string(data.size() - at) + " bytes after entry " +
               std::to_string(expect - 1) +
               "): a crash while it was written; the instance cuts it off at its next start.";
      break;
    }
    if (f == Frame::kDamaged) {
      return fail(expect, "Entry " + std::to_string(expect) + " (byte " + std::to_string(at) +
                              ") is damaged: its length field is impossible.");
    }
    const std::uint64_t seq = le64(body.data());
    if (seq != expect) {
      // Removed, or moved elsewhere?
      bool later = false;
      for (std::size_t p = at; p < data.size();) {
        std::string_view b;
        Hash h{};
        if (frameAt(data, p, b, h) != Frame::kOk) break;
        if (le64(b.data()) == expect) {
          later = true;
          break;
        }
        p += 4 + b.size() + kHashSize;
      }
      if (later || seq < expect) {
        return fail(expect, "Entry " + std::to_string(expect) + " is out of order: entry " + std::to_string(seq) +
                                " stands in its place (the entries were reordered).");
      }
      return fail(expect, "Entry " + std::to_string(expect) + " was removed: entry " + std::to_string(seq) +
                              " follows entry " + std::to_string(expect - 1) + ".");
    }
    const Hash computed = chainHash(prev, body);
    if (computed != stored) {
      return fail(seq, "Entry " + std::to_string(seq) + " was changed: its hash does not match its content.");
    }
    prev = computed;
    r.entries = seq;
    ++expect;
    at += 4 + body.size() + kHashSize;
    if (!checkCheckpoints(seq)) return r;
  }
  if (cp < cps->size()) {
    const Checkpoint& c = (*cps)[cp];
    return fail(r.entries + 1, "The log was truncated: it ends at entry " + std::to_string(r.entries) + " but " +
                                   cpName(c) + " covers " + std::to_string(c.size) + " entries.");
  }
  r.intact = true;
  return r;
}

}  // namespace spe::audit
