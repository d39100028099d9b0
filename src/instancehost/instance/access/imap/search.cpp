#include "instancehost/instance/access/imap/search.h"

#include <xapian.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>

#include "common/base/text.h"
#include "common/mime/mime_structure.h"
#include "index/message_date.h"

namespace spe::instance {
namespace {

Error bad(const std::string& why) { return makeError(ErrorCode::kInvalidArgument, "SEARCH: " + why); }

// A parsed search key.
struct Key {
  enum class Op {
    kAll,
    kNone,
    kAnd,
    kOr,
    kNot,
    kSet,
    kUidSet,
    kText,
    kHeader,
    kInternalBefore,
    kInternalOn,
    kInternalSince,
    kSentBefore,
    kSentOn,
    kSentSince,
    kLarger,
    kSmaller
  };
  Op op = Op::kAll;
  std::vector<Key> children;
  SequenceSet set;
  std::string field, text;
  std::int64_t number = 0;  // day start (epoch) or size
};

// "1-Feb-1994" → the UTC day's start.
std::optional<std::int64_t> parseDate(const std::string& text) {
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  int day = 0, year = 0;
  char month[4] = {};
  if (std::sscanf(text.c_str(), "%2d-%3c-%4d", &day, month, &year) != 3) return std::nullopt;
  const std::string m = asciiLower(std::string(month, 3));
  int mon = -1;
  for (int i = 0; i < 12; ++i) {
    if (m == kMonths[i]) mon = i;
  }
  if (mon < 0 || day < 1 || day > 31 || year < 1900 || year > 9999) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon;
  tm.tm_mday = day;
  return static_cast<std::int64_t>(timegm(&tm));
}

class Parser {
 public:
  Parser(const std::vector<ImapValue>& args, std::uint32_t max_seq, std::uint32_t max_uid)
      : args_(args), max_seq_(max_seq), max_uid_(max_uid) {}

  Result<Key> all() {
    Key k;
    k.op = Key::Op::kAnd;
    while (pos_ < args_.size()) {
      auto one = key(args_, pos_, 0);
      if (!one) return one.error();
      k.children.push_back(std::move(*one));
    }
    if (k.children.empty()) return bad("no search key.");
    return k;
  }

 private:
  Result<std::string> str(const std::vector<ImapValue>& a, std::size_t& i, const std::string& after) {
    if (i >= a.size() || a[i].isList() || a[i].kind == ImapValue::Kind::kNil) return bad(after + " needs a string.");
    return a[i++].text;
  }

  using Values = std::vector<ImapValue>;
  // A key handled by one of the groups below, or nothing when the name is
  // not one of theirs.
  using Maybe = std::optional<Result<Key>>;

  Result<Key> key(const Values& a, std::size_t& i, int depth) {
    if (depth > 32) return bad("search keys nested too deeply.");
    const ImapValue& v = a[i++];
    if (v.isList()) return listKey(v, depth);
    const std::string name = imapUpper(v.text);
    if (Maybe k = flagKey(name, a, i)) return std::move(*k);
    if (Maybe k = fieldKey(name, a, i)) return std::move(*k);
    if (Maybe k = logicKey(name, a, i, depth)) return std::move(*k);
    if (Maybe k = setKey(name, v, a, i)) return std::move(*k);
    return bad("unknown search key '" + v.text + "'.");
  }

  // A parenthesised list: all of its keys.
  Result<Key> listKey(const ImapValue& v, int depth) {
    if (v.items.empty()) return bad("an empty parenthesised list.");
    Key k;
    k.op = Key::Op::kAnd;
    for (std::size_t j = 0; j < v.items.size();) {
      auto c = key(v.items, j, depth + 1);
      if (!c) return c.error();
      k.children.push_back(std::move(*c));
    }
    return k;
  }

  // Flags and keywords: an archive has none, so each matches all or nothing.
  Maybe flagKey(const std::string& name, const Values& a, std::size_t& i) {
    Key k;
    if (name == "ALL" || name == "SEEN" || name == "OLD" || name == "UNANSWERED" || name == "UNDELETED" ||
        name == "UNDRAFT" || name == "UNFLAGGED") {
      k.op = Key::Op::kAll;
      return k;
    }
    if (name == "ANSWERED" || name == "DELETED" || name == "DRAFT" || name == "FLAGGED" || name == "NEW" ||
        name == "RECENT" || name == "UNSEEN") {
      k.op = Key::Op::kNone;
      return k;
    }
    if (name == "KEYWORD" || name == "UNKEYWORD") {
      auto s = str(a, i, name);
      if (!s) return Result<Key>(s.error());
      k.op = name == "KEYWORD" ? Key::Op::kNone : Key::Op::kAll;
      return k;
    }
    return std::nullopt;
  }

  // Keys on a message's text, headers, dates and size.
  Maybe fieldKey(const std::string& name, const Values& a, std::size_t& i) {
    if (name == "FROM" || name == "TO" || name == "CC" || name == "BCC" || name == "SUBJECT" || name == "BODY") {
      return stringKey(Key::Op::kText, asciiLower(name), name, a, i);
    }
    if (name == "TEXT") return stringKey(Key::Op::kText, "", name, a, i);
    if (name == "HEADER") return headerKey(name, a, i);
    static const std::map<std::string, Key::Op> kDates{
        {"BEFORE", Key::Op::kInternalBefore}, {"ON", Key::Op::kInternalOn}, {"SINCE", Key::Op::kInternalSince},
        {"SENTBEFORE", Key::Op::kSentBefore}, {"SENTON", Key::Op::kSentOn}, {"SENTSINCE", Key::Op::kSentSince}};
    if (auto d = kDates.find(name); d != kDates.end()) return dateKey(d->second, name, a, i);
    if (name == "LARGER") return numberKey(Key::Op::kLarger, name, a, i);
    if (name == "SMALLER") return numberKey(Key::Op::kSmaller, name, a, i);
    return std::nullopt;
  }

  // NOT and OR, on the keys that follow.
  Maybe logicKey(const std::string& name, const Values& a, std::size_t& i, int depth) {
    Key k;
    if (name == "NOT") {
      if (i >= a.size()) return bad("NOT needs a search key.");
      auto c = key(a, i, depth + 1);
      if (!c) return c;
      k.op = Key::Op::kNot;
      k.children.push_back(std::move(*c));
      return k;
    }
    if (name == "OR") {
      k.op = Key::Op::kOr;
      for (int n = 0; n < 2; ++n) {
        if (i >= a.size()) return bad("OR needs two search keys.");
        auto c = key(a, i, depth + 1);
        if (!c) return c;
        k.children.push_back(std::move(*c));
      }
      return k;
    }
    return std::nullopt;
  }

  // UID <set>, or a bare sequence set.
  Maybe setKey(const std::string& name, const ImapValue& v, const Values& a, std::size_t& i) {
    Key k;
    if (name == "UID") {
      if (i >= a.size() || a[i].kind != ImapValue::Kind::kAtom) return bad("UID needs a set of UIDs.");
      auto set = parseSequenceSet(a[i++].text, max_uid_);
      if (!set) return Result<Key>(set.error());
      k.op = Key::Op::kUidSet;
      k.set = std::move(*set);
      return k;
    }
    if (v.kind == ImapValue::Kind::kAtom && !v.text.empty() &&
        (std::isdigit(static_cast<unsigned char>(v.text[0])) || v.text[0] == '*')) {
      auto set = parseSequenceSet(v.text, max_seq_);
      if (!set) return Result<Key>(set.error());
      k.op = Key::Op::kSet;
      k.set = std::move(*set);
      return k;
    }
    return std::nullopt;
  }

  Result<Key> stringKey(Key::Op op, std::string field, const std::string& name, const Values& a, std::size_t& i) {
    auto s = str(a, i, name);
    if (!s) return s.error();
    Key t;
    t.op = op;
    t.field = std::move(field);
    t.text = *s;
    return t;
  }

  Result<Key> headerKey(const std::string& name, const Values& a, std::size_t& i) {
    auto f = str(a, i, name);
    if (!f) return f.error();
    auto s = str(a, i, name);
    if (!s) return s.error();
    const std::string field = asciiLower(*f);
    Key k;
    // An empty string asks whether the message has the field at all, which
    // only the header can tell (the index does not know empty fields).
    const bool indexed = field == "from" || field == "to" || field == "cc" || field == "bcc" || field == "subject";
    k.op = indexed && !s->empty() ? Key::Op::kText : Key::Op::kHeader;
    k.field = field;
    k.text = *s;
    return k;
  }

  Result<Key> dateKey(Key::Op op, const std::string& name, const Values& a, std::size_t& i) {
    auto s = str(a, i, name);
    if (!s) return s.error();
    auto d = parseDate(*s);
    if (!d) return bad(name + ": '" + *s + "' is not a date like 1-Feb-2024.");
    Key t;
    t.op = op;
    t.number = *d;
    return t;
  }

  Result<Key> numberKey(Key::Op op, const std::string& name, const Values& a, std::size_t& i) {
    if (i >= a.size() || !a[i].number()) return bad(name + " needs a number.");
    Key t;
    t.op = op;
    t.number = *a[i++].number();
    return t;
  }

  const std::vector<ImapValue>& args_;
  std::size_t pos_ = 0;
  std::uint32_t max_seq_, max_uid_;
};

class Evaluator {
 public:
  Evaluator(const ImapSnapshot& snapshot, const ImapSearchBackend& backend) : snap_(snapshot), backend_(backend) {}

  Result<bool> matches(const Key& k, std::size_t index) {
    const auto& m = snap_.messages[index];
    constexpr std::int64_t kDay = 86400;
    switch (k.op) {
      case Key::Op::kAll: return true;
      case Key::Op::kNone: return false;
      case Key::Op::kAnd:
        for (const auto& c : k.children) {
          auto r = matches(c, index);
          if (!r) return r.error();
          if (!*r) return false;
        }
        return true;
      case Key::Op::kOr:
        for (const auto& c : k.children) {
          auto r = matches(c, index);
          if (!r) return r.error();
          if (*r) return true;
        }
        return false;
      case Key::Op::kNot: {
        auto r = matches(k.children[0], index);
        if (!r) return r.error();
        return !*r;
      }
      case Key::Op::kSet: return k.set.contains(static_cast<std::uint32_t>(index + 1));
      case Key::Op::kUidSet: return k.set.contains(m.uid);
      case Key::Op::kText: {
        auto set = textSet(k.field, k.text);
        if (!set) return set.error();
        return (*set)->count({m.store_id, m.message_id}) > 0;
      }
      case Key::Op::kHeader: return headerMatches(m, k.field, k.text);
      case Key::Op::kInternalBefore: return m.archived_at < k.number;
      case Key::Op::kInternalOn: return m.archived_at >= k.number && m.archived_at < k.number + kDay;
      case Key::Op::kInternalSince: return m.archived_at >= k.number;
      case Key::Op::kSentBefore:
      case Key::Op::kSentOn:
      case Key::Op::kSentSince: return sentMatches(k.op, dayOf(k.number), index);
      case Key::Op::kLarger: return m.size > k.number;
      case Key::Op::kSmaller: return m.size < k.number;
    }
    return false;
  }

 private:
  static std::int64_t dayOf(std::int64_t epoch) { return epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400); }

  static bool compareDays(Key::Op op, std::int64_t sent, std::int64_t day) {
    if (op == Key::Op::kSentBefore) return sent < day;
    if (op == Key::Op::kSentOn) return sent == day;
    return sent >= day;
  }

  // SENT*: the day written in the Date header (time and zone disregarded,
  // RFC 3501 6.4.4). Without a Date header the archive could read, the
  // internal date's day stands in (as RFC 5256 does for sorting). The
  // written day is at most a day from the UTC day of the stored instant
  // (message_date.h), so only messages sent within a day of `day` are read
  // to see their header.
  Result<bool> sentMatches(Key::Op op, std::int64_t day, std::size_t index) {
    const auto& m = snap_.messages[index];
    if (m.date == 0) return compareDays(op, dayOf(m.archived_at), day);
    const std::int64_t utc = dayOf(m.date), skew = index::kMaxSentDaySkew;
    if (op == Key::Op::kSentOn) {
      if (utc + skew < day || utc - skew > day) return false;
    } else if (const bool low = compareDays(op, utc - skew, day); low == compareDays(op, utc + skew, day)) {
      return low;  // BEFORE and SINCE are monotonic: the same answer for every possible day
    }
    auto it = sent_days_.find(index);
    if (it == sent_days_.end()) {
      auto raw = backend_.read(m);
      if (!raw) return raw.error();
      it = sent_days_.emplace(index, index::sentDay(*raw).value_or(utc)).first;
    }
    return compareDays(op, it->second, day);
  }

  Result<const std::set<MessageKey>*> textSet(const std::string& field, const std::string& text) {
    const auto key = field + '\n' + text;
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      auto set = backend_.text(field, text);
      if (!set) return set.error();
      it = cache_.emplace(key, std::move(*set)).first;
    }
    return &it->second;
  }

  // RFC 3501: the field contains the string (case-insensitive); an empty
  // string matches every message that has the field.
  Result<bool> headerMatches(const ImapMessageRef& m, const std::string& field, const std::string& text) {
    auto raw = backend_.read(m);
    if (!raw) return raw.error();
    const std::string wanted = asciiLower(text);
    const std::string_view whole(*raw);
    for (const auto& [name, value] : mime::headerFieldsOf(whole.substr(0, mime::headerBlockEnd(whole)))) {
      if (asciiLower(name) == field && asciiLower(value).find(wanted) != std::string::npos) return true;
    }
    return false;
  }

  const ImapSnapshot& snap_;
  const ImapSearchBackend& backend_;
  std::map<std::string, std::set<MessageKey>> cache_;
  std::map<std::size_t, std::int64_t> sent_days_;  // read from the header, by position
};

}  // namespace

bool SequenceSet::contains(std::uint32_t n) const {
  return std::any_of(ranges.begin(), ranges.end(), [n](const auto& r) { return n >= r.first && n <= r.second; });
}

Result<SequenceSet> parseSequenceSet(const std::string& text, std::uint32_t max) {
  SequenceSet out;
  auto number = [max](const std::string& s) -> std::optional<std::uint32_t> {
    if (s == "*") return max;
    if (s.empty() || s.size() > 10) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (n == 0 || n > 0xFFFFFFFFULL) return std::nullopt;
    return static_cast<std::uint32_t>(n);
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string part = text.substr(start, comma - start);
    const auto colon = part.find(':');
    auto lo = number(part.substr(0, colon));
    auto hi = colon == std::string::npos ? lo : number(part.substr(colon + 1));
    if (!lo || !hi) return makeError(ErrorCode::kInvalidArgument, "'" + text + "' is not a valid sequence set.");
    out.ranges.emplace_back(std::min(*lo, *hi), std::max(*lo, *hi));
    start = comma + 1;
  }
  return out;
}

namespace {

// The runs of word characters of a text (as the query language reads
// words; a run of Chinese or Japanese characters stays one run, which the
// query language splits into its characters and character pairs).
std::vector<std::string> wordRuns(const std::string& text) {
  std::vector<std::string> out;
  std::string run;
  for (Xapian::Utf8Iterator it(text); it != Xapian::Utf8Iterator(); ++it) {
    if (Xapian::Unicode::is_wordchar(*it)) {
      Xapian::Unicode::append_utf8(run, *it);
    } else if (!run.empty()) {
      out.push_back(std::move(run));
      run.clear();
    }
  }
  if (!run.empty()) out.push_back(std::move(run));
  return out;
}

// `text` in one field of the query language ("" any field): an address or
// domain whole, one word as a word (or the start of one), several words as
// a phrase; empty when `text` has no word.
std::string fieldQuery(const std::string& field, const std::string& text) {
  const std::string prefix = field.empty() ? std::string() : field + ":";
  const bool plain = !text.empty() &&
                     std::all_of(text.begin(), text.end(),
                                 [](char c) {
                                   return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '@' ||
                                          c == '_' || c == '-';
                                 }) &&
                     std::isalnum(static_cast<unsigned char>(text.front())) &&
                     std::isalnum(static_cast<unsigned char>(text.back()));
  if (plain && text.find_first_of(".@_-") != std::string::npos) return prefix + asciiLower(text);
  const auto runs = wordRuns(text);
  if (runs.empty()) return {};
  // Lower case: a bare "OR" would be the operator.
  if (runs.size() == 1) return prefix + asciiLower(runs[0]);
  std::string phrase;
  for (const auto& w : runs) phrase += (phrase.empty() ? "" : " ") + w;
  return prefix + "\"" + phrase + "\"";
}

}  // namespace

std::string textQuery(const std::string& field, const std::string& text) {
  // BODY is every part of the body: the message text and what the index
  // keeps apart as attachments (their names and text, attached messages),
  // the query language's content:.
  return fieldQuery(field == "body" ? "content" : field, text);
}

Result<std::vector<std::size_t>> imapSearch(const std::vector<ImapValue>& args, const ImapSnapshot& snapshot,
                                            const ImapSearchBackend& backend) {
  std::vector<ImapValue> rest = args;
  if (!rest.empty() && rest[0].isAtom("CHARSET")) {
    if (rest.size() < 2) return bad("CHARSET needs a name.");
    const std::string charset = imapUpper(rest[1].text);
    if (charset != "UTF-8" && charset != "US-ASCII") {
      return makeError(ErrorCode::kNotSupported,
                       "[BADCHARSET (UTF-8 US-ASCII)] The charset '" + rest[1].text + "' is not supported.");
    }
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  const std::uint32_t max_seq = static_cast<std::uint32_t>(snapshot.messages.size());
  const std::uint32_t max_uid = snapshot.messages.empty() ? 0 : snapshot.messages.back().uid;
  Parser parser(rest, std::max<std::uint32_t>(max_seq, 1), std::max<std::uint32_t>(max_uid, 1));
  auto program = parser.all();
  if (!program) return program.error();
  Evaluator eval(snapshot, backend);
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < snapshot.messages.size(); ++i) {
    auto r = eval.matches(*program, i);
    if (!r) return r.error();
    if (*r) out.push_back(i);
  }
  return out;
}

}  // namespace spe::instance
