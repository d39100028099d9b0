// Indexing and searching real archive stores (embedded Firebird, Xapian,
// the extractor programs): a corpus with known answers per field, several
// charsets, HTML-only mail, an attachment of each supported type, German
// word forms, addresses by domain; deletions and moves followed; a killed
// indexer loses nothing; a corrupted index is detected, reported and rebuilt.
#include "index/store_indexer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "common/base/crypto.h"
#include "common/base/fork_gate.h"
#include "index/searcher.h"
#include "test_dir.h"
#include "test_mime.h"

namespace spe::index {
namespace {
namespace fs = std::filesystem;
using spe::testing::base64;
using spe::testing::pdf;

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string header(const std::string& from, const std::string& to, const std::string& subject, int day,
                   const std::string& extra = {}) {
  return "From: " + from + "\r\nTo: " + to + "\r\n" + extra + "Subject: " + subject +
         "\r\nDate: " + std::to_string(day) + " Mar 2024 10:00:00 +0000\r\nMessage-ID: <" + std::to_string(day) + "." +
         std::to_string(std::hash<std::string>()(subject)) + "@corpus.example>\r\nMIME-Version: 1.0\r\n";
}

std::string withAttachment(const std::string& head, const std::string& body, const std::string& name,
                           const std::string& type, const std::string& bytes) {
  return head +
         "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; "
         "charset=utf-8\r\n\r\n" +
         body + "\r\n--XX\r\nContent-Type: " + type + "\r\nContent-Disposition: attachment; filename=\"" + name +
         "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64(bytes) + "\r\n--XX--\r\n";
}

struct Keys {
  KeyPair recovery = newKeyPair();
  store::InstanceKeys instance{randomKey(), recovery.public_key};
};

class StoreIndexerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(setFirebirdLockDirectory("/tmp/spe-fblock-" + std::to_string(::getpid())).ok());
    auto s = store::ArchiveStore::create(dir / "store", keys.instance);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store = std::shared_ptr<store::ArchiveStore>(std::move(*s));
    settings = std::make_shared<IndexSettings>(dir / "tmp", ExtractorLimits{std::chrono::milliseconds(10000)});
  }
  void TearDown() override {
    if (indexer) indexer->stop();
  }
  std::int64_t add(const std::string& folder, const std::string& raw, const std::string& name = {}) {
    auto r = store->archive(folder, raw);
    EXPECT_EQ(r.outcome, store::IngestOutcome::kArchived) << r.error.message;
    if (!name.empty()) ids[name] = r.message_id;
    return r.message_id;
  }
  void startIndexer() {
    indexer = std::make_shared<StoreIndexer>(store, settings, IndexerOptions{64, std::chrono::milliseconds(20)});
    indexer->start();
  }
  void waitCaughtUp() {
    auto last = store->lastMessageId();
    ASSERT_TRUE(last.ok());
    ASSERT_TRUE(indexer->waitIndexed(*last, {})) << indexer->state().error;
    // and the queue of moves and deletions
    for (int i = 0; i < 200; ++i) {
      auto q = store->lastQueueEntry();
      if (q.ok() && *q == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "the index queue was not drained";
  }
  Result<SearchResults> run(const std::string& query, std::vector<std::string> archives = {"jdoe", "anna"},
                            bool by_date = true, std::size_t offset = 0, std::size_t limit = 100) {
    SearchRequest r;
    r.query = query;
    r.archives = std::move(archives);
    r.by_date = by_date;
    r.offset = offset;
    r.limit = limit;
    return search({{1, indexer}}, r);
  }
  // The names of the corpus messages a query finds.
  std::set<std::string> found(const std::string& query, std::vector<std::string> archives = {"jdoe", "anna"}) {
    auto r = run(query, std::move(archives));
    EXPECT_TRUE(r.ok()) << query << ": " << (r ? "" : r.error().message);
    std::set<std::string> out;
    if (!r) return out;
    for (const auto& h : r->hits) {
      for (const auto& [name, id] : ids) {
        if (id == h.message.id) out.insert(name);
      }
    }
    return out;
  }

  // The corpus: each message has a name; the tests expect exact sets.
  void addCorpus() {
    const fs::path office = dir / "office";
    ASSERT_EQ(std::system(("python3 " SPE_SOURCE_DIR "/tests/tools/office_fixtures.py " + office.string()).c_str()), 0);
    add("jdoe/Inbox",
        header("=?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@firma.example.de>", "jdoe@example.org",
               "=?ISO-8859-1?Q?R=FCckmeldung_zur_Bestellung?=", 1) +
            "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            "Gr=FC=DFe aus M=FCnchen. Die Verbindungen nach K=F6ln sind gut.\r\n",
        "latin1");
    add("jdoe/Inbox",
        header("ivan@mail.example.ru", "jdoe@example.org", "=?KOI8-R?B?8NLJ18XU?=", 2) +
            "Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            base64("\xf0\xd2\xc9\xd7\xc5\xd4 \xcd\xc9\xd2") + "\r\n",  // "Привет мир"
        "koi8");
    add("jdoe/Inbox",
        header("shop@angebote.example.com", "jdoe@example.org", "Ihr Angebot", 3) +
            "Content-Type: text/html; charset=utf-8\r\n\r\n<html><head><style>.x{color:red}</style>"
            "<script>var hiddenscriptword = 1;</script></head><body><p>Angebot f\xc3\xbcr "
            "<b>Gartenm\xc3\xb6"
            "bel</b></p><p>Rechnungen folgen</p></body></html>\r\n",
        "html");
    add("jdoe/Inbox",
        withAttachment(header("billing@example.com", "jdoe@example.org", "Invoice attached", 4), "see the attachment",
                       "Rechnung.pdf", "application/pdf", pdf("Quarterly invoice pdfmarker")),
        "pdf");
    add("jdoe/Inbox",
        withAttachment(header("notes@example.com", "jdoe@example.org", "A note", 5), "plain", "notes.txt", "text/plain",
                       "Lieferschein txtmarker"),
        "txt");
    add("jdoe/Inbox",
        withAttachment(header("web@example.com", "jdoe@example.org", "A page", 6), "plain", "page.html", "text/html",
                       "<html><body>Webseite htmlmarker</body></html>"),
        "htmlatt");
    add("jdoe/Projects",
        withAttachment(header("pm@partner.example.net", "jdoe@example.org", "Report", 7), "report", "report.docx",
                       "application/octet-stream", readFile(office / "report.docx")),
        "docx");
    add("jdoe/Projects",
        withAttachment(header("pm@partner.example.net", "jdoe@example.org", "Table", 8), "table", "table.xlsx",
                       "application/octet-stream", readFile(office / "table.xlsx")),
        "xlsx");
    add("jdoe/Projects",
        withAttachment(header("pm@partner.example.net", "jdoe@example.org", "Letter", 9), "letter", "letter.odt",
                       "application/octet-stream", readFile(office / "letter.odt")),
        "odt");
    add("jdoe/Projects",
        withAttachment(header("pm@partner.example.net", "jdoe@example.org", "Note", 10), "note", "note.rtf",
                       "application/rtf", readFile(office / "note.rtf")),
        "rtf");
    add("jdoe/Projects",
        withAttachment(header("pm@partner.example.net", "jdoe@example.org", "Broken", 11), "brokenbody", "broken.docx",
                       "application/octet-stream", "this is no zip file"),
        "brokendocx");
    add("jdoe/Sent",
        header("jdoe@example.org", "partner@other.example.net", "Neue Verbindung", 12,
               "Cc: boss@example.com\r\nBcc: audit@secret.example\r\n") +
            "Content-Type: text/plain; charset=utf-8\r\n\r\nDie H\xc3\xa4user und die Verbindung.\r\n",
        "sent");
    add("anna/Inbox",
        header("anna@example.org", "team@example.org", "Team invoices", 13) +
            "Content-Type: text/plain; charset=windows-1252\r\n\r\nK\xf6nnen wir das \x80 Budget kl\xe4ren?\r\n",
        "anna");
  }

  spe::testing::TempDir dir;
  Keys keys;
  std::shared_ptr<store::ArchiveStore> store;
  std::shared_ptr<IndexSettings> settings;
  std::shared_ptr<StoreIndexer> indexer;
  std::map<std::string, std::int64_t> ids;
};

using Names = std::set<std::string>;

TEST_F(StoreIndexerTest, CorpusAnswersPerField) {
  addCorpus();
  startIndexer();
  waitCaughtUp();
  // Charsets: ISO-8859-1 (header and quoted-printable body), KOI8-R, Windows-1252.
  EXPECT_EQ(found("münchen"), Names({"latin1"}));
  EXPECT_EQ(found("subject:rückmeldung"), Names({"latin1"}));
  EXPECT_EQ(found("from:müller"), Names({"latin1"}));
  EXPECT_EQ(found("привет"), Names({"koi8"}));
  EXPECT_EQ(found("subject:привет"), Names({"koi8"}));
  EXPECT_EQ(found("klären"), Names({"anna"}));
  // HTML-only mail, without its script and style.
  EXPECT_EQ(found("gartenmöbel"), Names({"html"}));
  EXPECT_EQ(found("hiddenscriptword"), Names());
  EXPECT_EQ(found("color"), Names());
  // An attachment of each supported type, by its text and its name.
  EXPECT_EQ(found("pdfmarker"), Names({"pdf"}));
  EXPECT_EQ(found("attachment:pdfmarker"), Names({"pdf"}));
  EXPECT_EQ(found("attachment:rechnung"), Names({"pdf"}));
  EXPECT_EQ(found("txtmarker"), Names({"txt"}));
  EXPECT_EQ(found("htmlmarker"), Names({"htmlatt"}));
  EXPECT_EQ(found("docxmarker"), Names({"docx"}));
  EXPECT_EQ(found("xlsxmarker"), Names({"xlsx"}));
  EXPECT_EQ(found("odtmarker"), Names({"odt"}));
  EXPECT_EQ(found("rtfmarker"), Names({"rtf"}));
  EXPECT_EQ(found("body:pdfmarker"), Names());
  // A broken attachment: the message is indexed without it, with a note.
  EXPECT_EQ(found("brokenbody"), Names({"brokendocx"}));
  const auto notes = indexer->notesBetween(ids["brokendocx"], ids["brokendocx"]);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].text.find("broken.docx"), std::string::npos) << notes[0].text;
  // German word forms, compounds by their start, English plurals.
  EXPECT_EQ(found("verbindung"), Names({"latin1", "sent"}));
  EXPECT_EQ(found("Verbindungen"), Names({"latin1", "sent"}));
  EXPECT_EQ(found("rechnung"), Names({"html", "pdf"}));
  EXPECT_EQ(found("haus"), Names({"sent"}));
  EXPECT_EQ(found("lieferanten*"), Names({"docx"}));
  EXPECT_EQ(found("invoice"), Names({"pdf", "anna"}));
  EXPECT_EQ(found("\"quarterly invoice\""), Names({"pdf"}));
  // Addresses: whole, local part, domain, parent domain, wildcard.
  EXPECT_EQ(found("from:juergen@firma.example.de"), Names({"latin1"}));
  EXPECT_EQ(found("from:firma.example.de"), Names({"latin1"}));
  EXPECT_EQ(found("from:example.de"), Names({"latin1"}));
  EXPECT_EQ(found("from:*@partner.example.net"), Names({"docx", "xlsx", "odt", "rtf", "brokendocx"}));
  EXPECT_EQ(found("to:other.example.net"), Names({"sent"}));
  EXPECT_EQ(found("cc:boss"), Names({"sent"}));
  EXPECT_EQ(found("bcc:secret.example"), Names({"sent"}));
  EXPECT_EQ(found("example.ru"), Names({"koi8"}));
  // Folders, dates, sizes, attachments, OR and exclusion.
  EXPECT_EQ(found("folder:jdoe/Sent"), Names({"sent"}));
  EXPECT_EQ(found("folder:jdoe has:attachment -folder:jdoe/projects"), Names({"pdf", "txt", "htmlatt"}));
  EXPECT_EQ(found("date:2024-03-02..2024-03-03"), Names({"koi8", "html"}));
  EXPECT_EQ(found("after:2024-03-12"), Names({"sent", "anna"}));
  EXPECT_EQ(found("txtmarker OR odtmarker"), Names({"txt", "odt"}));
  EXPECT_EQ(found("invoice -pdfmarker"), Names({"anna"}));
  EXPECT_EQ(found("size:>100k"), Names());
  // Access: only the archives the caller may read.
  EXPECT_EQ(found("invoice", {"anna"}), Names({"anna"}));
  EXPECT_EQ(found("invoice", {"nobody"}), Names());
  // A malformed query is an error, never an empty success.
  auto bad = run("from:");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not valid"), std::string::npos) << bad.error().message;
}

TEST_F(StoreIndexerTest, SortedPagedWithTotal) {
  for (int i = 0; i < 30; ++i) {
    add("jdoe/Inbox", header("a@example.com", "jdoe@example.org", "paging word " + std::to_string(i), 1 + i) +
                          "Content-Type: text/plain\r\n\r\npaging body\r\n");
  }
  startIndexer();
  waitCaughtUp();
  auto page1 = run("paging", {"jdoe"}, true, 0, 10);
  auto page3 = run("paging", {"jdoe"}, true, 20, 10);
  ASSERT_TRUE(page1.ok() && page3.ok());
  EXPECT_EQ(page1->total, 30);
  EXPECT_FALSE(page1->total_is_estimate);
  ASSERT_EQ(page1->hits.size(), 10u);
  ASSERT_EQ(page3->hits.size(), 10u);
  EXPECT_GT(page1->hits[0].message.date, page1->hits[9].message.date);  // newest first
  EXPECT_GT(page1->hits[9].message.date, page3->hits[0].message.date);
  auto whole = run("paging", {"jdoe"}, true, 0, 5000);  // IMAP SEARCH asks for a whole mailbox
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ(whole->hits.size(), 30u);
  auto relevance = run("paging", {"jdoe"}, false, 0, 5);
  ASSERT_TRUE(relevance.ok());
  EXPECT_EQ(relevance->total, 30);
}

// An archive named twice (a user's explicit read grant on their own
// archive, overlapping grants) is searched once: each message is one hit,
// and the total counts it once.
TEST_F(StoreIndexerTest, AnArchiveNamedTwiceIsSearchedOnce) {
  addCorpus();
  startIndexer();
  waitCaughtUp();
  using Archives = std::vector<std::string>;
  for (const auto& [twice_named, once_named] : {std::pair<Archives, Archives>{{"jdoe", "jdoe"}, {"jdoe"}},
                                                {{"jdoe", "anna", "jdoe", "anna"}, {"jdoe", "anna"}}}) {
    for (const bool by_date : {true, false}) {
      for (const char* query : {"invoice", "\"quarterly invoice\"", "has:attachment"}) {
        auto twice = run(query, twice_named, by_date);
        auto once = run(query, once_named, by_date);
        ASSERT_TRUE(twice.ok() && once.ok()) << query;
        EXPECT_EQ(twice->total, once->total) << query;
        std::set<std::int64_t> seen;
        for (const auto& h : twice->hits) EXPECT_TRUE(seen.insert(h.message.id).second) << query << ": listed twice";
        EXPECT_EQ(twice->hits.size(), once->hits.size()) << query;
      }
    }
  }
}

// A phrase's candidates whose word pairs cannot hold it are turned away
// without reading their messages; the answer stays exact.
TEST_F(StoreIndexerTest, PhraseCandidatesAreFilteredByTheirWordPairs) {
  for (int i = 0; i < 300; ++i) {
    add("jdoe/Inbox", header("a@example.com", "jdoe@example.org", "alpha report " + std::to_string(i), 1 + i % 28) +
                          "Content-Type: text/plain\r\n\r\nbeta comes before alpha here, number " + std::to_string(i) +
                          "\r\n");
  }
  for (int i = 0; i < 3; ++i) {
    add("jdoe/Inbox", header("b@example.com", "jdoe@example.org", "other " + std::to_string(i), 1 + i) +
                          "Content-Type: text/plain\r\n\r\nHere alpha beta follow each other.\r\n");
  }
  startIndexer();
  waitCaughtUp();
  auto r = run("\"alpha beta\"", {"jdoe"}, true, 0, 50);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->total, 3);
  EXPECT_FALSE(r->total_is_estimate);
  EXPECT_EQ(r->hits.size(), 3u);
  EXPECT_LT(r->messages_read, 3u + 90u) << "303 candidates; the filter lets about one in seven of the 300 through";
  EXPECT_GE(r->messages_read, 3u);
  // A phrase of one word is the word in the text fields: nothing to read.
  auto one = run("\"beta\"", {"jdoe"}, true, 0, 50);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->total, 303);
  EXPECT_EQ(one->messages_read, 0u);
}

// IMAP SEARCH asks for every match of one folder (exhaustive): a phrase
// with more candidates than a page reads is checked in every one of them,
// and the folder's subfolders are not in the answer.
TEST_F(StoreIndexerTest, AnExhaustiveSearchChecksEveryPhraseCandidateOfItsFolderOnly) {
  constexpr int kHolding = 700, kNot = 100, kBelow = 30;
  const std::string holding = "Content-Type: text/plain\r\n\r\nHere alpha beta follow each other.\r\n";
  for (int i = 0; i < kHolding + kNot; ++i) {
    add("jdoe/Inbox",
        header("a@example.com", "jdoe@example.org", "note " + std::to_string(i), 1 + i % 28) +
            (i < kHolding ? holding : "Content-Type: text/plain\r\n\r\nbeta comes before alpha here.\r\n"));
  }
  for (int i = 0; i < kBelow; ++i) {
    add("jdoe/Inbox/Sub", header("b@example.com", "jdoe@example.org", "sub " + std::to_string(i), 1 + i) + holding);
  }
  startIndexer();
  waitCaughtUp();
  SearchRequest r;
  r.query = "\"alpha beta\"";
  r.archives = std::vector<std::string>{"jdoe"};
  r.folder = "jdoe/Inbox";
  r.subfolders = false;
  r.limit = 10;  // ignored when exhaustive
  r.exhaustive = true;
  auto all = search({{1, indexer}}, r);
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(all->total, kHolding);
  EXPECT_FALSE(all->total_is_estimate);
  EXPECT_EQ(all->hits.size(), static_cast<std::size_t>(kHolding));
  for (const auto& h : all->hits) EXPECT_EQ(h.message.folder, "jdoe/Inbox");
  EXPECT_GT(all->messages_read, 640u) << "more than a page may read";
  // A page for a person (the API, Web Access) reads at most a few hundred.
  r.exhaustive = false;
  r.limit = 1000;
  auto page = search({{1, indexer}}, r);
  ASSERT_TRUE(page.ok());
  EXPECT_LE(page->messages_read, 640u + 64u);
  EXPECT_TRUE(page->total_is_estimate);
}

TEST_F(StoreIndexerTest, DeletionsAndMovesAreFollowed) {
  addCorpus();
  startIndexer();
  waitCaughtUp();
  ASSERT_EQ(found("pdfmarker"), Names({"pdf"}));
  ASSERT_TRUE(store->deleteMessages({ids["pdf"]}).ok());
  indexer->wake();
  waitCaughtUp();
  EXPECT_EQ(found("pdfmarker"), Names());
  // A folder moved to another user's archive: found there, not in the old one.
  ASSERT_TRUE(store->renameFolder("jdoe/Projects", "anna/Projects").ok());
  indexer->wake();
  waitCaughtUp();
  EXPECT_EQ(found("docxmarker", {"jdoe"}), Names());
  EXPECT_EQ(found("docxmarker", {"anna"}), Names({"docx"}));
  EXPECT_EQ(found("folder:anna/projects"), Names({"docx", "xlsx", "odt", "rtf", "brokendocx"}));
  // Renamed inside an archive: folder: follows.
  ASSERT_TRUE(store->renameFolder("jdoe/Inbox", "jdoe/Old Inbox").ok());
  indexer->wake();
  waitCaughtUp();
  EXPECT_EQ(found("folder:\"jdoe/old inbox\" münchen"), Names({"latin1"}));
  EXPECT_EQ(found("folder:jdoe/inbox"), Names());
  auto problems = indexer->verify({});
  ASSERT_TRUE(problems.ok());
  EXPECT_EQ(*problems, std::vector<std::string>());
}

TEST_F(StoreIndexerTest, ConfigurationChoosesAttachmentTypes) {
  IndexConfig only_pdf;
  only_pdf.attachment_extensions = std::vector<std::string>{"pdf"};
  only_pdf.include_attachments_of_pdfs = true;
  settings->setConfig(only_pdf);
  add("jdoe/Inbox",
      withAttachment(header("a@example.com", "jdoe@example.org", "embedded", 1), "x", "outer.pdf", "application/pdf",
                     pdf("outerword", "inner.txt", "innerword")),
      "embedded");
  add("jdoe/Inbox",
      withAttachment(header("a@example.com", "jdoe@example.org", "text", 2), "x", "notes.txt", "text/plain",
                     "txtonlyword"),
      "txt");
  startIndexer();
  waitCaughtUp();
  EXPECT_EQ(found("outerword"), Names({"embedded"}));
  EXPECT_EQ(found("attachment:notes"), Names({"txt"}));  // names are always indexed
  EXPECT_EQ(found("txtonlyword"), Names());              // .txt is not in the list
  // The file inside the PDF is .txt, not wanted either; with it listed:
  EXPECT_EQ(found("innerword"), Names());
  IndexConfig both = only_pdf;
  both.attachment_extensions = std::vector<std::string>{"pdf", "txt"};
  settings->setConfig(both);
  ASSERT_TRUE(indexer->rebuild({}).ok());
  EXPECT_EQ(found("innerword"), Names({"embedded"}));
  EXPECT_EQ(found("txtonlyword"), Names({"txt"}));
  // Unknown types are refused by name.
  auto refused = IndexConfig::fromJson(Json{{"attachmentExtensions", {"pdf", ".xyz"}}});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find(".xyz"), std::string::npos) << refused.error().message;
  auto null_list = IndexConfig::fromJson(Json{{"attachmentExtensions", nullptr}, {"includeAttachmentsOfPDFs", true}});
  ASSERT_TRUE(null_list.ok());
  EXPECT_FALSE(null_list->attachment_extensions.has_value());
}

TEST_F(StoreIndexerTest, HangingOrMissingExtractorsNeverBlock) {
  ExtractorPrograms programs(dir / "tmp2", ExtractorLimits{std::chrono::milliseconds(300)});
  const auto start = std::chrono::steady_clock::now();
  auto hang = programs.spawn({"sleep", "30"}, "unused");
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(hang.timed_out);
  EXPECT_LT(took, std::chrono::seconds(3));
  auto missing = programs.spawn({"no-such-extractor-program"}, "unused");
  EXPECT_EQ(missing.exit_status, 127);
  ExtractorPrograms tiny(dir / "tmp3", ExtractorLimits{std::chrono::milliseconds(5000), 1000});
  auto flood = tiny.spawn({"yes"}, "unused");
  EXPECT_TRUE(flood.truncated);
  EXPECT_EQ(flood.output.size(), 1000u);
  EXPECT_FALSE(fs::exists(dir / "tmp3") && !fs::is_empty(dir / "tmp3"));
}

// A program reading hostile documents gets its input, its output and
// /dev/null: none of the instance's databases, indexes or sockets (which
// it could read, or hold open across a restart of the instance).
TEST_F(StoreIndexerTest, ExtractorsInheritNoDescriptors) {
  const int kept = ::open("/dev/null", O_RDONLY);  // a descriptor without close-on-exec, as Firebird's are
  ASSERT_GE(kept, 3);
  ExtractorPrograms programs(dir / "tmp4", ExtractorLimits{std::chrono::milliseconds(5000)});
  auto listed = programs.spawn({"sh", "-c", "ls /proc/$$/fd"}, "unused");
  ::close(kept);
  ASSERT_EQ(listed.exit_status, 0) << listed.output;
  std::istringstream in(listed.output);
  std::vector<std::string> fds;
  for (std::string fd; in >> fd;) fds.push_back(fd);
  EXPECT_EQ(fds, (std::vector<std::string>{"0", "1", "2"})) << listed.output;
}

// Extractors start under ForkGate::Starting: not while a database or index
// file is being opened (fork_gate.h).
TEST_F(StoreIndexerTest, ExtractorsDoNotStartWhileAFileIsOpened) {
  ExtractorPrograms programs(dir / "tmp5", ExtractorLimits{std::chrono::milliseconds(5000)});
  std::atomic<bool> done{false};
  std::thread run;
  {
    ForkGate::Opening opening;
    run = std::thread([&] {
      auto r = programs.spawn({"true"}, "unused");
      EXPECT_EQ(r.exit_status, 0);
      done = true;
    });
    // Not a timing the test relies on to pass: only how likely it is to see
    // a start that ignored the gate.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(done.load());
  }
  run.join();
  EXPECT_TRUE(done.load());
}

TEST_F(StoreIndexerTest, KilledIndexerLosesNothing) {
  for (int i = 0; i < 600; ++i) {
    add(i % 2 ? "jdoe/Inbox" : "anna/Inbox",
        header("k@example.com", "jdoe@example.org", "killtest " + std::to_string(i), 1 + i % 28) +
            "Content-Type: text/plain\r\n\r\nkillword number" + std::to_string(i) + "\r\n");
  }
  const std::string directory = store->directory();
  store->close();
  store.reset();
  std::mt19937 rng(7);
  for (int kill = 0; kill < 5; ++kill) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto s = store::ArchiveStore::open(directory, keys.instance, false);
      if (!s) ::_exit(3);
      StoreIndexer i(std::shared_ptr<store::ArchiveStore>(std::move(*s)), settings,
                     IndexerOptions{16, std::chrono::milliseconds(5)});
      i.start();
      std::this_thread::sleep_for(std::chrono::seconds(60));
      ::_exit(0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 250));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
  }
  auto s = store::ArchiveStore::open(directory, keys.instance, false);
  ASSERT_TRUE(s.ok()) << s.error().message;
  store = std::shared_ptr<store::ArchiveStore>(std::move(*s));
  auto through = store->indexedThrough();
  ASSERT_TRUE(through.ok());
  EXPECT_GT(*through, 0) << "the killed indexers made progress";
  startIndexer();
  waitCaughtUp();
  auto all = run("killword", {"jdoe", "anna"}, true, 0, 1);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, 600);
  auto one = run("number599", {"jdoe"});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->total, 1);
  auto problems = indexer->verify({});
  ASSERT_TRUE(problems.ok());
  EXPECT_EQ(*problems, std::vector<std::string>());
}

TEST_F(StoreIndexerTest, CorruptIndexIsDetectedReportedAndRebuilt) {
  addCorpus();
  startIndexer();
  waitCaughtUp();
  ASSERT_EQ(found("münchen"), Names({"latin1"}));
  indexer->stop();
  // Damage the jdoe index: overwrite its posting table.
  const fs::path table = fs::path(dir / "store") / "Index" / "jdoe" / "postlist.glass";
  ASSERT_TRUE(fs::exists(table));
  {
    std::fstream f(table, std::ios::in | std::ios::out | std::ios::binary);
    const std::string junk(8192, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  startIndexer();
  auto problems = indexer->verify({});
  ASSERT_TRUE(problems.ok());
  ASSERT_FALSE(problems->empty());
  EXPECT_NE(problems->front().find("jdoe"), std::string::npos) << problems->front();
  EXPECT_TRUE(indexer->state().needs_rebuild);
  EXPECT_TRUE(*store->indexNeedsRebuild());
  // Searching still answers from what can be read, and says what it could not.
  auto partial = run("invoice");
  if (partial.ok()) {
    EXPECT_FALSE(partial->warnings.empty());
  } else {
    EXPECT_NE(partial.error().message.find("search"), std::string::npos);
  }
  store::OperationControl control;
  std::vector<int> progress;
  control.progress = [&](int p, const std::string&) { progress.push_back(p); };
  ASSERT_TRUE(indexer->rebuild(control).ok());
  EXPECT_EQ(progress.back(), 100);
  EXPECT_FALSE(indexer->state().needs_rebuild);
  EXPECT_FALSE(*store->indexNeedsRebuild());
  EXPECT_EQ(found("münchen"), Names({"latin1"}));
  EXPECT_EQ(found("invoice"), Names({"pdf", "anna"}));
  auto after = indexer->verify({});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, std::vector<std::string>());
  // New mail after the rebuild is indexed as before.
  add("jdoe/Inbox", header("x@example.com", "jdoe@example.org", "afterrebuild", 20) + "\r\nbody\r\n", "after");
  indexer->wake();
  waitCaughtUp();
  EXPECT_EQ(found("afterrebuild"), Names({"after"}));
}

// An index made before the current terms (archive_index.h) is selected
// for a rebuild when the indexer starts, and searches over it say what it
// misses; the rebuild makes it current.
TEST_F(StoreIndexerTest, IndexesOfAnOlderTermsVersionAreSelectedAndSearchesSaySo) {
  add("jdoe/Inbox", header("a@example.com", "jdoe@example.org", "2024年度报告书", 1) + "\r\nbody\r\n", "cjk");
  startIndexer();
  waitCaughtUp();
  auto current = run("报告");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->total, 1);
  EXPECT_TRUE(current->warnings.empty());
  EXPECT_FALSE(indexer->state().needs_rebuild);
  indexer->stop();
  try {
    Xapian::WritableDatabase old((fs::path(dir / "store") / "Index" / "jdoe").string(),
                                 Xapian::DB_OPEN | Xapian::DB_NO_TERMLIST);
    old.set_metadata("spe:terms", "");  // as an index of terms version 1 has it
    old.commit();
  } catch (const Xapian::Error& e) {
    FAIL() << e.get_description();
  }
  startIndexer();
  for (int i = 0; i < 500 && !indexer->state().needs_rebuild; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(indexer->state().needs_rebuild);
  EXPECT_TRUE(*store->indexNeedsRebuild());
  auto old = run("报告");
  ASSERT_TRUE(old.ok());
  ASSERT_EQ(old->warnings.size(), 1u);
  EXPECT_NE(old->warnings[0].find("older version"), std::string::npos) << old->warnings[0];
  ASSERT_TRUE(indexer->rebuild({}).ok());
  EXPECT_FALSE(indexer->state().needs_rebuild);
  auto rebuilt = run("报告");
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(rebuilt->total, 1);
  EXPECT_TRUE(rebuilt->warnings.empty());
}

TEST_F(StoreIndexerTest, CancelledRebuildKeepsTheOldIndexes) {
  addCorpus();
  startIndexer();
  waitCaughtUp();
  store::OperationControl control;
  control.cancelled = [] { return true; };
  auto st = indexer->rebuild(control);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kCancelled);
  EXPECT_FALSE(fs::exists(fs::path(dir / "store") / "Index.rebuild"));
  EXPECT_EQ(found("münchen"), Names({"latin1"}));
}

}  // namespace
}  // namespace spe::index

namespace spe::index {
namespace {

TEST_F(StoreIndexerTest, FrozenInstanceIndexesNothingUntilThawed) {
  // The instance's write gate as the indexer sees it: while frozen, a
  // permit is waited for a little (as WriteGate::tryAcquire does) and not
  // given. The test counts the asks.
  struct Gate {
    std::mutex mutex;
    std::condition_variable changed;
    bool frozen = true;
    int asked = 0;
  } gate;
  settings->setWritePermits([&]() -> std::optional<IndexSettings::WritePermit> {
    std::unique_lock lock(gate.mutex);
    ++gate.asked;
    gate.changed.notify_all();
    if (!gate.changed.wait_for(lock, std::chrono::milliseconds(20), [&] { return !gate.frozen; })) return std::nullopt;
    return IndexSettings::WritePermit();
  });
  auto setFrozen = [&](bool frozen) {
    std::lock_guard lock(gate.mutex);
    gate.frozen = frozen;
    gate.changed.notify_all();
  };
  add("jdoe/Inbox", header("x@example.com", "jdoe@example.org", "frozenword", 1) + "\r\nbody\r\n", "m");
  startIndexer();
  {
    // Five asks: the indexer has come back for a permit four times after
    // being refused, and wrote nothing meanwhile.
    std::unique_lock lock(gate.mutex);
    ASSERT_TRUE(gate.changed.wait_for(lock, std::chrono::seconds(10), [&] { return gate.asked >= 5; }));
  }
  EXPECT_EQ(*store->indexedThrough(), 0);
  EXPECT_FALSE(fs::exists(fs::path(dir / "store") / "Index" / "jdoe"));
  setFrozen(false);
  waitCaughtUp();
  EXPECT_EQ(found("frozenword"), Names({"m"}));
  // Stopping while frozen does not hang.
  setFrozen(true);
  const auto start = std::chrono::steady_clock::now();
  indexer->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace spe::index
