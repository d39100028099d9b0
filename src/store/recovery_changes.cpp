#include "store/recovery_changes.h"

#include <array>
#include <utility>

namespace spe::store {
namespace {

constexpr std::array<std::pair<ChangeTag, const char*>, 8> kTags{{
    {ChangeTag::kFolderAdded, "f"},
    {ChangeTag::kContentAdded, "c"},
    {ChangeTag::kMessageAdded, "m"},
    {ChangeTag::kMessageWithContentAdded, "cm"},
    {ChangeTag::kFolderRenamed, "r"},
    {ChangeTag::kContentMoved, "mv"},
    {ChangeTag::kFolderDeleted, "df"},
    {ChangeTag::kMessageDeleted, "dm"},
}};

constexpr bool tagsInOrder() {
  for (std::size_t i = 0; i < kTags.size(); ++i) {
    if (static_cast<std::size_t>(kTags[i].first) != i) return false;
  }
  return static_cast<std::size_t>(ChangeTag::kMessageDeleted) + 1 == kTags.size();
}
static_assert(tagsInOrder(), "kTags must list every ChangeTag once, in the enum's order");

void putPlace(Json& j, const ContentPlace& p) {
  j["sha"] = p.sha256_hex;
  j["n"] = p.container;
  j["o"] = p.offset;
  j["l"] = p.length;
  j["s"] = p.raw_size;
}

ContentPlace placeOf(const Json& b) {
  return ContentPlace{b.value("sha", ""), b.value("n", std::int64_t{0}), b.value("o", std::int64_t{0}),
                      b.value("l", std::int64_t{0}), b.value("s", std::int64_t{0})};
}

// Reads the keys of `tag` (throws nlohmann's type_error for a wrong type).
RecoveryChange read(ChangeTag tag, const Json& b) {
  RecoveryChange c;
  c.tag = tag;
  switch (tag) {
    case ChangeTag::kFolderAdded:
    case ChangeTag::kFolderDeleted: c.folder = b.value("p", ""); break;
    case ChangeTag::kContentAdded:
      c.id = b.value("id", std::int64_t{0});
      c.content = placeOf(b);
      break;
    case ChangeTag::kMessageAdded:
    case ChangeTag::kMessageWithContentAdded:
      c.id = b.value("id", std::int64_t{0});
      c.content_id = b.value("c", std::int64_t{0});
      c.folder = b.value("f", "");
      c.archived_at = b.value("a", std::int64_t{0});
      if (tag == ChangeTag::kMessageWithContentAdded) c.content = placeOf(b);
      break;
    case ChangeTag::kFolderRenamed:
      c.from = b.value("from", "");
      c.to = b.value("to", "");
      break;
    case ChangeTag::kContentMoved:
      c.content_id = b.value("c", std::int64_t{0});
      c.content.container = b.value("n", std::int64_t{0});
      c.content.offset = b.value("o", std::int64_t{0});
      break;
    case ChangeTag::kMessageDeleted: c.id = b.value("id", std::int64_t{0}); break;
  }
  return c;
}

}  // namespace

RecoveryChange RecoveryChange::folderAdded(std::string path) {
  RecoveryChange c;
  c.tag = ChangeTag::kFolderAdded;
  c.folder = std::move(path);
  return c;
}

RecoveryChange RecoveryChange::contentAdded(std::int64_t content_id, ContentPlace place) {
  RecoveryChange c;
  c.tag = ChangeTag::kContentAdded;
  c.id = content_id;
  c.content = std::move(place);
  return c;
}

RecoveryChange RecoveryChange::messageAdded(std::int64_t message_id, std::int64_t content_id, std::string folder,
                                            std::int64_t archived_at, const std::optional<ContentPlace>& place) {
  RecoveryChange c;
  c.tag = place ? ChangeTag::kMessageWithContentAdded : ChangeTag::kMessageAdded;
  c.id = message_id;
  c.content_id = content_id;
  c.folder = std::move(folder);
  c.archived_at = archived_at;
  if (place) c.content = *place;
  return c;
}

RecoveryChange RecoveryChange::folderRenamed(std::string from, std::string to) {
  RecoveryChange c;
  c.tag = ChangeTag::kFolderRenamed;
  c.from = std::move(from);
  c.to = std::move(to);
  return c;
}

RecoveryChange RecoveryChange::contentMoved(std::int64_t content_id, std::int64_t container, std::int64_t offset) {
  RecoveryChange c;
  c.tag = ChangeTag::kContentMoved;
  c.content_id = content_id;
  c.content.container = container;
  c.content.offset = offset;
  return c;
}

RecoveryChange RecoveryChange::folderDeleted(std::string path) {
  RecoveryChange c = folderAdded(std::move(path));
  c.tag = ChangeTag::kFolderDeleted;
  return c;
}

RecoveryChange RecoveryChange::messageDeleted(std::int64_t message_id) {
  RecoveryChange c;
  c.tag = ChangeTag::kMessageDeleted;
  c.id = message_id;
  return c;
}

const char* changeTagName(ChangeTag tag) { return kTags[static_cast<std::size_t>(tag)].second; }

std::optional<ChangeTag> changeTagFromName(std::string_view name) {
  for (const auto& [tag, letters] : kTags) {
    if (name == letters) return tag;
  }
  return std::nullopt;
}

bool supersedesEarlierChanges(ChangeTag tag) {
  return tag == ChangeTag::kMessageDeleted || tag == ChangeTag::kFolderDeleted || tag == ChangeTag::kFolderRenamed ||
         tag == ChangeTag::kContentMoved;
}

Json encodeChange(const RecoveryChange& c) {
  Json j{{"t", changeTagName(c.tag)}};
  switch (c.tag) {
    case ChangeTag::kFolderAdded:
    case ChangeTag::kFolderDeleted: j["p"] = c.folder; break;
    case ChangeTag::kContentAdded:
      j["id"] = c.id;
      putPlace(j, c.content);
      break;
    case ChangeTag::kMessageAdded:
    case ChangeTag::kMessageWithContentAdded:
      j["id"] = c.id;
      j["c"] = c.content_id;
      j["f"] = c.folder;
      j["a"] = c.archived_at;
      if (c.tag == ChangeTag::kMessageWithContentAdded) putPlace(j, c.content);
      break;
    case ChangeTag::kFolderRenamed:
      j["from"] = c.from;
      j["to"] = c.to;
      break;
    case ChangeTag::kContentMoved:
      j["c"] = c.content_id;
      j["n"] = c.content.container;
      j["o"] = c.content.offset;
      break;
    case ChangeTag::kMessageDeleted: j["id"] = c.id; break;
  }
  return j;
}

Result<RecoveryChange> decodeChange(const Json& body) {
  if (!body.is_object()) return makeError(ErrorCode::kCorrupt, "A recovery change is not a JSON object.");
  const auto t = body.find("t");
  if (t == body.end() || !t->is_string()) return makeError(ErrorCode::kCorrupt, "A recovery change has no tag.");
  const auto tag = changeTagFromName(t->get<std::string>());
  if (!tag) {
    return makeError(ErrorCode::kCorrupt,
                     "A recovery change has the unknown tag '" + t->get<std::string>().substr(0, 16) + "'.");
  }
  try {
    return read(*tag, body);
  } catch (const Json::exception&) {
    return makeError(ErrorCode::kCorrupt,
                     std::string("A recovery change '") + changeTagName(*tag) + "' has a key of the wrong type.");
  }
}

}  // namespace spe::store
