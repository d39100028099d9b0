// IMAP SEARCH (RFC 3501 §6.4.4) over a mailbox snapshot: every search key
// of RFC 3501. Text keys (FROM, TO, CC, BCC, SUBJECT, BODY, TEXT) are
// answered by the search index, word by word as the query language
// matches: a word, its stems, and from three letters on the start of a
// longer word ("SUBJECT report" finds "reports" and "reporting", not
// "misreport"); Chinese and Japanese text by any word inside it; several
// words are a phrase. BODY is the text of every body part, attachments
// and attached messages included (content:). HEADER with another field,
// or with an empty string (has the field), reads the messages' headers.
// BEFORE/ON/SINCE compare the internal date (the archiving time, UTC
// days); SENTBEFORE/SENTON/SENTSINCE the day written in the Date header,
// time and zone disregarded (index/message_date.h), else the internal
// date; sizes come from the metadata. Flags: every archived message is
// \Seen and has no other flag.
// Thread safety: stateless; the callbacks block (run it on a pool).
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/imap/syntax.h"
#include "instancehost/instance/access/imap/mailboxes.h"

namespace spe::instance {

struct ImapSearchBackend {
  // The messages of the snapshot's folder whose `field` (from, to, cc, bcc,
  // subject, body, or empty for any) matches `text`.
  std::function<Result<std::set<MessageKey>>(const std::string& field, const std::string& text)> text;
  // A message's raw bytes (HEADER with other fields; SENT* for messages
  // sent within a day of the date asked for).
  std::function<Result<std::string>(const ImapMessageRef&)> read;
};

// `args`: the SEARCH arguments (a leading CHARSET <name> is accepted for
// US-ASCII and UTF-8). Returns the positions (0-based) in the snapshot of
// the matching messages, ascending.
Result<std::vector<std::size_t>> imapSearch(const std::vector<ImapValue>& args, const ImapSnapshot& snapshot,
                                            const ImapSearchBackend& backend);

// A sequence set (RFC 3501 §9 sequence-set) against `max` (the value of '*').
struct SequenceSet {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;  // inclusive, low <= high
  bool contains(std::uint32_t n) const;
};
Result<SequenceSet> parseSequenceSet(const std::string& text, std::uint32_t max);

// A query-language expression matching `text` in `field` (see above; BODY
// is content:), or empty when `text` has no word (it matches everything).
std::string textQuery(const std::string& field, const std::string& text);

}  // namespace spe::instance
