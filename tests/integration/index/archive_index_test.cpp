// The Xapian index of a user archive on real files: per-field terms,
// address parts, German and English stems next to exact words, phrases,
// folders and date order.
#include "index/archive_index.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>

#include "index/dead_documents.h"
#include "index/pair_filter.h"
#include "index/phrase_check.h"
#include "index/query_language.h"
#include "index/store_indexer.h"
#include "test_dir.h"

namespace spe::index {
namespace {

std::vector<std::int64_t> ids(const ArchiveIndex& index, const Xapian::Query& q, bool by_date = true) {
  auto hits = index.search(q, 0, 100, by_date);
  EXPECT_TRUE(hits.ok());
  std::vector<std::int64_t> out;
  for (const auto& h : *hits) out.push_back(h.message_id);
  return out;
}

class ArchiveIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = ArchiveIndex::open(dir / "idx");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    index = std::move(*opened);
    IndexedMessage a;
    a.message_id = 1;
    a.folder = "jdoe/Inbox";
    a.date = 1700000000;
    a.text.subject = "Neue Verbindungen nach Köln";
    a.text.from = "Jürgen <juergen@mail.example.com>";
    a.text.to = "jdoe@example.org";
    a.text.body = "The quick brown fox jumps over the lazy dog.";
    AttachmentText pdf;
    pdf.name = "Rechnung März.pdf";
    pdf.text = "Quarterly invoice 4711";
    a.text.attachments.push_back(pdf);
    IndexedMessage b;
    b.message_id = 2;
    b.folder = "jdoe/Sent";
    b.date = 1710000000;
    b.text.subject = "Connections and invoices";
    b.text.from = "jdoe@example.org";
    b.text.to = "partner@other.net";
    b.text.cc = "boss@example.com";
    b.text.body = "brown quick fox, in the other order";
    ASSERT_TRUE(index->add(a).ok());
    ASSERT_TRUE(index->add(b).ok());
    messages = {a, b};
    ASSERT_TRUE(index->commit().ok());
  }
  spe::testing::TempDir dir;
  std::unique_ptr<ArchiveIndex> index;
  std::vector<IndexedMessage> messages;
};

TEST_F(ArchiveIndexTest, AddressesByWholeLocalPartAndDomain) {
  EXPECT_EQ(ids(*index, Xapian::Query("Fjuergen@mail.example.com")), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids(*index, Xapian::Query("Fjuergen")), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids(*index, Xapian::Query("Fmail.example.com")), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids(*index, Xapian::Query("Fexample.com")), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids(*index, Xapian::Query("Cexample.com")), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(ids(*index, Xapian::Query("Tother.net")), (std::vector<std::int64_t>{2}));
  EXPECT_TRUE(ids(*index, Xapian::Query("Texample.com")).empty());
}

TEST_F(ArchiveIndexTest, StemsInEnglishAndGermanAndExactWords) {
  const std::string german = Xapian::Stem("german")("verbindung");
  EXPECT_EQ(ids(*index, Xapian::Query("ZS" + german)), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids(*index, Xapian::Query("Sverbindungen")), (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(ids(*index, Xapian::Query("Sverbindung")).empty()) << "the exact word differs";
  const std::string english = Xapian::Stem("english")("invoice");
  EXPECT_EQ(ids(*index, Xapian::Query("ZS" + english)), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(ids(*index, Xapian::Query("ZN" + english)), (std::vector<std::int64_t>{1}));
  // Each field has its own terms; the body has no prefix (a bare word in
  // the query language looks in every field).
  EXPECT_EQ(ids(*index, Xapian::Query("Sköln")), (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(ids(*index, Xapian::Query("köln")).empty());
}

TEST_F(ArchiveIndexTest, PhrasesAttachmentsFoldersAndOrder) {
  EXPECT_FALSE(index->documentCount() == 0);
  EXPECT_EQ(ids(*index, Xapian::Query("Arechnung")), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids(*index, Xapian::Query("N4711")), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids(*index, Xapian::Query("Khasattachment")), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids(*index, Xapian::Query("Pjdoe/sent")), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(ids(*index, Xapian::Query("fox")), (std::vector<std::int64_t>{2, 1})) << "newest first";
}

TEST_F(ArchiveIndexTest, ReindexReplacesAndRemoveDeletes) {
  IndexedMessage again;
  again.message_id = 1;
  again.folder = "jdoe/Moved";
  again.text.subject = "Neue Verbindungen";
  ASSERT_TRUE(index->add(again).ok());  // the old document is dead, the new one found
  ASSERT_TRUE(index->remove(2).ok());
  ASSERT_TRUE(index->commit().ok());
  EXPECT_EQ(index->documentCount(), 1);
  EXPECT_EQ(ids(*index, Xapian::Query("Pjdoe/moved")), (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(ids(*index, Xapian::Query("Pjdoe/inbox")).empty());
}

TEST_F(ArchiveIndexTest, NoTermlistAndDeadDocumentsStayDeadAcrossReopenAndCompaction) {
  EXPECT_FALSE(std::filesystem::exists(dir / "idx/termlist.glass")) << "the index keeps no termlist";
  ASSERT_TRUE(index->remove(1).ok());
  EXPECT_FALSE(index->contains(1));
  ASSERT_TRUE(index->commit().ok());
  index.reset();
  ASSERT_TRUE(StoreIndexer::compactIndex(dir / "idx").ok());
  auto reopened = ArchiveIndex::open(dir / "idx");
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->documentCount(), 1);
  EXPECT_FALSE((*reopened)->contains(1));
  EXPECT_TRUE(ids(**reopened, Xapian::Query("fox")) == std::vector<std::int64_t>{2});
  // Indexed again (moved back): found once, under its new folder.
  messages[0].folder = "jdoe/Back";
  ASSERT_TRUE((*reopened)->add(messages[0]).ok());
  ASSERT_TRUE((*reopened)->add(messages[0]).ok());  // the same again changes nothing
  ASSERT_TRUE((*reopened)->commit().ok());
  EXPECT_EQ(ids(**reopened, Xapian::Query("fox")), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ((*reopened)->documentCount(), 2);
  EXPECT_EQ(deadDocuments(Xapian::Database(dir / "idx")).size(), 1u);
}

TEST(DeadDocuments, EncodeDecodeRoundTrip) {
  const std::vector<Xapian::docid> ids = {1, 2, 127, 128, 300, 70000, 4000000000u};
  EXPECT_EQ(decodeDeadDocuments(encodeDeadDocuments(ids)), ids);
  EXPECT_TRUE(decodeDeadDocuments("").empty());
}

// The query language against the same two messages.
std::vector<std::int64_t> find(const ArchiveIndex& index, const std::string& text) {
  auto q = compileQuery(text, [&](const std::string& p) { return index.termsStartingWith(p); });
  EXPECT_TRUE(q.ok()) << text << ": " << (q ? "" : q.error().message);
  return q ? ids(index, q->index) : std::vector<std::int64_t>{};
}

// The messages matching a query exactly (phrases checked with positions).
std::vector<std::int64_t> exact(const ArchiveIndex& index, const std::vector<IndexedMessage>& messages,
                                const std::string& text) {
  auto q = compileQuery(text, [&](const std::string& p) { return index.termsStartingWith(p); });
  EXPECT_TRUE(q.ok()) << text;
  std::vector<std::int64_t> out;
  for (const auto& m : messages) {
    Xapian::WritableDatabase one(std::string(), Xapian::DB_BACKEND_INMEMORY);
    one.add_document(ArchiveIndex::makeDocument(m, true));
    Xapian::Enquire e(one);
    e.set_query(q->exact);
    if (e.get_mset(0, 1).size() == 1) out.push_back(m.message_id);
  }
  return out;
}

// Phrases that must all hold are checked on the words of the fields; the
// answer equals the exact query's on a one-document index.
TEST_F(ArchiveIndexTest, PhraseCheckOnPositionsEqualsTheExactQuery) {
  auto none = [](const std::string&) { return std::vector<std::string>{}; };
  for (const char* text :
       {"\"quick brown\"", "\"brown quick\"", "\"the lazy dog\"", "\"lazy the\"", "subject:\"neue verbindungen\"",
        "\"neue verbindungen\"", "\"verbindungen nach köln\"", "attachment:\"quarterly invoice\"",
        "\"quarterly invoice\"", "body:\"quarterly invoice\"", "\"invoice 4711\" fox", "\"quick brown\" \"lazy dog\"",
        "\"quick brown\" \"other order\"", "\"dog neue\"", "from:\"juergen mail\""}) {
    auto q = compileQuery(text, none);
    ASSERT_TRUE(q.ok()) << text;
    ASSERT_TRUE(q->phrases_suffice) << text;
    std::vector<std::int64_t> checked;
    for (const auto& m : messages) {
      if (!holdsPhrases(m.text, q->phrases)) continue;
      checked.push_back(m.message_id);
      EXPECT_TRUE(mayHoldPhrases(pairFilterOf(m.text, m.message_id), m.message_id, phrasePairs(q->phrases)))
          << text << ": the filter never turns it away";
    }
    EXPECT_EQ(checked, exact(*index, messages, text)) << text;
  }
  for (const char* text : {"fox -\"quick brown\"", "\"quick brown\" OR partner", "lazy OR \"brown quick\""}) {
    auto q = compileQuery(text, none);
    ASSERT_TRUE(q.ok()) << text;
    EXPECT_FALSE(q->phrases_suffice) << text << ": negated or alternative phrases need the exact query";
  }
}

TEST_F(ArchiveIndexTest, QueryLanguage) {
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(find(*index, "fox"), (V{2, 1}));
  EXPECT_EQ(find(*index, "fox lazy"), (V{1}));
  EXPECT_EQ(find(*index, "lazy OR partner"), (V{2, 1}));
  EXPECT_EQ(find(*index, "fox -lazy"), (V{2}));
  // The index has no positions: a phrase finds the messages with its
  // words; the exact query (checked per candidate) keeps the order.
  EXPECT_EQ(find(*index, "\"quick brown\""), (V{2, 1}));
  EXPECT_EQ(exact(*index, messages, "\"quick brown\""), (V{1}));
  EXPECT_EQ(exact(*index, messages, "\"brown quick\""), (V{2}));
  EXPECT_EQ(exact(*index, messages, "fox -\"quick brown\""), (V{2}));
  EXPECT_EQ(find(*index, "fox -\"quick brown\""), (V{2, 1})) << "a negated phrase only excludes after the check";
  EXPECT_EQ(find(*index, "Verbindung"), (V{1})) << "German stem";
  EXPECT_EQ(find(*index, "invoice"), (V{2, 1})) << "English stem, attachment text";
  EXPECT_EQ(find(*index, "subject:invoice"), (V{2}));
  EXPECT_EQ(find(*index, "from:example.com"), (V{1}));
  EXPECT_EQ(find(*index, "from:*@example.com"), (V{1}));
  EXPECT_EQ(find(*index, "from:juergen"), (V{1}));
  EXPECT_EQ(find(*index, "cc:boss@example.com"), (V{2}));
  EXPECT_EQ(find(*index, "attachment:rechnung"), (V{1}));
  EXPECT_EQ(find(*index, "attachment:4711"), (V{1}));
  EXPECT_EQ(find(*index, "has:attachment"), (V{1}));
  EXPECT_EQ(find(*index, "folder:jdoe/sent"), (V{2}));
  EXPECT_EQ(find(*index, "fox -folder:\"jdoe/sent\""), (V{1})) << "a quoted folder is a value, not a phrase";
  EXPECT_EQ(find(*index, "verbind*"), (V{1}));
  EXPECT_EQ(find(*index, "l?zy"), (V{1}));
  EXPECT_EQ(find(*index, "fox date:2023-11-14..2023-11-15"), (V{1}));
  EXPECT_EQ(find(*index, "fox after:2024-01-01"), (V{2}));
  EXPECT_EQ(find(*index, "fox before:2024-01-01"), (V{1}));
  for (const char* bad : {"", "\"open", "-", "from:", "OR fox", "fox OR", "*fox", "fo*x", "fox?", "date:2024-13-01",
                          "size:big", "colour:red", "-fox", "has:wings", "date:2024-02-01..2024-01-01"}) {
    auto q = compileQuery(bad, [](const std::string&) { return std::vector<std::string>{}; });
    EXPECT_FALSE(q.ok()) << "'" << bad << "' should be refused";
    if (!q.ok()) {
      EXPECT_NE(q.error().message.find("The query is not valid"), std::string::npos);
    }
  }
}

// A word matches whole, by its stems, and from three letters on as the
// start of a longer word ("jum" finds "jumps"); shorter words and quoted
// words match whole only.
TEST_F(ArchiveIndexTest, WordsMatchAsTheStartOfLongerWords) {
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(find(*index, "jum"), (V{1}));
  EXPECT_EQ(find(*index, "bro fo"), (V{})) << "'fo' is no word of two letters or more: whole only";
  EXPECT_EQ(find(*index, "bro"), (V{2, 1}));
  EXPECT_EQ(find(*index, "subject:verbindu"), (V{1}));
  EXPECT_EQ(find(*index, "body:verbindu"), (V{}));
  EXPECT_EQ(find(*index, "invoi"), (V{2, 1})) << "subject 'invoices', attachment text 'invoice'";
  EXPECT_EQ(find(*index, "attachment:rech"), (V{1}));
  EXPECT_EQ(find(*index, "from:juer"), (V{1}));
  EXPECT_EQ(find(*index, "\"jum\""), (V{})) << "a quoted word is that word";
  EXPECT_EQ(find(*index, "\"jumps\""), (V{1}));
  EXPECT_EQ(find(*index, "fox -jum"), (V{2}));
  EXPECT_EQ(find(*index, "Jum OR partn"), (V{2, 1}));
  // Phrases are words in order, whole.
  EXPECT_EQ(exact(*index, messages, "\"quick brown\""), (V{1}));
  EXPECT_EQ(exact(*index, messages, "\"quick bro\""), (V{}));
}

// content: is the message text and its attachments (names and text), what
// IMAP's BODY searches.
TEST_F(ArchiveIndexTest, ContentIsBodyAndAttachments) {
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(find(*index, "content:4711"), (V{1}));
  EXPECT_EQ(find(*index, "content:rechnung"), (V{1}));
  EXPECT_EQ(find(*index, "content:fox"), (V{2, 1}));
  EXPECT_EQ(find(*index, "content:neue"), (V{})) << "the subject is a header";
  EXPECT_EQ(find(*index, "content:partner"), (V{}));
  EXPECT_EQ(find(*index, "content:\"quarterly invoice\""), (V{1})) << "2 has 'invoices' in its subject only";
  EXPECT_EQ(exact(*index, messages, "content:\"quarterly invoice\""), (V{1}));
  auto q = compileQuery("content:\"quarterly invoice\"", [](const std::string&) { return std::vector<std::string>{}; });
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->phrases_suffice);
  ASSERT_EQ(q->phrases.size(), 1u);
  EXPECT_EQ(q->phrases[0].prefixes, (std::vector<std::string>{"", "A", "N"}));
}

TEST(ArchiveIndexTerms, WordsInOrderAndPairsOfCjkCharacters) {
  const TextTerms t = textTerms("Quick 年度报告 fox, don't");
  EXPECT_EQ(t.words, (std::vector<std::string>{"quick", "年", "度", "报", "告", "fox", "don't"}));
  std::vector<std::string> pairs = t.pairs;
  std::sort(pairs.begin(), pairs.end());
  EXPECT_EQ(pairs, (std::vector<std::string>{"年度", "度报", "报告"}));
  EXPECT_TRUE(textTerms("--").words.empty());
}

// Chinese and Japanese text: any word inside a run of characters is found
// (by its character pairs; one character by itself), in every field.
class ArchiveIndexCjkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = ArchiveIndex::open(dir / "idx");
    ASSERT_TRUE(opened.ok());
    index = std::move(*opened);
    const std::vector<std::pair<std::string, std::string>> texts = {
        {"2024年度报告书", "明日の会議の議事録を送ります"},  // 1
        {"报告", "議事 録"},                                 // 2
        {"年度计划", "会議室 Meeting room"},                 // 3
        {"Report", "年度 report 报 告"},                     // 4
    };
    std::int64_t id = 0;
    for (const auto& [subject, body] : texts) {
      IndexedMessage m;
      m.message_id = ++id;
      m.folder = "jdoe/Inbox";
      m.date = 1700000000 + id;
      m.text.subject = subject;
      m.text.body = body;
      ASSERT_TRUE(index->add(m).ok());
      messages.push_back(m);
    }
    ASSERT_TRUE(index->commit().ok());
  }
  spe::testing::TempDir dir;
  std::unique_ptr<ArchiveIndex> index;
  std::vector<IndexedMessage> messages;
};

TEST_F(ArchiveIndexCjkTest, AnyWordInsideARunIsFound) {
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(find(*index, "报告"), (V{2, 1}));
  EXPECT_EQ(find(*index, "subject:年度"), (V{3, 1}));
  EXPECT_EQ(find(*index, "年度报告"), (V{1})) << "4 has the characters, not side by side";
  EXPECT_EQ(find(*index, "subject:年度报告书"), (V{1}));
  EXPECT_EQ(find(*index, "書"), (V{})) << "another character";
  EXPECT_EQ(find(*index, "书"), (V{1}));
  EXPECT_EQ(find(*index, "議事録"), (V{1})) << "2 has 議事 and 録 apart";
  EXPECT_EQ(find(*index, "会議"), (V{3, 1}));
  EXPECT_EQ(find(*index, "body:会議 meet"), (V{3}));
  EXPECT_EQ(find(*index, "subject:报告 -年度"), (V{2}));
  // Quoted: the characters in order (checked like every phrase).
  EXPECT_EQ(exact(*index, messages, "\"年度报告\""), (V{1}));
  EXPECT_EQ(exact(*index, messages, "\"议 事\""), (V{}));
  EXPECT_EQ(exact(*index, messages, "\"議事録\""), (V{1, 2})) << "words, not spaces, must follow each other";
  EXPECT_EQ(find(*index, "\"告报\""), (V{}));
  for (const char* text : {"\"年度报告\"", "\"議事録\"", "\"报告书\"", "\"报告 书\""}) {
    auto q = compileQuery(text, [&](const std::string& p) { return index->termsStartingWith(p); });
    ASSERT_TRUE(q.ok()) << text;
    ASSERT_TRUE(q->phrases_suffice) << text;
    V checked;
    for (const auto& m : messages) {
      if (holdsPhrases(m.text, q->phrases)) checked.push_back(m.message_id);
    }
    EXPECT_EQ(checked, exact(*index, messages, text)) << text;
  }
  auto pair = compileQuery("\"报告\"", [](const std::string&) { return std::vector<std::string>{}; });
  ASSERT_TRUE(pair.ok());
  EXPECT_FALSE(pair->needs_check) << "two characters side by side are one term: the index is exact";
}

// An index made before terms version 2 holds a run of Chinese or Japanese
// text as one word: searched as legacy, runs are looked for that way too.
TEST(ArchiveIndexLegacy, OldIndexesAreKnownAndStillFindWholeRuns) {
  spe::testing::TempDir dir;
  {
    Xapian::WritableDatabase old(dir / "old", Xapian::DB_CREATE_OR_OPEN);
    Xapian::Document doc;
    Xapian::TermGenerator generator;  // as before: no n-grams
    generator.set_document(doc);
    generator.index_text_without_positions("年度报告书", 1, "S");
    doc.set_data(documentData(7, ""));
    old.add_document(doc);
    old.commit();
  }
  Xapian::Database old(dir / "old");
  EXPECT_FALSE(hasCurrentTerms(old));
  auto opened = ArchiveIndex::open(dir / "new");
  ASSERT_TRUE(opened.ok());
  ASSERT_TRUE((*opened)->commit().ok());
  EXPECT_TRUE(hasCurrentTerms(Xapian::Database(dir / "new")));
  auto lister = [&](const std::string& p) {
    std::vector<std::string> out;
    for (auto t = old.allterms_begin(p); t != old.allterms_end(p); ++t) out.push_back(*t);
    return out;
  };
  auto count = [&](const std::string& text, bool legacy) {
    auto q = compileQuery(text, lister, 0, false, legacy);
    EXPECT_TRUE(q.ok()) << text;
    Xapian::Enquire e(old);
    e.set_query(q->index);
    return e.get_mset(0, 10).size();
  };
  EXPECT_EQ(count("subject:年度报告", false), 0u) << "pairs are not in an old index";
  EXPECT_EQ(count("subject:年度报告", true), 1u) << "the start of the run, as before";
  EXPECT_EQ(count("subject:年度报告书", true), 1u);
}

TEST(ArchiveIndexAddresses, TermsOfAnAddressList) {
  const auto terms = ArchiveIndex::addressTerms("F", "\"Doe, John\" <John.Doe@Mail.Example.COM>, x@y.org");
  const std::vector<std::string> expected{
      "Fjohn.doe@mail.example.com", "Fjohn.doe", "Fmail.example.com", "Fexample.com", "Fx@y.org", "Fx", "Fy.org"};
  EXPECT_EQ(terms, expected);
}

}  // namespace
}  // namespace spe::index
