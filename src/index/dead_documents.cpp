#include "index/dead_documents.h"

#include <algorithm>

namespace spe::index {

std::string encodeDeadDocuments(const std::vector<Xapian::docid>& sorted) {
  std::string out;
  Xapian::docid previous = 0;
  for (Xapian::docid d : sorted) {
    std::uint32_t delta = d - previous;
    previous = d;
    while (delta >= 0x80) {
      out += static_cast<char>((delta & 0x7f) | 0x80);
      delta >>= 7;
    }
    out += static_cast<char>(delta);
  }
  return out;
}

std::vector<Xapian::docid> decodeDeadDocuments(const std::string& encoded) {
  std::vector<Xapian::docid> out;
  Xapian::docid previous = 0;
  std::uint32_t value = 0;
  int shift = 0;
  for (unsigned char c : encoded) {
    if (shift < 32) value |= static_cast<std::uint32_t>(c & 0x7f) << shift;
    if (c & 0x80) {
      shift += 7;
      continue;
    }
    previous += value;
    out.push_back(previous);
    value = 0;
    shift = 0;
  }
  return out;
}

std::vector<Xapian::docid> deadDocuments(const Xapian::Database& db) {
  return decodeDeadDocuments(db.get_metadata(kDeadDocumentsKey));
}

void DeadDocumentsSource::init(const Xapian::Database& db) {
  dead_ = deadDocuments(db);
  at_ = 0;
  started_ = false;
}

void DeadDocumentsSource::next(double) {
  if (started_) {
    ++at_;
  } else {
    started_ = true;
  }
}

void DeadDocumentsSource::skip_to(Xapian::docid did, double) {
  if (!started_) {
    started_ = true;
    at_ = 0;
  }
  at_ = static_cast<std::size_t>(
      std::lower_bound(dead_.begin() + static_cast<std::ptrdiff_t>(std::min(at_, dead_.size())), dead_.end(), did) -
      dead_.begin());
}

Xapian::Query withoutDeadDocuments(const Xapian::Query& query) {
  return Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query((new DeadDocumentsSource)->release()));
}

}  // namespace spe::index
