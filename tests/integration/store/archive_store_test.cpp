// The store engine against real files and embedded Firebird: round trips,
// deduplication, encryption at rest, crash safety, recovery, verification.
#include "store/archive_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "common/base/crypto.h"
#include "store/store_schema.h"
#include "test_dir.h"
#include "test_messages.h"

namespace spe::store {
namespace {
namespace fs = std::filesystem;
using spe::testing::testMessage;

struct Keys {
  KeyPair recovery = newKeyPair();
  InstanceKeys instance{randomKey(), recovery.public_key};
};

class ArchiveStoreTest : public ::testing::Test {
 protected:
  // The engine fixes its lock directory at first use: one per process.
  void SetUp() override { ASSERT_TRUE(setFirebirdLockDirectory("/tmp/spe-fblock-" + std::to_string(::getpid())).ok()); }
  std::unique_ptr<ArchiveStore> create() {
    auto s = ArchiveStore::create(dir / "store", keys.instance);
    EXPECT_TRUE(s.ok()) << s.error().message << " " << s.error().details;
    return s ? std::move(*s) : nullptr;
  }
  std::unique_ptr<ArchiveStore> reopen(bool write_protected = false) {
    auto s = ArchiveStore::open(dir / "store", keys.instance, write_protected);
    EXPECT_TRUE(s.ok()) << s.error().message << " " << s.error().details;
    return s ? std::move(*s) : nullptr;
  }
  spe::testing::TempDir dir;
  Keys keys;
};

TEST_F(ArchiveStoreTest, ArchiveReadBackAndReopen) {
  std::vector<std::int64_t> ids;
  {
    auto s = create();
    ASSERT_TRUE(s);
    for (int i = 0; i < 50; ++i) {
      auto r = s->archive(i % 2 ? "alice/Inbox" : "alice/Sent", testMessage(i));
      ASSERT_EQ(r.outcome, IngestOutcome::kArchived) << r.error.message;
      ids.push_back(r.message_id);
    }
    auto m = s->messagesIn("alice/Inbox");
    ASSERT_TRUE(m.ok());
    ASSERT_EQ(m->size(), 25u);
    EXPECT_EQ((*m)[0].subject, "Test message 1 \xC3\xA4\xC3\xB6\xC3\xBC");
    EXPECT_EQ((*m)[0].from, "Sender 1 <sender1@example.com>");
    EXPECT_EQ((*m)[0].date, 1704103860);  // 2024-01-01 10:11:00 UTC
  }
  auto s = reopen();
  ASSERT_TRUE(s);
  for (int i = 0; i < 50; ++i) {
    auto raw = s->readMessage(ids[static_cast<std::size_t>(i)]);
    ASSERT_TRUE(raw.ok()) << raw.error().message;
    EXPECT_EQ(*raw, testMessage(i));
  }
  auto stats = s->statistics();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->messages, 50);
  auto folders = s->folders();
  ASSERT_TRUE(folders.ok());
  ASSERT_EQ(folders->size(), 2u);
  EXPECT_EQ((*folders)[0].path, "alice/Inbox");
  EXPECT_EQ((*folders)[0].messages, 25);
}

TEST_F(ArchiveStoreTest, DuplicatesInTheSameFolderAreSkippedContentStoredOnce) {
  auto s = create();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->archive("bob/Inbox", testMessage(1)).outcome, IngestOutcome::kArchived);
  EXPECT_EQ(s->archive("bob/Inbox", testMessage(1)).outcome, IngestOutcome::kDuplicate);
  const auto content_before = s->sizes().content;
  EXPECT_EQ(s->archive("bob/Other", testMessage(1)).outcome, IngestOutcome::kArchived);
  EXPECT_EQ(s->sizes().content, content_before) << "the same raw message is stored once per store";
  // Duplicates inside one batch.
  std::vector<std::future<IngestResult>> f;
  for (int i = 0; i < 2; ++i) {
    IngestItem item;
    item.folder = "bob/Batch";
    item.content = s->prepare(testMessage(7));
    f.push_back(s->submit(std::move(item)));
  }
  EXPECT_EQ(f[0].get().outcome, IngestOutcome::kArchived);
  EXPECT_EQ(f[1].get().outcome, IngestOutcome::kDuplicate);
  auto stats = s->statistics();
  EXPECT_EQ(stats->messages, 3);
}

TEST_F(ArchiveStoreTest, NoPlaintextInContentOrRecovery) {
  {
    auto s = create();
    ASSERT_TRUE(s);
    for (int i = 0; i < 20; ++i)
      ASSERT_EQ(s->archive("carol/Secret", testMessage(i)).outcome, IngestOutcome::kArchived);
  }
  for (const char* sub : {"Content", "Recovery"}) {
    for (const auto& f : fs::directory_iterator(dir / ("store/" + std::string(sub)))) {
      std::ifstream in(f.path(), std::ios::binary);
      const std::string data((std::istreambuf_iterator<char>(in)), {});
      EXPECT_EQ(data.find("Test message"), std::string::npos) << f.path();
      EXPECT_EQ(data.find("sender1@example.com"), std::string::npos) << f.path();
      EXPECT_EQ(data.find("carol/Secret"), std::string::npos) << f.path();
    }
  }
}

TEST_F(ArchiveStoreTest, WriteProtectedRefusesChanges) {
  { ASSERT_TRUE(create()); }
  auto s = reopen(true);
  ASSERT_TRUE(s);
  auto r = s->archive("dave/Inbox", testMessage(1));
  EXPECT_EQ(r.outcome, IngestOutcome::kFailed);
  EXPECT_NE(r.error.message.find("write-protected"), std::string::npos);
  EXPECT_FALSE(s->renameFolder("dave", "eve").ok());
}

TEST_F(ArchiveStoreTest, FoldersRenameMergeAndDeleteEmpty) {
  auto s = create();
  ASSERT_TRUE(s);
  ASSERT_EQ(s->archive("frank/A/B", testMessage(1)).outcome, IngestOutcome::kArchived);
  ASSERT_EQ(s->archive("frank/C", testMessage(2)).outcome, IngestOutcome::kArchived);
  ASSERT_TRUE(s->createFolder("frank/Empty/Deeper").ok());
  ASSERT_TRUE(s->renameFolder("frank/A", "frank/C/A").ok());
  auto m = s->messagesIn("frank/C/A/B");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->size(), 1u);
  auto removed = s->deleteEmptyFolders("frank");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1);  // frank/Empty/Deeper; frank/C/A/B holds mail
}

TEST_F(ArchiveStoreTest, ArchivesWithMailAreTheTopLevelFoldersHoldingAMessage) {
  // What CreateLicenseRequest counts: mail anywhere below a user archive
  // counts it once; folders without mail, or whose mail was deleted, do not.
  auto s = create();
  ASSERT_TRUE(s);
  auto none = s->archivesWithMail();
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_TRUE(none->empty());
  ASSERT_EQ(s->archive("alice/Inbox", testMessage(1)).outcome, IngestOutcome::kArchived);
  ASSERT_EQ(s->archive("alice/Sent", testMessage(2)).outcome, IngestOutcome::kArchived);
  ASSERT_EQ(s->archive("bob/Projects/2024/Q1", testMessage(3)).outcome, IngestOutcome::kArchived);
  ASSERT_EQ(s->archive("Carol", testMessage(4)).outcome, IngestOutcome::kArchived);
  ASSERT_TRUE(s->createFolder("dave/Empty/Deeper").ok());
  const auto gone = s->archive("erin/Inbox", testMessage(5));
  ASSERT_EQ(gone.outcome, IngestOutcome::kArchived);
  ASSERT_EQ(*s->deleteMessages({gone.message_id}), 1);
  auto archives = s->archivesWithMail();
  ASSERT_TRUE(archives.ok()) << archives.error().message;
  EXPECT_EQ(*archives, (std::set<std::string>{"Carol", "alice", "bob"}));
}

TEST_F(ArchiveStoreTest, BadFolderNamesAreRefused) {
  EXPECT_FALSE(ArchiveStore::normaliseFolder("").ok());
  EXPECT_FALSE(ArchiveStore::normaliseFolder("///").ok());
  EXPECT_FALSE(ArchiveStore::normaliseFolder("a/b\x01").ok());
  EXPECT_FALSE(ArchiveStore::normaliseFolder("a/\xff").ok());
  EXPECT_EQ(*ArchiveStore::normaliseFolder("/a//b/ c /"), "a/b/c");
}

TEST_F(ArchiveStoreTest, CorruptRecordIsNamedByVerifyOthersStayReadable) {
  std::vector<std::int64_t> ids;
  {
    auto s = create();
    ASSERT_TRUE(s);
    for (int i = 0; i < 10; ++i) ids.push_back(s->archive("gina/Inbox", testMessage(i)).message_id);
  }
  {
    // Flip a byte inside the fifth record's ciphertext.
    std::fstream f(dir / "store/Content/00000001.dat", std::ios::in | std::ios::out | std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(f)), {});
    std::size_t at = 0;
    for (int i = 0; i < 4; ++i) at = data.find("SPEC", at + 1);
    f.seekp(static_cast<std::streamoff>(at + 40));
    f.put(static_cast<char>(data[at + 40] ^ 0x55));
  }
  auto s = reopen();
  ASSERT_TRUE(s);
  auto report = s->verify({});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_NE(report->problems[0].find("message " + std::to_string(ids[4])), std::string::npos) << report->problems[0];
  EXPECT_NE(report->problems[0].find("gina/Inbox"), std::string::npos);
  EXPECT_FALSE(s->readMessage(ids[4]).ok());
  for (int i : {0, 3, 5, 9}) EXPECT_TRUE(s->readMessage(ids[static_cast<std::size_t>(i)]).ok());
}

TEST_F(ArchiveStoreTest, RecoverRebuildsTheDatabaseFromRecoveryRecords) {
  std::vector<std::int64_t> ids;
  {
    auto s = create();
    ASSERT_TRUE(s);
    for (int i = 0; i < 30; ++i) ids.push_back(s->archive(i < 15 ? "hank/Old" : "hank/New", testMessage(i)).message_id);
    ASSERT_TRUE(s->renameFolder("hank/Old", "hank/Archive/Old").ok());
    ASSERT_TRUE(s->createFolder("hank/Empty").ok());
  }
  fs::remove(dir / "store/MailStoreFileGroup.fdb");
  EXPECT_FALSE(ArchiveStore::open(dir / "store", keys.instance, false).ok());
  ASSERT_TRUE(ArchiveStore::recover(dir / "store", keys.instance, std::nullopt, false, {}).ok());
  auto s = reopen();
  ASSERT_TRUE(s);
  auto old = s->messagesIn("hank/Archive/Old");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->size(), 15u);
  EXPECT_EQ((*old)[0].subject.substr(0, 14), "Test message 0");
  for (int i = 0; i < 30; ++i) EXPECT_EQ(*s->readMessage(ids[static_cast<std::size_t>(i)]), testMessage(i));
  auto folders = s->folders();
  bool has_empty = false;
  for (const auto& f : *folders) has_empty |= f.path == "hank/Empty";
  EXPECT_TRUE(has_empty);
  // The store keeps working after recovery.
  EXPECT_EQ(s->archive("hank/New", testMessage(100)).outcome, IngestOutcome::kArchived);
  EXPECT_EQ(s->archive("hank/New", testMessage(3)).outcome, IngestOutcome::kArchived);
  EXPECT_EQ(s->archive("hank/New", testMessage(20)).outcome, IngestOutcome::kDuplicate);
}

TEST_F(ArchiveStoreTest, RecreatedRecoveryRecordsRecoverToo) {
  {
    auto s = create();
    ASSERT_TRUE(s);
    for (int i = 0; i < 12; ++i) ASSERT_EQ(s->archive("ian/X", testMessage(i)).outcome, IngestOutcome::kArchived);
    ASSERT_TRUE(s->recreateRecoveryRecords({}).ok());
    ASSERT_EQ(s->archive("ian/Y", testMessage(50)).outcome, IngestOutcome::kArchived);
  }
  fs::remove(dir / "store/MailStoreFileGroup.fdb");
  ASSERT_TRUE(ArchiveStore::recover(dir / "store", keys.instance, std::nullopt, false, {}).ok());
  auto s = reopen();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->statistics()->messages, 13);
  EXPECT_TRUE(s->verify({})->problems.empty());
}

// Every maintenance function checks for cancellation all through its work
// (issue 15: a verification cancelled at 0 % used to run to its end): a full
// run counts its checks, then runs are cancelled at the first, the middle and
// the very last check; each ends as kCancelled and leaves the store whole.
TEST_F(ArchiveStoreTest, MaintenanceIsCancellableAtEveryCheckAndLeavesTheStoreWhole) {
  auto s = create();
  ASSERT_TRUE(s);
  for (int i = 0; i < 600; ++i) ASSERT_EQ(s->archive("kim/Inbox", testMessage(i)).outcome, IngestOutcome::kArchived);
  using Run = std::function<Status(const OperationControl&)>;
  const std::vector<std::pair<std::string, Run>> runs = {
      {"verify",
       [&](const OperationControl& c) -> Status {
         auto r = s->verify(c);
         return r ? okStatus() : Status(r.error());
       }},
      {"recreateRecoveryRecords", [&](const OperationControl& c) { return s->recreateRecoveryRecords(c); }},
      {"repairDatabase", [&](const OperationControl& c) { return s->repairDatabase(c); }},
  };
  for (const auto& [name, run] : runs) {
    int checks = 0;
    ASSERT_TRUE(run(OperationControl{{}, [&] { return ++checks, false; }}).ok()) << name;
    ASSERT_GT(checks, 1) << name;
    if (name == "verify") {
      EXPECT_GE(checks, 600) << "verification checks at least once per message";
      // Each phase it announces (messages, database, recovery records) is checked in too.
      std::vector<std::string> events;
      ASSERT_TRUE(s->verify(OperationControl{[&](int p, const std::string&) { events.push_back(std::to_string(p)); },
                                             [&] { return events.push_back("check"), false; }})
                      .ok());
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i] == "check" || events[i] == "100") continue;
        EXPECT_NE(std::find(events.begin() + static_cast<std::ptrdiff_t>(i), events.end(), "check"), events.end())
            << "no check after the progress report of " << events[i] << " %";
      }
    }
    for (const int at : {1, checks / 2, checks}) {
      int seen = 0;
      const Status st = run(OperationControl{{}, [&] { return ++seen >= at; }});
      ASSERT_FALSE(st.ok()) << name << " cancelled at check " << at << " of " << checks;
      EXPECT_EQ(st.error().code, ErrorCode::kCancelled) << name << ": " << st.error().message;
      EXPECT_EQ(seen, at) << name << " went on after the cancellation";
    }
    auto report = s->verify({});
    ASSERT_TRUE(report.ok()) << name;
    EXPECT_TRUE(report->problems.empty()) << name << ": " << report->problems.front();
    EXPECT_EQ(report->messages_checked, 600) << name;
  }
}

TEST_F(ArchiveStoreTest, MissingCommittedRecoveryDataIsAnErrorNotASilentLoss) {
  {
    auto s = create();
    ASSERT_TRUE(s);
    ASSERT_EQ(s->archive("ian/X", testMessage(1)).outcome, IngestOutcome::kArchived);
  }
  fs::resize_file(dir / "store/Recovery/00000001.rec", 10);
  auto s = ArchiveStore::open(dir / "store", keys.instance, false);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("committed data is missing"), std::string::npos) << s.error().message;
}

TEST_F(ArchiveStoreTest, UnlockWithRecoveryKeyMovesAStoreToAnotherInstance) {
  {
    auto s = create();
    ASSERT_TRUE(s);
    ASSERT_EQ(s->archive("jo/Inbox", testMessage(1)).outcome, IngestOutcome::kArchived);
  }
  Keys other;
  auto refused = ArchiveStore::open(dir / "store", other.instance, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find(
                "Unable to unlock archive store (Identifier: " + keyId(keys.instance.recovery_public_key) + ")"),
            std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(ArchiveStore::unlock(dir / "store", other.instance, toHex(std::string(32, 'x'))).ok());
  const std::string secret(reinterpret_cast<const char*>(keys.recovery.secret_key.data()), 32);
  ASSERT_TRUE(ArchiveStore::unlock(dir / "store", other.instance, toHex(secret)).ok());
  auto s = ArchiveStore::open(dir / "store", other.instance, false);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto m = (*s)->messagesIn("jo/Inbox");
  EXPECT_EQ(*(*s)->readMessage((*m)[0].id), testMessage(1));
}

// UnlockStore on an open store checked nothing (issue 15): only the store's
// own recovery key passes.
TEST_F(ArchiveStoreTest, AnOpenStoreChecksItsRecoveryKey) {
  auto s = create();
  ASSERT_TRUE(s);
  const std::string secret(reinterpret_cast<const char*>(keys.recovery.secret_key.data()), 32);
  EXPECT_TRUE(s->checkRecoveryKey(toHex(secret)).ok());
  Keys other;
  const std::string foreign(reinterpret_cast<const char*>(other.recovery.secret_key.data()), 32);
  for (const std::string& bad : {std::string(), std::string("\0", 1), std::string(64, '0'), toHex(foreign),
                                 toHex(secret).substr(2), toHex(secret) + "00"}) {
    const Status st = s->checkRecoveryKey(bad);
    ASSERT_FALSE(st.ok()) << bad.size();
    EXPECT_TRUE(st.error().code == ErrorCode::kInvalidArgument || st.error().code == ErrorCode::kPermissionDenied)
        << st.error().message;
  }
}

TEST_F(ArchiveStoreTest, NewerFormatAndOldFirebirdFilesAreRefused) {
  { ASSERT_TRUE(create()); }
  {
    auto kf = readKeyFile(dir / "store/MailStoreFileGroup.key");
    kf->format = kStoreFormatVersion + 1;
    ASSERT_TRUE(writeKeyFile(dir / "store/MailStoreFileGroup.key", *kf).ok());
    auto s = ArchiveStore::open(dir / "store", keys.instance, false);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("newer than this version supports"), std::string::npos) << s.error().message;
    kf->format = kStoreFormatVersion;
    ASSERT_TRUE(writeKeyFile(dir / "store/MailStoreFileGroup.key", *kf).ok());
  }
  {
    // Mark the database header as ODS 11 (Firebird 2.x).
    std::fstream f(dir / "store/MailStoreFileGroup.fdb", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(18);
    const unsigned char ods11[2] = {0x0B, 0x80};
    f.write(reinterpret_cast<const char*>(ods11), 2);
  }
  auto s = ArchiveStore::open(dir / "store", keys.instance, false);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("Unsupported Firebird Database file detected"), std::string::npos)
      << s.error().message << " / " << s.error().details;
}

TEST_F(ArchiveStoreTest, DeletedMessagesComeBackOnlyWhenAskedAndCompactionReclaimsThem) {
  StoreOptions small;
  small.container_max = 20000;  // several containers
  std::vector<std::int64_t> ids;
  {
    auto s = ArchiveStore::create(dir / "store", keys.instance, small);
    ASSERT_TRUE(s.ok());
    for (int i = 0; i < 60; ++i) ids.push_back((*s)->archive("lee/Inbox", testMessage(i, 200)).message_id);
    std::vector<std::int64_t> doomed(ids.begin(), ids.begin() + 40);
    ASSERT_EQ(*(*s)->deleteMessages(doomed), 40);
  }
  // Before compaction the content is still there: recoverDeletedMessages brings it back.
  fs::copy(dir / "store", dir / "copy", fs::copy_options::recursive);
  fs::remove(dir / "copy/MailStoreFileGroup.fdb");
  ASSERT_TRUE(ArchiveStore::recover(dir / "copy", keys.instance, std::nullopt, true, {}).ok());
  {
    auto c = ArchiveStore::open(dir / "copy", keys.instance, false, small);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)->statistics()->messages, 60);
    EXPECT_EQ(*(*c)->readMessage(ids[3]), testMessage(3, 200));
  }
  auto s = ArchiveStore::open(dir / "store", keys.instance, false, small);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->statistics()->messages, 20);
  const auto before = (*s)->sizes().content;
  auto reclaimed = (*s)->compact({});
  ASSERT_TRUE(reclaimed.ok()) << reclaimed.error().message;
  EXPECT_GT(*reclaimed, 0);
  EXPECT_LT((*s)->sizes().content, before * 6 / 10);
  for (int i = 40; i < 60; ++i) EXPECT_EQ(*(*s)->readMessage(ids[static_cast<std::size_t>(i)]), testMessage(i, 200));
  EXPECT_TRUE((*s)->verify({})->problems.empty());
  s->reset();
  // After compaction the recovery records know where everything moved.
  fs::remove(dir / "store/MailStoreFileGroup.fdb");
  ASSERT_TRUE(ArchiveStore::recover(dir / "store", keys.instance, std::nullopt, true, {}).ok());
  auto r = ArchiveStore::open(dir / "store", keys.instance, false, small);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->statistics()->messages, 20);
  for (int i = 40; i < 60; ++i) EXPECT_EQ(*(*r)->readMessage(ids[static_cast<std::size_t>(i)]), testMessage(i, 200));
}

TEST_F(ArchiveStoreTest, FolderStampsMoveWithTheirFolderOnly) {
  // folderChanges(): what the IMAP server's kept listings watch.
  StoreOptions small;
  small.container_max = 20000;  // compaction has containers to rewrite
  auto made = ArchiveStore::create(dir / "store", keys.instance, small);
  ASSERT_TRUE(made.ok());
  ArchiveStore& s = **made;
  auto inbox = [&] { return s.folderChanges("lee/Inbox"); };
  auto sent = [&] { return s.folderChanges("lee/Sent"); };
  std::int64_t in = inbox(), out = sent();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 60; ++i) ids.push_back(s.archive("lee/Inbox", testMessage(i, 200)).message_id);
  EXPECT_NE(inbox(), in) << "archived there";
  EXPECT_EQ(sent(), out) << "another folder";
  in = inbox();
  EXPECT_EQ(s.archive("lee/Inbox", testMessage(0, 200)).outcome, IngestOutcome::kDuplicate);
  EXPECT_EQ(inbox(), in) << "a duplicate changes nothing";
  ASSERT_EQ(*s.deleteMessages({ids[0], ids[1]}), 2);
  EXPECT_NE(inbox(), in) << "deleted there";
  EXPECT_EQ(sent(), out);
  in = inbox();
  ASSERT_TRUE(s.createFolder("lee/New").ok());
  EXPECT_NE(sent(), out) << "folders changed: every stamp moves";
  out = sent();
  ASSERT_TRUE(s.renameFolder("lee/New", "lee/Newer").ok());
  EXPECT_NE(sent(), out);
  out = sent();
  in = inbox();
  ASSERT_TRUE(s.compact({}).ok());
  EXPECT_NE(inbox(), in) << "content moved: the places a listing holds";
  EXPECT_NE(sent(), out);
}

TEST_F(ArchiveStoreTest, RecoveryRecordsAreCompactedAutomatically) {
  StoreOptions small;
  small.recovery_segment_max = 8192;  // stands for 32 MiB
  std::vector<std::int64_t> ids;
  auto s = ArchiveStore::create(dir / "store", keys.instance, small);
  ASSERT_TRUE(s.ok());
  for (int i = 0; i < 80; ++i) ids.push_back((*s)->archive("max/Inbox", testMessage(i)).message_id);
  const auto grown = (*s)->sizes().recovery;
  ASSERT_EQ(*(*s)->deleteMessages(std::vector<std::int64_t>(ids.begin(), ids.begin() + 60)), 60);
  // The deletion pushed the records past the threshold with superseded
  // changes: they were rewritten from the database, without the deleted.
  EXPECT_LT((*s)->sizes().recovery, grown);
  EXPECT_EQ((*s)->archive("max/Inbox", testMessage(500)).outcome, IngestOutcome::kArchived);
  s->reset();
  fs::remove(dir / "store/MailStoreFileGroup.fdb");
  ASSERT_TRUE(ArchiveStore::recover(dir / "store", keys.instance, std::nullopt, true, {}).ok());
  auto r = reopen();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->statistics()->messages, 21);
  EXPECT_TRUE(r->verify({})->problems.empty());
}

TEST_F(ArchiveStoreTest, OlderSchemaNeedsUpgradeAndUpgrades) {
  StoreOptions old;
  old.schema_version_for_tests = 1;
  {
    auto s = ArchiveStore::create(dir / "store", keys.instance, old);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_TRUE((*s)->needsUpgrade());
    EXPECT_EQ((*s)->archive("up/Inbox", testMessage(1)).outcome, IngestOutcome::kArchived);
  }
  auto s = reopen();
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->needsUpgrade());
  std::vector<int> progress;
  OperationControl control;
  control.progress = [&](int p, const std::string&) { progress.push_back(p); };
  ASSERT_TRUE(s->upgrade(control).ok());
  EXPECT_FALSE(s->needsUpgrade());
  EXPECT_EQ(progress.back(), 100);
  EXPECT_EQ(s->archive("up/Inbox", testMessage(2)).outcome, IngestOutcome::kArchived);
  ASSERT_TRUE(s->repairDatabase({}).ok());
  EXPECT_EQ(s->archive("up/Inbox", testMessage(2)).outcome, IngestOutcome::kDuplicate);
  EXPECT_EQ(s->statistics()->messages, 2);
  s.reset();
  EXPECT_FALSE(reopen()->needsUpgrade());
}

// A full disk during archiving: a clear error, every acknowledged message
// intact, and the store usable again once there is space. Needs a small
// tmpfs (root); skipped where mounting is not allowed.
TEST_F(ArchiveStoreTest, FullDiskFailsCleanlyAndTheStoreRecovers) {
  const std::string small = dir / "small";
  fs::create_directories(small);
  if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=6m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno) << ")";
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{small};
  {
    std::ofstream filler(small + "/filler", std::ios::binary);
    filler << std::string(1 << 20, 'x');
  }
  auto created = ArchiveStore::create(small + "/store", keys.instance);
  ASSERT_TRUE(created.ok()) << created.error().message << " " << created.error().details;
  auto& s = **created;
  std::map<std::int64_t, std::string> acknowledged;
  std::mt19937 rng(7);
  std::string error;
  for (int i = 0; i < 400 && error.empty(); ++i) {
    std::string raw = testMessage(10000 + i, 2) + "\r\n";
    for (int k = 0; k < 2000; ++k) raw += std::to_string(rng()) + (k % 8 == 7 ? "\r\n" : " ");
    auto r = s.archive("full/Inbox", raw);
    if (r.outcome == IngestOutcome::kArchived) acknowledged[r.message_id] = raw;
    else error = r.error.message + " " + r.error.details;
  }
  ASSERT_FALSE(error.empty()) << "the disk never filled up";
  EXPECT_TRUE(error.find("disk is full") != std::string::npos || error.find("space") != std::string::npos) << error;
  ASSERT_GT(acknowledged.size(), 10u);
  for (const auto& [id, raw] : acknowledged) ASSERT_EQ(*s.readMessage(id), raw);
  fs::remove(small + "/filler");
  auto after = s.archive("full/Inbox", testMessage(99999));
  EXPECT_EQ(after.outcome, IngestOutcome::kArchived) << after.error.message;
  s.close();
  auto reopened = ArchiveStore::open(small + "/store", keys.instance, false);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  for (const auto& [id, raw] : acknowledged) ASSERT_EQ(*(*reopened)->readMessage(id), raw);
  auto report = (*reopened)->verify({});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems[0];
}

// A child process archives as fast as it can and reports each acknowledged
// message on a pipe; the parent kills it with SIGKILL at a random moment,
// then reopens the store and checks every acknowledged message.
TEST_F(ArchiveStoreTest, KillDuringArchivingLosesNothingAcknowledged) {
  { ASSERT_TRUE(create()); }
  std::mt19937 rng(12345);
  std::map<std::int64_t, int> acknowledged;  // message id -> generator number
  int next = 0;
  for (int round = 0; round < 20; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const int first = next;
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      auto s = ArchiveStore::open(dir / "store", keys.instance, false);
      if (!s) ::_exit(3);
      for (int n = first;; ++n) {
        // Several writers at once so batches hold many messages.
        std::vector<std::future<IngestResult>> f;
        for (int k = 0; k < 8; ++k) {
          IngestItem item;
          item.folder = "kim/Inbox";
          item.content = (*s)->prepare(testMessage(n * 8 + k));
          f.push_back((*s)->submit(std::move(item)));
        }
        for (int k = 0; k < 8; ++k) {
          auto r = f[static_cast<std::size_t>(k)].get();
          if (r.outcome != IngestOutcome::kArchived) continue;
          std::int64_t rec[2] = {r.message_id, n * 8 + k};
          if (::write(fds[1], rec, sizeof rec) != sizeof rec) ::_exit(4);
        }
      }
    }
    ::close(fds[1]);
    // Acknowledgements are read while the child runs: a full pipe would stop it.
    std::vector<std::pair<std::int64_t, std::int64_t>> acks;
    std::thread reader([&] {
      std::int64_t rec[2];
      while (::read(fds[0], rec, sizeof rec) == sizeof rec) acks.emplace_back(rec[0], rec[1]);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 400));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    reader.join();
    for (const auto& [id, n] : acks) {
      acknowledged[id] = static_cast<int>(n);
      next = std::max(next, static_cast<int>(n / 8) + 1);
    }
    ::close(fds[0]);
    next += 1000;  // fresh numbers for the next round
  }
  ASSERT_GT(acknowledged.size(), 100u);
  auto s = reopen();
  ASSERT_TRUE(s);
  for (const auto& [id, n] : acknowledged) {
    auto raw = s->readMessage(id);
    ASSERT_TRUE(raw.ok()) << "acknowledged message " << id << ": " << raw.error().message;
    ASSERT_EQ(*raw, testMessage(n));
  }
  auto report = s->verify({});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems[0];
  // Re-archiving acknowledged messages adds no duplicate.
  int dups = 0;
  for (const auto& [id, n] : acknowledged) {
    if (dups >= 50) break;
    EXPECT_EQ(s->archive("kim/Inbox", testMessage(n)).outcome, IngestOutcome::kDuplicate);
    ++dups;
  }
}

}  // namespace
}  // namespace spe::store
