// The Xapian index of a user archive on real files: per-field terms,
// address parts, German and English stems next to exact words, phrases,
// folders and date order.
#include "index/archive_index.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include "test_dir.h"

namespace spe::index {
namespace {

Xapian::Query phrase(std::vector<std::string> words) {
  return Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end());
}

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
    ASSERT_TRUE(index->commit().ok());
  }
  spe::testing::TempDir dir;
  std::unique_ptr<ArchiveIndex> index;
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
  // Bare words find any field.
  EXPECT_EQ(ids(*index, Xapian::Query("köln")), (std::vector<std::int64_t>{1}));
}

TEST_F(ArchiveIndexTest, PhrasesAttachmentsFoldersAndOrder) {
  EXPECT_EQ(ids(*index, phrase({"quick", "brown"})), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids(*index, phrase({"brown", "quick"})), (std::vector<std::int64_t>{2})) << "positions keep word order";
  EXPECT_EQ(ids(*index, phrase({"brown", "fox"})), (std::vector<std::int64_t>{1}));
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
  ASSERT_TRUE(index->add(again).ok());
  ASSERT_TRUE(index->remove(2).ok());
  ASSERT_TRUE(index->commit().ok());
  EXPECT_EQ(index->documentCount(), 1);
  EXPECT_EQ(ids(*index, Xapian::Query("Pjdoe/moved")), (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(ids(*index, Xapian::Query("Pjdoe/inbox")).empty());
}

TEST(ArchiveIndexAddresses, TermsOfAnAddressList) {
  const auto terms = ArchiveIndex::addressTerms("F", "\"Doe, John\" <John.Doe@Mail.Example.COM>, x@y.org");
  const std::vector<std::string> expected{"Fjohn.doe@mail.example.com", "Fjohn.doe", "Fmail.example.com",
                                          "Fexample.com", "Fx@y.org", "Fx", "Fy.org"};
  EXPECT_EQ(terms, expected);
}

}  // namespace
}  // namespace spe::index
