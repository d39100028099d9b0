// Dead documents: the indexes keep no termlist (more than half of their
// size), and Xapian cannot delete a document without one. A document that
// leaves an index (its message deleted, moved to another archive or
// folder) is therefore marked dead: its docid goes into a set kept in the
// index's own metadata (written in the same commit as the change), and
// searches leave dead documents out. Rebuilding the index drops them.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace spe::index {

// The metadata key of the set.
inline constexpr const char* kDeadDocumentsKey = "spe:dead";

// Sorted docids to and from their metadata form (deltas as varints).
std::string encodeDeadDocuments(const std::vector<Xapian::docid>& sorted);
std::vector<Xapian::docid> decodeDeadDocuments(const std::string& encoded);
// The dead documents of one database (not a combined one).
std::vector<Xapian::docid> deadDocuments(const Xapian::Database& db);

// The dead documents of each database a search runs over, read when the
// match starts (Xapian gives a posting source each sub-database of a
// combined one in turn): `query AND_NOT Query(&source)` leaves them out.
class DeadDocumentsSource : public Xapian::PostingSource {
 public:
  void init(const Xapian::Database& db) override;
  Xapian::doccount get_termfreq_min() const override { return static_cast<Xapian::doccount>(dead_.size()); }
  Xapian::doccount get_termfreq_est() const override { return static_cast<Xapian::doccount>(dead_.size()); }
  Xapian::doccount get_termfreq_max() const override { return static_cast<Xapian::doccount>(dead_.size()); }
  void next(double min_wt) override;
  void skip_to(Xapian::docid did, double min_wt) override;
  bool at_end() const override { return started_ && at_ >= dead_.size(); }
  Xapian::docid get_docid() const override { return dead_[at_]; }
  DeadDocumentsSource* clone() const override { return new DeadDocumentsSource; }
  std::string get_description() const override { return "DeadDocumentsSource"; }

 private:
  std::vector<Xapian::docid> dead_;
  std::size_t at_ = 0;
  bool started_ = false;
};

// `query` without the dead documents.
Xapian::Query withoutDeadDocuments(const Xapian::Query& query);

}  // namespace spe::index
