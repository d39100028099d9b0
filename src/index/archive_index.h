// ArchiveIndex: the Xapian full-text index of one user archive in one
// store (<store>/Index/<archive>/).
//
// Terms (prefix: field): F from, T to, C cc, B bcc, S subject, A attachment
// name, N attachment text, body without a prefix (a bare word in a query
// looks in every field); P folder path, lower case (boolean), Q message id
// (unique), D month of the message date (monthTerm). Addresses are indexed whole, by local
// part and by domain (and each parent domain), so `*@example.com` and
// `example.com` match. Words are indexed as they are (lower case) plus
// their English and German stems as "Z" terms where a stem differs from the
// word, so "Verbindung" finds "Verbindungen". No positions are stored (a
// third of the size and the time): a phrase is looked up as its words, the
// candidates go through their word-pair filters (pair_filter.h) and those
// that pass are checked against their messages (searcher.cpp). No
// termlist is stored either (more than half of what is left): documents
// that leave the index are marked dead instead of deleted
// (dead_documents.h).
// Values: 0 message date, 1 size (sortable_serialise), 2-4 sender, first
// recipient and subject as sort keys (sort_keys.h). Data: documentData().
// Thread safety: one writer per index; searching from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "index/message_text.h"

namespace Xapian {
class Database;
class WritableDatabase;
class Query;
class Document;
}  // namespace Xapian

namespace spe::index {

struct IndexedMessage {
  std::int64_t message_id = 0;
  std::string folder;  // full path, e.g. "jdoe/Inbox"
  std::int64_t date = 0;
  std::int64_t size = 0;
  MessageText text;
};

// A document's data: the message id in decimal, then a NUL and the
// message's word-pair filter (pair_filter.h; documents indexed before the
// filter existed have none).
std::string documentData(std::int64_t message_id, std::string_view pair_filter);
struct DocumentData {
  std::int64_t message_id = 0;
  std::string_view pair_filter;
};
DocumentData parseDocumentData(std::string_view data);

// The month term of a message date ("D" + yyyymm, UTC), kept in every
// document of an index that hasMonthTerms(): newest-first searches and
// date ranges read whole months by their terms instead of every match's
// date (date_order.h).
std::string monthTerm(std::int64_t unix_seconds);
bool hasMonthTerms(const Xapian::Database& index);

// The terms version of an index: what its words are made of. Version 2
// (issue 17): Chinese, Japanese and Korean text is indexed as its
// characters and character pairs (Xapian's FLAG_CJK_NGRAM), inline text
// parts with a file name and text after NUL bytes are body text. An index
// without it (made before) does not find words inside such text: it is
// selected for a rebuild when the indexer starts, and searches over it say
// so (searcher.cpp). A new index has it from its first document on.
inline constexpr int kTermsVersion = 2;
bool hasCurrentTerms(const Xapian::Database& index);

// The terms the index makes of a text, without a field prefix: its words
// in order (lower case; Chinese and Japanese characters one by one), and
// the pairs of adjacent Chinese and Japanese characters, which have no
// position. Queries are built of these so they meet the index's terms
// exactly (query_language.cpp).
struct TextTerms {
  std::vector<std::string> words;
  std::vector<std::string> pairs;
};
TextTerms textTerms(const std::string& text);

struct SearchHit {
  std::int64_t message_id = 0;
  double relevance = 0;
};

class ArchiveIndex {
 public:
  static Result<std::unique_ptr<ArchiveIndex>> open(const std::string& directory);
  ~ArchiveIndex();
  ArchiveIndex(const ArchiveIndex&) = delete;
  ArchiveIndex& operator=(const ArchiveIndex&) = delete;

  Status add(const IndexedMessage& message);
  // Adds a message's document made by makeDocument(); a document the
  // message had before is marked dead, unless it is in the same folder
  // (then it is the same document: messages never change).
  Status addDocument(std::int64_t message_id, const std::string& folder, const Xapian::Document& document);
  // The document of a message: with positions for checking phrases (the
  // stored index keeps none).
  static Xapian::Document makeDocument(const IndexedMessage& message, bool positions);
  // Marks the message's document dead.
  Status remove(std::int64_t message_id);
  bool contains(std::int64_t message_id) const;
  // Commits the documents and the dead set together.
  Status commit();
  // Live documents.
  std::int64_t documentCount() const;
  // True when so many documents are dead (a quarter, and at least
  // kPurgeMinimum) that the index should be rebuilt without them.
  bool needsPurge() const;
  static constexpr std::size_t kPurgeMinimum = 1000;

  // Runs a Xapian query; newest first (by_date) or by relevance.
  Result<std::vector<SearchHit>> search(const Xapian::Query& query, std::size_t offset, std::size_t limit, bool by_date,
                                        std::int64_t* total = nullptr) const;

  // Terms of the index that start with `prefix` (at most `limit`).
  std::vector<std::string> termsStartingWith(const std::string& prefix, std::size_t limit = 10000) const;

  // The terms an address contributes under `prefix` (whole, local part,
  // domain and parent domains), lower case.
  static std::vector<std::string> addressTerms(const std::string& prefix, const std::string& address_list);

 private:
  explicit ArchiveIndex(std::unique_ptr<Xapian::WritableDatabase> db);
  // The live documents of a message (normally one, or none).
  std::vector<unsigned> liveDocuments(std::int64_t message_id) const;
  std::unique_ptr<Xapian::WritableDatabase> db_;
  std::set<unsigned> dead_;  // committed and pending
  bool dead_changed_ = false;
};

}  // namespace spe::index
