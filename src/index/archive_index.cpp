#include "index/archive_index.h"

#include <xapian.h>

#include <algorithm>

#include "common/text.h"
#include <cctype>

namespace spe::index {
namespace {

std::string idTerm(std::int64_t id) { return "Q" + std::to_string(id); }

// Every piece of text goes in three times: unstemmed with positions, and
// as English and German stems.
void indexText(Xapian::Document& doc, const std::string& text, const std::string& prefix) {
  if (text.empty()) return;
  Xapian::TermGenerator plain;
  plain.set_document(doc);
  plain.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
  plain.index_text(text, 1, prefix);
  if (!prefix.empty()) plain.index_text_without_positions(text);  // bare words find every field
  for (const char* language : {"english", "german"}) {
    Xapian::TermGenerator stemmed;
    stemmed.set_document(doc);
    stemmed.set_stemmer(Xapian::Stem(language));
    stemmed.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
    stemmed.index_text_without_positions(text, 1, prefix);
    if (!prefix.empty()) stemmed.index_text_without_positions(text);  // stems of bare words too
  }
  doc = plain.get_document();
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

ArchiveIndex::ArchiveIndex(std::unique_ptr<Xapian::WritableDatabase> db) : db_(std::move(db)) {}
ArchiveIndex::~ArchiveIndex() = default;

Result<std::unique_ptr<ArchiveIndex>> ArchiveIndex::open(const std::string& directory) {
  try {
    auto db = std::make_unique<Xapian::WritableDatabase>(directory, Xapian::DB_CREATE_OR_OPEN);
    return std::unique_ptr<ArchiveIndex>(new ArchiveIndex(std::move(db)));
  } catch (const Xapian::Error& e) {
    return makeError(ErrorCode::kIo, "Cannot open the search index '" + directory + "'.", e.get_description());
  }
}

Status ArchiveIndex::add(const IndexedMessage& m) {
  try {
    Xapian::Document doc;
    const MessageText& t = m.text;
    indexText(doc, t.subject, "S");
    indexText(doc, t.body, "");
    for (const auto& [prefix, list] : {std::pair<std::string, std::string>{"F", t.from}, {"T", t.to}, {"C", t.cc},
                                       {"B", t.bcc}}) {
      indexText(doc, list, prefix);
      for (const auto& term : addressTerms(prefix, list)) doc.add_boolean_term(term);
    }
    for (const auto& a : t.attachments) {
      indexText(doc, a.name, "A");
      indexText(doc, a.text, "N");
    }
    if (!t.attachments.empty()) doc.add_boolean_term("Khasattachment");
    doc.add_boolean_term("P" + asciiLower(m.folder));
    doc.add_value(0, Xapian::sortable_serialise(static_cast<double>(m.date)));
    doc.add_value(1, Xapian::sortable_serialise(static_cast<double>(m.size)));
    doc.set_data(std::to_string(m.message_id));
    doc.add_boolean_term(idTerm(m.message_id));
    db_->replace_document(idTerm(m.message_id), doc);
    return okStatus();
  } catch (const Xapian::Error& e) {
    return makeError(ErrorCode::kIo, "Cannot index message " + std::to_string(m.message_id) + ".",
                     e.get_description());
  }
}

Status ArchiveIndex::remove(std::int64_t message_id) {
  try {
    db_->delete_document(idTerm(message_id));
    return okStatus();
  } catch (const Xapian::Error& e) {
    return makeError(ErrorCode::kIo, "Cannot remove message " + std::to_string(message_id) + " from the index.",
                     e.get_description());
  }
}

Status ArchiveIndex::commit() {
  try {
    db_->commit();
    return okStatus();
  } catch (const Xapian::Error& e) {
    return makeError(ErrorCode::kIo, "Cannot commit the search index.", e.get_description());
  }
}

std::vector<std::string> ArchiveIndex::termsStartingWith(const std::string& prefix, std::size_t limit) const {
  std::vector<std::string> out;
  for (auto it = db_->allterms_begin(prefix); it != db_->allterms_end(prefix) && out.size() < limit; ++it) {
    out.push_back(*it);
  }
  return out;
}

std::int64_t ArchiveIndex::documentCount() const { return static_cast<std::int64_t>(db_->get_doccount()); }

Result<std::vector<SearchHit>> ArchiveIndex::search(const Xapian::Query& query, std::size_t offset, std::size_t limit,
                                                    bool by_date, std::int64_t* total) const {
  try {
    Xapian::Enquire enquire(*db_);
    enquire.set_query(query);
    if (by_date) enquire.set_sort_by_value_then_relevance(0, true);
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(offset),
                                         static_cast<Xapian::doccount>(limit), 10000);
    if (total) *total = static_cast<std::int64_t>(mset.get_matches_estimated());
    std::vector<SearchHit> hits;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      hits.push_back({std::stoll(it.get_document().get_data()), it.get_percent() / 100.0});
    }
    return hits;
  } catch (const Xapian::Error& e) {
    return makeError(ErrorCode::kIo, "The search failed.", e.get_description());
  }
}

}  // namespace spe::index
