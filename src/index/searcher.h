// Searching an instance's archives: one query over the indexes of every
// given archive in every given store, sorted by date (newest first) or by
// relevance, paged, with a total. Hits are checked against the stores'
// metadata (a message deleted or moved since it was indexed is not shown
// where it no longer is). An index that cannot be read is skipped with a
// warning naming it. Web Access and IMAP SEARCH use this.
// Thread safety: search() is safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "index/store_indexer.h"

namespace spe::index {

struct SearchRequest {
  std::string query;
  // The archives the caller may read; none = every archive (archive admins).
  std::optional<std::vector<std::string>> archives;
  bool by_date = true;  // else by relevance
  // Another order (by_date is then ignored): by a value of the index
  // (archive_index.h: sender, first recipient, subject, size) or by date
  // oldest first; the date, newest first, breaks ties.
  enum class SortField { kNone, kDate, kSender, kRecipient, kSubject, kSize };
  SortField sort_field = SortField::kNone;
  bool ascending = false;  // A to Z, smallest first, oldest first
  // Only messages in `folder` (a full path, "jdoe/Inbox"; an archive's name
  // for all of its folders), with `subfolders` also those in the folders
  // below it; empty = every folder of `archives`. With a folder, an empty
  // query lists every message there.
  std::string folder;
  bool subfolders = true;
  std::size_t offset = 0;
  std::size_t limit = 50;
  long zone_offset_seconds = 0;  // the searcher's time zone, for dates
  // Every match, exact: `offset` and `limit` are ignored and every
  // candidate of a phrase is checked, however many messages that reads
  // (IMAP SEARCH). Otherwise a page reads at most a few hundred messages
  // and the total may be an estimate (the API and Web Access).
  bool exhaustive = false;
};

struct SearchHitInfo {
  std::int64_t store_id = 0;
  store::MessageInfo message;
  int relevance = 0;  // percent
};

struct SearchResults {
  std::int64_t total = 0;
  bool total_is_estimate = false;
  std::vector<SearchHitInfo> hits;
  std::vector<std::string> warnings;
  std::size_t candidates_looked_at = 0;  // phrase candidates put to their word-pair filters
  std::size_t messages_read = 0;         // read to check phrases
};

struct SearchSource {
  std::int64_t store_id = 0;
  std::shared_ptr<StoreIndexer> indexer;
};

Result<SearchResults> search(const std::vector<SearchSource>& sources, const SearchRequest& request);

}  // namespace spe::index
