// The changes a recovery record lists (records.h): the on-disk vocabulary
// of a store's metadata history, encoded and decoded here and nowhere else.
//
// Each change is a JSON object whose "t" names its kind; the other keys are
// one or two letters. The letters and the key order are a file format
// (stores written by every earlier version must still rebuild), so they
// never change; a new kind gets a new tag.
//
//   t    ChangeTag                  keys (in this order)
//   f    kFolderAdded               p (path)
//   c    kContentAdded              id, sha, n (container), o (offset), l (length), s (raw size)
//   m    kMessageAdded              id, c (content id), f (folder), a (archived at)
//   cm   kMessageWithContentAdded   id, c, f, a, sha, n, o, l, s
//   r    kFolderRenamed             from, to
//   mv   kContentMoved              c, n, o
//   df   kFolderDeleted             p
//   dm   kMessageDeleted            id
//
// Thread safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::store {

enum class ChangeTag {
  kFolderAdded,
  kContentAdded,
  kMessageAdded,
  kMessageWithContentAdded,
  kFolderRenamed,
  kContentMoved,
  kFolderDeleted,
  kMessageDeleted,
};

// Where a content record lies and what it holds.
struct ContentPlace {
  std::string sha256_hex;
  std::int64_t container = 0;
  std::int64_t offset = 0;
  std::int64_t length = 0;
  std::int64_t raw_size = 0;
};

// One change; which fields count depends on the tag (see the table above).
struct RecoveryChange {
  ChangeTag tag = ChangeTag::kFolderAdded;
  std::int64_t id = 0;           // message id (m, cm, dm) or content id (c)
  std::int64_t content_id = 0;   // m, cm, mv
  std::string folder;            // f, df: the folder; m, cm: the message's folder
  std::int64_t archived_at = 0;  // m, cm
  ContentPlace content;          // c, cm: all of it; mv: container and offset
  std::string from, to;          // r

  static RecoveryChange folderAdded(std::string path);
  static RecoveryChange contentAdded(std::int64_t content_id, ContentPlace place);
  // With `place`, the message brings new content (one "cm" change).
  static RecoveryChange messageAdded(std::int64_t message_id, std::int64_t content_id, std::string folder,
                                     std::int64_t archived_at, const std::optional<ContentPlace>& place = {});
  static RecoveryChange folderRenamed(std::string from, std::string to);
  static RecoveryChange contentMoved(std::int64_t content_id, std::int64_t container, std::int64_t offset);
  static RecoveryChange folderDeleted(std::string path);
  static RecoveryChange messageDeleted(std::int64_t message_id);
};

// The tag's letters on disk, and back (nullopt for letters no version wrote).
const char* changeTagName(ChangeTag tag);
std::optional<ChangeTag> changeTagFromName(std::string_view name);

// True for changes that make earlier ones obsolete (deletions, renames,
// moves): a recovery log holding them can be compacted.
bool supersedesEarlierChanges(ChangeTag tag);

Json encodeChange(const RecoveryChange& change);
// kCorrupt for anything encodeChange does not write: not an object, no or
// an unknown tag, a key of the wrong type. Missing keys read as 0 or ""
// (as every earlier reader did).
Result<RecoveryChange> decodeChange(const Json& body);

}  // namespace spe::store
