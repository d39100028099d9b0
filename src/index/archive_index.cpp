#include "index/archive_index.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <string>
#include <unordered_map>

#include "common/base/fork_gate.h"
#include "common/base/text.h"
#include "index/dead_documents.h"
#include "index/pair_filter.h"
#include "index/sort_keys.h"

namespace spe::index {
namespace {

std::string idTerm(std::int64_t id) { return "Q" + std::to_string(id); }

// Damaged or unreadable index files are kCorrupt (the index must be
// rebuilt); anything else (a full disk, a lock) is kIo and may pass.
Error xapianError(const std::string& message, const Xapian::Error& e) {
  const std::string type = e.get_type();
  const bool corrupt = type == "DatabaseCorruptError" || type == "DatabaseOpeningError" ||
                       type == "DatabaseVersionError";
  return makeError(corrupt ? ErrorCode::kCorrupt : ErrorCode::kIo, message, e.get_description());
}

// The term generator of every text the index and its queries read: words,
// and Chinese, Japanese and Korean text as characters and character pairs
// (FLAG_CJK_NGRAM; see hasCurrentTerms()). Pairs rather than a dictionary's
// word breaks (ICU): any word inside a run of such text is found, whatever
// a dictionary would have cut, the same on both sides, with nothing new
// to link and a vocabulary bounded by the pairs that occur.
Xapian::TermGenerator termGenerator() {
  Xapian::TermGenerator generator;
  generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
  return generator;
}

// The words of a field: lower-cased, with the field's prefix (the body has
// none), with positions only when asked (the stored index has none: phrases
// are checked against the message itself, see searcher.cpp).
void indexText(Xapian::TermGenerator& generator, const std::string& text, const std::string& prefix, bool positions) {
  if (text.empty()) return;
  if (positions) {
    generator.index_text(text, 1, prefix);
    generator.increase_termpos(100);  // no phrase across fields or parts
  } else {
    generator.index_text_without_positions(text, 1, prefix);
  }
}

// A word's English and German stems. Stemming every word twice was a
// tenth of indexing's time, and words repeat: each thread keeps the stems
// of the words it met (up to kStemCacheWords, then it starts again; the
// indexer's preparing threads live for one batch).
struct WordStems {
  std::string english, german;
};
constexpr std::size_t kStemCacheWords = 50000;

const WordStems& stemsOf(const std::string& word) {
  static thread_local Xapian::Stem english("english"), german("german");
  static thread_local std::unordered_map<std::string, WordStems> cache;
  if (auto it = cache.find(word); it != cache.end()) return it->second;
  if (cache.size() >= kStemCacheWords) cache.clear();
  return cache.emplace(word, WordStems{english(word), german(word)}).first->second;
}

// English and German stems of every word, as "Z" + prefix + stem, where a
// stem differs from the word (a query looks for the word itself too).
void addStems(Xapian::Document& doc) {
  std::vector<std::pair<std::string, Xapian::termcount>> stems;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    const std::string term = *t;
    std::size_t split = 0;
    while (split < term.size() && term[split] >= 'A' && term[split] <= 'Z') ++split;
    if (split == term.size() || split > 1) continue;  // boolean terms have longer prefixes or none of a word
    const std::string prefix = term.substr(0, split), word = term.substr(split);
    if (prefix == "P" || prefix == "Q" || prefix == "K") continue;
    const WordStems& s = stemsOf(word);
    if (s.english != word) stems.emplace_back("Z" + prefix + s.english, t.get_wdf());
    if (s.german != word && s.german != s.english) stems.emplace_back("Z" + prefix + s.german, t.get_wdf());
  }
  for (const auto& [term, wdf] : stems) doc.add_term(term, wdf);
}

}  // namespace

std::vector<std::string> ArchiveIndex::addressTerms(const std::string& prefix, const std::string& list) {
  std::vector<std::string> out;
  std::string token;
  auto flush = [&] {
    const auto at = token.find('@');
    if (at != std::string::npos && at > 0 && at + 1 < token.size()) {
      const std::string addr = asciiLower(token);
      out.push_back(prefix + addr);
      out.push_back(prefix + addr.substr(0, at));
      for (std::string domain = addr.substr(at + 1); !domain.empty();) {
        out.push_back(prefix + domain);
        const auto dot = domain.find('.');
        if (dot == std::string::npos || domain.find('.', dot + 1) == std::string::npos) break;
        domain = domain.substr(dot + 1);
      }
    }
    token.clear();
  };
  for (char c : list) {
    if (c == '<' || c == '>' || c == ',' || c == ' ' || c == '"' || c == ';' || c == '\t') {
      flush();
    } else {
      token += c;
    }
  }
  flush();
  return out;
}

ArchiveIndex::ArchiveIndex(std::unique_ptr<Xapian::WritableDatabase> db) : db_(std::move(db)) {
  for (Xapian::docid d : deadDocuments(*db_)) dead_.insert(d);
}
ArchiveIndex::~ArchiveIndex() = default;

namespace {
constexpr const char* kMonthTermsKey = "spe:month-terms";  // "1": every document has its month term
constexpr const char* kTermsVersionKey = "spe:terms";      // kTermsVersion; none = 1
}  // namespace

bool hasCurrentTerms(const Xapian::Database& index) {
  return index.get_metadata(kTermsVersionKey) == std::to_string(kTermsVersion);
}

TextTerms textTerms(const std::string& text) {
  TextTerms out;
  Xapian::Document doc;
  Xapian::TermGenerator generator = termGenerator();
  generator.set_document(doc);
  generator.index_text(text);
  std::vector<std::pair<Xapian::termpos, std::string>> placed;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    if (t.positionlist_count() == 0) {
      out.pairs.push_back(*t);
      continue;
    }
    for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) placed.emplace_back(*p, *t);
  }
  std::sort(placed.begin(), placed.end());
  for (auto& [pos, word] : placed) out.words.push_back(std::move(word));
  return out;
}

std::string monthTerm(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(std::clamp<std::int64_t>(unix_seconds, -62167219200, 253402300799));
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char out[32];
  std::snprintf(out, sizeof out, "D%04d%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100);
  return out;
}

bool hasMonthTerms(const Xapian::Database& index) { return index.get_metadata(kMonthTermsKey) == "1"; }

Result<std::unique_ptr<ArchiveIndex>> ArchiveIndex::open(const std::string& directory) {
  try {
    std::unique_ptr<Xapian::WritableDatabase> db;
    {
      ForkGate::Opening opening;  // Xapian's write lock is tied to its descriptor (fork_gate.h)
      db = std::make_unique<Xapian::WritableDatabase>(directory, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_NO_TERMLIST);
    }
    // A new index has month terms and the current terms from its first
    // document on (committed with it); an older one keeps reading dates
    // and is searched as it is until it is rebuilt.
    if (db->get_doccount() == 0 && !hasMonthTerms(*db)) db->set_metadata(kMonthTermsKey, "1");
    if (db->get_doccount() == 0 && !hasCurrentTerms(*db)) {
      db->set_metadata(kTermsVersionKey, std::to_string(kTermsVersion));
    }
    return std::unique_ptr<ArchiveIndex>(new ArchiveIndex(std::move(db)));
  } catch (const Xapian::Error& e) {
    return xapianError("Cannot open the search index '" + directory + "'.", e);
  }
}

std::string documentData(std::int64_t message_id, std::string_view pair_filter) {
  std::string out = std::to_string(message_id);
  if (!pair_filter.empty()) {
    out += '\0';
    out += pair_filter;
  }
  return out;
}

DocumentData parseDocumentData(std::string_view data) {
  DocumentData out;
  const auto end = data.find('\0');
  const auto digits = data.substr(0, end);
  std::from_chars(digits.data(), digits.data() + digits.size(), out.message_id);
  if (end != std::string_view::npos) out.pair_filter = data.substr(end + 1);
  return out;
}

Xapian::Document ArchiveIndex::makeDocument(const IndexedMessage& m, bool positions) {
  Xapian::Document doc;
  const MessageText& t = m.text;
  Xapian::TermGenerator generator = termGenerator();
  generator.set_document(doc);
  indexText(generator, t.subject, "S", positions);
  indexText(generator, t.body, "", positions);
  for (const auto& [prefix, list] :
       {std::pair<std::string, std::string>{"F", t.from}, {"T", t.to}, {"C", t.cc}, {"B", t.bcc}}) {
    indexText(generator, list, prefix, positions);
  }
  for (const auto& a : t.attachments) {
    indexText(generator, a.name, "A", positions);
    indexText(generator, a.text, "N", positions);
  }
  doc = generator.get_document();
  addStems(doc);
  for (const auto& [prefix, list] :
       {std::pair<std::string, std::string>{"F", t.from}, {"T", t.to}, {"C", t.cc}, {"B", t.bcc}}) {
    for (const auto& term : addressTerms(prefix, list)) doc.add_boolean_term(term);
  }
  if (!t.attachments.empty()) doc.add_boolean_term("Khasattachment");
  doc.add_boolean_term("P" + asciiLower(m.folder));
  doc.add_boolean_term(monthTerm(m.date));
  doc.add_value(0, Xapian::sortable_serialise(static_cast<double>(m.date)));
  doc.add_value(1, Xapian::sortable_serialise(static_cast<double>(m.size)));
  addSortValues(doc, t.from, t.to, t.subject);
  doc.set_data(documentData(m.message_id, positions ? std::string() : pairFilterOf(t, m.message_id)));
  doc.add_boolean_term(idTerm(m.message_id));
  return doc;
}

Status ArchiveIndex::add(const IndexedMessage& m) {
  return addDocument(m.message_id, m.folder, makeDocument(m, false));
}

std::vector<unsigned> ArchiveIndex::liveDocuments(std::int64_t message_id) const {
  std::vector<unsigned> out;
  const std::string term = idTerm(message_id);
  for (auto p = db_->postlist_begin(term); p != db_->postlist_end(term); ++p) {
    if (!dead_.count(*p)) out.push_back(*p);
  }
  return out;
}

Status ArchiveIndex::addDocument(std::int64_t message_id, const std::string& folder, const Xapian::Document& document) {
  try {
    const std::string folder_term = "P" + asciiLower(folder);
    for (Xapian::docid d : liveDocuments(message_id)) {
      auto in_folder = db_->postlist_begin(folder_term);
      in_folder.skip_to(d);
      if (in_folder != db_->postlist_end(folder_term) && *in_folder == d) return okStatus();  // already there
      dead_.insert(d);
      dead_changed_ = true;
    }
    db_->add_document(document);
    return okStatus();
  } catch (const Xapian::Error& e) {
    return xapianError("Cannot index message " + std::to_string(message_id) + ".", e);
  }
}

Status ArchiveIndex::remove(std::int64_t message_id) {
  try {
    for (Xapian::docid d : liveDocuments(message_id)) {
      dead_.insert(d);
      dead_changed_ = true;
    }
    return okStatus();
  } catch (const Xapian::Error& e) {
    return xapianError("Cannot remove message " + std::to_string(message_id) + " from the index.", e);
  }
}

bool ArchiveIndex::contains(std::int64_t message_id) const {
  try {
    return !liveDocuments(message_id).empty();
  } catch (const Xapian::Error&) {
    return false;  // the next write reports the problem
  }
}

Status ArchiveIndex::commit() {
  try {
    if (dead_changed_) {
      db_->set_metadata(kDeadDocumentsKey, encodeDeadDocuments(std::vector<Xapian::docid>(dead_.begin(), dead_.end())));
    }
    db_->commit();
    dead_changed_ = false;
    return okStatus();
  } catch (const Xapian::Error& e) {
    return xapianError("Cannot commit the search index.", e);
  }
}

bool ArchiveIndex::needsPurge() const {
  return dead_.size() >= kPurgeMinimum && dead_.size() * 4 >= db_->get_doccount();
}

std::vector<std::string> ArchiveIndex::termsStartingWith(const std::string& prefix, std::size_t limit) const {
  std::vector<std::string> out;
  for (auto it = db_->allterms_begin(prefix); it != db_->allterms_end(prefix) && out.size() < limit; ++it) {
    out.push_back(*it);
  }
  return out;
}

std::int64_t ArchiveIndex::documentCount() const {
  return static_cast<std::int64_t>(db_->get_doccount()) - static_cast<std::int64_t>(dead_.size());
}

Result<std::vector<SearchHit>> ArchiveIndex::search(const Xapian::Query& query, std::size_t offset, std::size_t limit,
                                                    bool by_date, std::int64_t* total) const {
  try {
    Xapian::Enquire enquire(*db_);
    enquire.set_query(withoutDeadDocuments(query));
    if (by_date) enquire.set_sort_by_value_then_relevance(0, true);
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(offset), static_cast<Xapian::doccount>(limit),
                                         10000);
    if (total) *total = static_cast<std::int64_t>(mset.get_matches_estimated());
    std::vector<SearchHit> hits;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      hits.push_back({parseDocumentData(it.get_document().get_data()).message_id, it.get_percent() / 100.0});
    }
    return hits;
  } catch (const Xapian::Error& e) {
    return xapianError("The search failed.", e);
  }
}

}  // namespace spe::index
