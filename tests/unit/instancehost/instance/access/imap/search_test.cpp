// IMAP SEARCH keys with exact answers (the UIDs a search returns): the
// sent date as written in the Date header (zones near midnight, missing
// and unreadable headers), the internal date, HEADER with an empty string,
// and the query-language expressions text keys become. Messages carry the
// date the store would keep (mime::parseMessageHeaders, as archiving does).
#include "instancehost/instance/access/imap/search.h"

#include <gtest/gtest.h>

#include <ctime>
#include <map>

#include "common/mime/message_headers.h"

namespace spe::instance {
namespace {

std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return static_cast<std::int64_t>(timegm(&tm));
}

ImapValue atom(const std::string& text) { return ImapValue{ImapValue::Kind::kAtom, text, {}}; }
ImapValue str(const std::string& text) { return ImapValue{ImapValue::Kind::kString, text, {}}; }

class ImapSearchTest : public ::testing::Test {
 protected:
  // A message with these header lines, archived at `archived_at`; its UID.
  std::uint32_t add(const std::string& header, std::int64_t archived_at) {
    const std::string raw = header + "\r\n\r\nbody\r\n";
    ImapMessageRef m;
    m.uid = static_cast<std::uint32_t>(raws.size() + 1);
    m.store_id = 1;
    m.message_id = m.uid;
    m.size = static_cast<std::int64_t>(raw.size());
    m.date = mime::parseMessageHeaders(raw).date;  // what the store keeps: 0 when missing or unreadable
    m.archived_at = archived_at;
    snapshot.messages.push_back(m);
    raws.push_back(raw);
    return m.uid;
  }
  std::vector<std::uint32_t> uids(const std::vector<ImapValue>& args) {
    ImapSearchBackend backend;
    backend.read = [&](const ImapMessageRef& m) -> Result<std::string> {
      reads.push_back(m.uid);
      return raws[m.uid - 1];
    };
    backend.text = [&](const std::string& field, const std::string& text) -> Result<std::set<MessageKey>> {
      asked.push_back(field + ":" + text);
      return std::set<MessageKey>{};
    };
    auto r = imapSearch(args, snapshot, backend);
    EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
    std::vector<std::uint32_t> out;
    if (r) {
      for (auto i : *r) out.push_back(snapshot.messages[i].uid);
    }
    return out;
  }
  ImapSnapshot snapshot;
  std::vector<std::string> raws;
  std::vector<std::uint32_t> reads;
  std::vector<std::string> asked;
};

using Uids = std::vector<std::uint32_t>;

// SENT*: the day written in the Date header, whatever its zone, also when
// that day is another in UTC; no readable Date header: the internal date.
TEST_F(ImapSearchTest, SentDatesAreTheDayWrittenInTheDateHeader) {
  const auto a = add("Date: Mon, 1 Apr 2024 23:30:00 -0800", utc(2024, 4, 5));  // UTC: 2 Apr 07:30
  const auto b = add("Date: Tue, 2 Apr 2024 00:30:00 +1400", utc(2024, 4, 5));  // UTC: 1 Apr 10:30
  const auto c = add("Date: Tue, 2 Apr 2024 12:00:00 +0000", utc(2024, 4, 5));
  const auto d = add("Subject: no date", utc(2024, 4, 1, 23, 59));
  const auto e = add("Date: not a date at all", utc(2024, 4, 3, 0, 0));
  const auto f = add("Date: Wed, 3 Apr 2024 23:59:59 -1200", utc(2024, 4, 5));       // UTC: 4 Apr 11:59
  const auto g = add("Date: Sun, 31 Mar 2024 23:00:00 -0100", utc(2024, 4, 5));      // UTC: 1 Apr 00:00
  const auto h = add("Date: 2 Apr 2024 00:00 EST", utc(2024, 4, 5));                 // UTC: 2 Apr 05:00
  const auto i = add("Date: Tue, 2 Apr 24 01:00:00 +0200 (CEST)", utc(2024, 4, 5));  // two-digit year; UTC: 1 Apr 23:00
  EXPECT_EQ(uids({atom("SENTON"), atom("1-Apr-2024")}), (Uids{a, d}));
  EXPECT_EQ(uids({atom("SENTON"), atom("2-Apr-2024")}), (Uids{b, c, h, i}));
  EXPECT_EQ(uids({atom("SENTON"), atom("31-Mar-2024")}), (Uids{g}));
  EXPECT_EQ(uids({atom("SENTON"), atom("3-Apr-2024")}), (Uids{e, f}));
  EXPECT_EQ(uids({atom("SENTON"), atom("4-Apr-2024")}), (Uids{}));
  EXPECT_EQ(uids({atom("SENTBEFORE"), atom("2-Apr-2024")}), (Uids{a, d, g}));
  EXPECT_EQ(uids({atom("SENTSINCE"), atom("2-Apr-2024")}), (Uids{b, c, e, f, h, i}));
  EXPECT_EQ(uids({atom("SENTSINCE"), atom("3-Apr-2024")}), (Uids{e, f}));
  EXPECT_EQ(uids({atom("SENTBEFORE"), atom("1-Apr-2024")}), (Uids{g}));
  EXPECT_EQ(uids({atom("NOT"), atom("SENTON"), atom("2-apr-2024")}), (Uids{a, d, e, f, g}));
  EXPECT_EQ(uids({atom("SENTSINCE"), atom("1-Apr-2024"), atom("SENTBEFORE"), atom("2-Apr-2024")}), (Uids{a, d}));
}

// Only messages sent within a day of the date asked for are read; the
// others are decided by the stored date.
TEST_F(ImapSearchTest, SentDatesReadOnlyTheHeadersNearTheDay) {
  const auto far = add("Date: Mon, 1 Jan 2024 12:00:00 +0000", utc(2024, 1, 1));
  const auto near = add("Date: Mon, 1 Apr 2024 23:30:00 -0800", utc(2024, 4, 2));
  const auto later = add("Date: Mon, 8 Apr 2024 12:00:00 +0000", utc(2024, 4, 8));
  const auto missing = add("Subject: none", utc(2024, 4, 1, 12));
  EXPECT_EQ(uids({atom("SENTON"), atom("1-Apr-2024")}), (Uids{near, missing}));
  EXPECT_EQ(reads, (Uids{near}));
  reads.clear();
  EXPECT_EQ(uids({atom("SENTSINCE"), atom("2-Apr-2024")}), (Uids{later}));
  EXPECT_EQ(reads, (Uids{near}));
  reads.clear();
  EXPECT_EQ(uids({atom("SENTBEFORE"), atom("1-Mar-2024")}), (Uids{far}));
  EXPECT_EQ(reads, (Uids{}));
}

// BEFORE/ON/SINCE: the internal date (the archiving time), by its UTC day
// as FETCH INTERNALDATE shows it (+0000); the Date header does not matter.
TEST_F(ImapSearchTest, InternalDatesAreTheArchivingTimeInUtcDays) {
  const auto a = add("Date: Mon, 1 Apr 2024 10:00:00 +0000", utc(2024, 4, 1, 23, 59));
  const auto b = add("Date: Mon, 1 Apr 2024 10:00:00 +0000", utc(2024, 4, 2, 0, 0));
  const auto c = add("Subject: no date", utc(2024, 3, 31, 0, 0));
  EXPECT_EQ(uids({atom("ON"), atom("1-Apr-2024")}), (Uids{a}));
  EXPECT_EQ(uids({atom("ON"), atom("2-Apr-2024")}), (Uids{b}));
  EXPECT_EQ(uids({atom("BEFORE"), atom("1-Apr-2024")}), (Uids{c}));
  EXPECT_EQ(uids({atom("SINCE"), atom("1-Apr-2024")}), (Uids{a, b}));
  EXPECT_EQ(reads, (Uids{}));
}

// HEADER <field> "": the messages that have the field, with any value
// (an empty one too), for fields the index knows and others alike.
TEST_F(ImapSearchTest, HeaderWithAnEmptyStringMatchesMessagesThatHaveTheField) {
  const auto a = add("Subject: hello\r\nX-Mailer: Foo 1.0\r\nCc: c@example.com", utc(2024, 4, 1));
  const auto b = add("X-Mailer:\r\nFrom: b@example.com", utc(2024, 4, 1));
  const auto c = add("Subject:\r\nFrom: c@example.com", utc(2024, 4, 1));
  const auto d = add("x-mailer: lower case name\r\nSUBJECT: upper", utc(2024, 4, 1));
  EXPECT_EQ(uids({atom("HEADER"), atom("X-Mailer"), str("")}), (Uids{a, b, d}));
  EXPECT_EQ(uids({atom("HEADER"), atom("Subject"), str("")}), (Uids{a, c, d}));
  EXPECT_EQ(uids({atom("HEADER"), atom("subject"), str("")}), (Uids{a, c, d}));
  EXPECT_EQ(uids({atom("HEADER"), atom("From"), str("")}), (Uids{b, c}));
  EXPECT_EQ(uids({atom("HEADER"), atom("Cc"), str("")}), (Uids{a}));
  EXPECT_EQ(uids({atom("HEADER"), atom("Bcc"), str("")}), (Uids{}));
  EXPECT_EQ(uids({atom("HEADER"), atom("X-Other"), str("")}), (Uids{}));
  EXPECT_EQ(uids({atom("NOT"), atom("HEADER"), atom("Subject"), str("")}), (Uids{b}));
  EXPECT_EQ(uids({atom("HEADER"), atom("X-Mailer"), str("foo")}), (Uids{a}));
  EXPECT_TRUE(asked.empty()) << "the index was not asked: " << asked.front();
  // With a string, the fields the index knows are answered by it.
  uids({atom("HEADER"), atom("Subject"), str("hello")});
  EXPECT_EQ(asked, (std::vector<std::string>{"subject:hello"}));
}

TEST(ImapTextQuery, KeysBecomeQueryLanguageExpressions) {
  EXPECT_EQ(textQuery("subject", "Report"), "subject:report");
  EXPECT_EQ(textQuery("subject", "quarterly report"), "subject:\"quarterly report\"");
  EXPECT_EQ(textQuery("body", "report"), "content:report") << "BODY: every body part";
  EXPECT_EQ(textQuery("body", "\"a\" b"), "content:\"a b\"");
  EXPECT_EQ(textQuery("", "OR"), "or") << "not the operator";
  EXPECT_EQ(textQuery("", "  ...  "), "");
  EXPECT_EQ(textQuery("from", "Bob@Example.com"), "from:bob@example.com");
  EXPECT_EQ(textQuery("subject", "年度报告"), "subject:年度报告") << "a run of characters is one word";
  EXPECT_EQ(textQuery("subject", "年度 报告"), "subject:\"年度 报告\"");
}

}  // namespace
}  // namespace spe::instance
