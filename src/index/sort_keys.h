// Sort keys of the index: the values a search sorts by besides the date (0)
// and the size (1) (archive_index.h), so that sorting by sender, first
// recipient or subject costs what sorting by date costs (Xapian reads one
// value per match) instead of a metadata lookup per match.
//
// A key is lower case (Unicode), without quotes and leading punctuation,
// and cut to kMaxSortKeyBytes: sender "\"Doe, John\" <jd@x>" sorts as "doe,
// john", a sender without a display name by the address; a subject without
// reply and forward prefixes ("Re: Offer" sorts as "offer"). Documents
// indexed before these values existed have none and sort first (A to Z);
// indexes made before terms version 2 are rebuilt anyway (archive_index.h).
// Thread safety: pure functions.
#pragma once

#include <xapian.h>

#include <string>

namespace spe::index {

inline constexpr Xapian::valueno kSenderValue = 2;
inline constexpr Xapian::valueno kRecipientValue = 3;
inline constexpr Xapian::valueno kSubjectValue = 4;
inline constexpr std::size_t kMaxSortKeyBytes = 64;

// The key of the first address of an address list as GMime writes it
// ("Name <a@b>, ...").
std::string addressSortKey(const std::string& address_list);
std::string subjectSortKey(const std::string& subject);

// Adds the sender, recipient and subject values to a document.
void addSortValues(Xapian::Document& doc, const std::string& from, const std::string& to, const std::string& subject);

}  // namespace spe::index
