#include "instancehost/instance/audit/audit_log.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <span>
#include <sstream>
#include <thread>
#include <vector>

#include "instancehost/instance/audit/audit_reader.h"

namespace spe::audit {
namespace {
namespace fs = std::filesystem;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("spe-audit-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    key_ = randomKey();
  }
  void TearDown() override { fs::remove_all(dir_); }

  AuditLogOptions options() {
    AuditLogOptions o;
    o.directory = dir_;
    o.instance_id = "inst1";
    o.secrets_key = key_;
    o.checkpoint_interval = std::chrono::milliseconds(0);
    o.now_us = [this] { return now_ += 1000; };
    return o;
  }
  std::unique_ptr<AuditLog> openLog() {
    auto log = AuditLog::open(options());
    EXPECT_TRUE(log) << (log ? "" : log.error().message);
    return log ? std::move(*log) : nullptr;
  }
  static AuditEntry entry(int i) {
    AuditEntry e;
    e.actor_kind = ActorKind::kAdministrator;
    e.actor = "admin";
    e.source = "10.0.0." + std::to_string(i % 250);
    e.event = i % 2 ? "UserAdd" : "UserDelete";
    e.object = "user" + std::to_string(i);
    e.details = "detail \"quoted\"\n" + std::to_string(i);
    return e;
  }
  // Writes n entries with a checkpoint after every `every` of them.
  void writeEntries(int n, int every) {
    auto log = openLog();
    for (int i = 1; i <= n; ++i) {
      ASSERT_TRUE(log->append(entry(i)));
      if (i % every == 0) {
        ASSERT_TRUE(log->checkpoint());
      }
    }
    log->close();
  }
  std::string logPath() const { return dir_ + "/" + kLogFile; }
  std::string read(const std::string& path) const {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void write(const std::string& path, const std::string& data) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
  }
  // Byte ranges of the records in the log.
  std::vector<std::pair<std::size_t, std::size_t>> records() const {
    const std::string d = read(logPath());
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (std::size_t at = kLogHeader.size(); at + 4 <= d.size();) {
      std::uint32_t len = 0;
      std::memcpy(&len, d.data() + at, 4);
      const std::size_t n = 4 + len + kHashSize;
      out.emplace_back(at, n);
      at += n;
    }
    return out;
  }

  std::string dir_;
  Key256 key_{};
  std::int64_t now_ = 1'800'000'000'000'000;
};

TEST_F(AuditLogTest, AppendsChainsAndVerifies) {
  writeEntries(10, 4);
  const auto r = verifyAuditLog(dir_);
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.entries, 10U);
  EXPECT_EQ(r.checkpoints, 3U);  // after 4, 8, and at close (10)
  std::vector<StoredEntry> seen;
  ASSERT_TRUE(forEachEntry(dir_, [&](const StoredEntry& s) {
    seen.push_back(s);
    return true;
  }));
  ASSERT_EQ(seen.size(), 10U);
  EXPECT_EQ(seen[2].sequence, 3U);
  EXPECT_EQ(seen[2].entry.object, "user3");
  EXPECT_EQ(seen[2].entry.details, "detail \"quoted\"\n3");
  EXPECT_EQ(seen[2].entry.actor_kind, ActorKind::kAdministrator);
  Hash h = genesisHash("inst1");
  // The chain by hand: H(n) = BLAKE2b-256(H(n-1) | body).
  for (const auto& s : seen) {
    std::string body;
    encodeBody(s.sequence, s.time_us, s.entry, body);
    h = chainHash(h, body);
    EXPECT_EQ(h, s.hash);
  }
}

// A batch is the same records, chain and sequence numbers as the same
// entries appended one by one, written with one write.
TEST_F(AuditLogTest, AppendAllWritesTheSameRecordsAsAppendingOneByOne) {
  std::vector<AuditEntry> batch;
  for (int i = 0; i < 40; ++i) batch.push_back(entry(i));
  std::string one_by_one;
  {
    auto log = openLog();
    ASSERT_TRUE(log);
    for (const auto& e : batch) ASSERT_TRUE(log->append(e));
    log->close();
    std::ifstream in(logPath(), std::ios::binary);
    one_by_one.assign(std::istreambuf_iterator<char>(in), {});
  }
  fs::remove_all(dir_);
  now_ = 1'800'000'000'000'000;  // the same times
  auto log = openLog();
  ASSERT_TRUE(log);
  auto none = log->appendAll({});
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0u);
  auto first = log->appendAll(std::span<const AuditEntry>(batch).first(15));
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 15u);
  auto rest = log->appendAll(std::span<const AuditEntry>(batch).subspan(15));
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, 40u);
  EXPECT_EQ(log->size(), 40u);
  log->close();
  std::ifstream in(logPath(), std::ios::binary);
  const std::string batched(std::istreambuf_iterator<char>(in), {});
  EXPECT_FALSE(batched.empty());
  EXPECT_TRUE(batched == one_by_one);
  const auto r = verifyAuditLog(dir_);
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.entries, 40U);
}

TEST_F(AuditLogTest, ReopenContinuesTheChain) {
  writeEntries(3, 100);
  writeEntries(3, 100);
  const auto r = verifyAuditLog(dir_);
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.entries, 6U);
  EXPECT_EQ(r.checkpoints, 2U);
}

TEST_F(AuditLogTest, CheckpointSignatureIsEd25519OverTheDocumentedText) {
  writeEntries(2, 100);
  auto cps = readCheckpoints(dir_);
  ASSERT_TRUE(cps);
  ASSERT_EQ(cps->size(), 1U);
  Json pub = Json::parse(read(dir_ + "/" + kPublicKeyFile));
  auto pk = fromHex(pub["publicKey"].get<std::string>());
  auto sig = fromHex((*cps)[0].signature_hex);
  ASSERT_TRUE(pk && sig);
  const std::string text = checkpointText("inst1", 2, (*cps)[0].head, (*cps)[0].time_us);
  EXPECT_EQ(crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                        reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                                        reinterpret_cast<const unsigned char*>(pk->data())),
            0);
  // The same key after a restart; another instance key cannot open it.
  auto again = openLog();
  EXPECT_EQ(again->publicKeyHex(), pub["publicKey"].get<std::string>());
  again.reset();
  auto o = options();
  o.secrets_key = randomKey();
  auto other = AuditLog::open(o);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kCorrupt);
}

TEST_F(AuditLogTest, ForgedCheckpointIsNamed) {
  writeEntries(4, 2);
  std::string cps = read(dir_ + "/" + kCheckpointFile);
  const auto pos = cps.find("\"size\":2");
  ASSERT_NE(pos, std::string::npos);
  cps.replace(pos, 8, "\"size\":3");
  write(dir_ + "/" + kCheckpointFile, cps);
  const auto r = verifyAuditLog(dir_);
  EXPECT_FALSE(r.intact);
  EXPECT_NE(r.problem.find("Checkpoint 1"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, ChangedEntryIsNamed) {
  writeEntries(10, 5);
  std::string d = read(logPath());
  const auto [at, n] = records()[6];  // entry 7
  const auto pos = d.find("user7", at);
  ASSERT_LT(pos, at + n);
  d[pos] = 'U';
  write(logPath(), d);
  const auto r = verifyAuditLog(dir_);
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_bad_entry, 7U);
  EXPECT_NE(r.problem.find("Entry 7 was changed"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, ChangedEntryWithRecomputedChainFailsAtTheCheckpoint) {
  writeEntries(10, 5);
  // Rewrite entry 7 and every hash after it, as someone without the key would.
  std::vector<StoredEntry> all;
  ASSERT_TRUE(forEachEntry(dir_, [&](const StoredEntry& s) {
    all.push_back(s);
    return true;
  }));
  all[6].entry.details = "nothing happened";
  std::string d(kLogHeader);
  Hash h = genesisHash("inst1");
  for (const auto& s : all) {
    std::string body;
    encodeBody(s.sequence, s.time_us, s.entry, body);
    const auto len = static_cast<std::uint32_t>(body.size());
    d.append(reinterpret_cast<const char*>(&len), 4);
    d += body;
    h = chainHash(h, body);
    d.append(reinterpret_cast<const char*>(h.data()), h.size());
  }
  write(logPath(), d);
  const auto r = verifyAuditLog(dir_);
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_bad_entry, 6U);  // after the last checkpoint that matched (5)
  EXPECT_NE(r.problem.find("do not match the checkpoint"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, RemovedEntryIsNamed) {
  writeEntries(10, 5);
  std::string d = read(logPath());
  const auto [at, n] = records()[3];  // entry 4
  d.erase(at, n);
  write(logPath(), d);
  const auto r = verifyAuditLog(dir_);
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_bad_entry, 4U);
  EXPECT_NE(r.problem.find("Entry 4 was removed"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, ReorderedEntriesAreNamed) {
  writeEntries(10, 5);
  std::string d = read(logPath());
  const auto recs = records();
  const std::string a = d.substr(recs[2].first, recs[2].second), b = d.substr(recs[3].first, recs[3].second);
  d.replace(recs[2].first, a.size() + b.size(), b + a);  // entries 3 and 4 swapped
  write(logPath(), d);
  const auto r = verifyAuditLog(dir_);
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_bad_entry, 3U);
  EXPECT_NE(r.problem.find("reordered"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, TruncatedLogIsNamed) {
  writeEntries(10, 5);
  std::string d = read(logPath());
  d.resize(records()[7].first);  // entries 8..10 gone, at a record boundary
  write(logPath(), d);
  const auto r = verifyAuditLog(dir_);
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_bad_entry, 8U);
  EXPECT_NE(r.problem.find("truncated"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, TornTailIsCutOffAtOpenAndRecorded) {
  writeEntries(5, 100);
  std::string d = read(logPath());
  const std::string partial = d.substr(records()[1].first, 20);
  write(logPath(), d + partial);  // a crash in the middle of writing entry 6
  EXPECT_TRUE(verifyAuditLog(dir_).intact);
  EXPECT_FALSE(verifyAuditLog(dir_).note.empty());
  {
    auto log = openLog();
    ASSERT_TRUE(log->append(entry(7)));
  }
  const auto r = verifyAuditLog(dir_);
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.entries, 7U);
  EXPECT_TRUE(r.note.empty());
  std::string event;
  ASSERT_TRUE(forEachEntry(dir_, [&](const StoredEntry& s) {
    if (s.sequence == 6) event = s.entry.event + " " + s.entry.details;
    return true;
  }));
  EXPECT_EQ(event.rfind("AuditLogTailTruncated 20 bytes", 0), 0U) << event;
}

TEST_F(AuditLogTest, QueryFilters) {
  writeEntries(20, 100);
  AuditFilter f;
  f.event = "UserAdd";
  f.limit = 3;
  f.offset = 1;
  auto j = queryEntries(dir_, f);
  ASSERT_TRUE(j);
  ASSERT_EQ(j->size(), 3U);
  EXPECT_EQ((*j)[0]["object"], "user3");
  EXPECT_EQ((*j)[2]["sequence"], 7);
  AuditFilter t;
  t.from_us = 1'800'000'000'000'000 + 5000;  // entry 5's time
  t.to_us = 1'800'000'000'000'000 + 7000;
  j = queryEntries(dir_, t);
  ASSERT_TRUE(j);
  ASSERT_EQ(j->size(), 2U);
  EXPECT_EQ((*j)[0]["sequence"], 5);
}

TEST_F(AuditLogTest, QueryNewestFirstPagesFromTheEnd) {
  writeEntries(20, 100);
  AuditFilter f;
  f.event = "UserAdd";  // 1, 3, ..., 19
  f.newest_first = true;
  f.limit = 3;
  f.offset = 2;
  auto j = queryEntries(dir_, f);
  ASSERT_TRUE(j);
  ASSERT_EQ(j->size(), 3U);
  EXPECT_EQ((*j)[0]["sequence"], 15);
  EXPECT_EQ((*j)[2]["sequence"], 11);
  f.offset = 8;  // only 10 match: the last page is short
  j = queryEntries(dir_, f);
  ASSERT_TRUE(j);
  ASSERT_EQ(j->size(), 2U);
  EXPECT_EQ((*j)[1]["sequence"], 1);
  f.offset = 10;
  j = queryEntries(dir_, f);
  ASSERT_TRUE(j);
  EXPECT_TRUE(j->empty());
}

TEST(AuditFilterFromJson, ReadsEveryFieldAndNamesTheWrongOne) {
  auto f = auditFilterFromJson(Json{{"fromIncluding", "2026-12-07T10:00:00Z"},
                                    {"toExcluding", "2026-12-08T00:00:00Z"},
                                    {"actor", "admin"},
                                    {"event", "UserAdd"},
                                    {"object", "bob"},
                                    {"offset", 40},
                                    {"limit", 20},
                                    {"newestFirst", true}},
                               200);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(*f->from_us, *parseIsoTime("2026-12-07T10:00:00Z"));
  EXPECT_EQ(*f->to_us - *f->from_us, 14LL * 3600 * 1000000);
  EXPECT_EQ(f->actor + f->event + f->object, "adminUserAddbob");
  EXPECT_EQ(f->offset, 40U);
  EXPECT_EQ(f->limit, 20U);
  EXPECT_TRUE(f->newest_first);
  auto defaults = auditFilterFromJson(Json::object(), 200);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->limit, 200U);
  EXPECT_FALSE(defaults->from_us || defaults->to_us || defaults->newest_first);
  const std::vector<std::pair<Json, std::string>> wrong = {
      {{{"fromIncluding", "yesterday"}}, "fromIncluding"},
      {{{"fromIncluding", 5}}, "fromIncluding"},
      {{{"toExcluding", "2026-13-01T00:00:00Z"}}, "toExcluding"},
      {{{"fromIncluding", "2026-12-08T00:00:00Z"}, {"toExcluding", "2026-12-07T00:00:00Z"}}, "toExcluding"},
      {{{"actor", 1}}, "actor"},
      {{{"event", std::string(257, 'e')}}, "event"},
      {{{"object", Json::array()}}, "object"},
      {{{"limit", 0}}, "limit"},
      {{{"limit", 201}}, "limit"},
      {{{"limit", "5"}}, "limit"},
      {{{"offset", -1}}, "offset"},
      {{{"offset", 1.5}}, "offset"},
      {{{"newestFirst", "x"}}, "newestFirst"},
  };
  for (const auto& [args, field] : wrong) {
    auto r = auditFilterFromJson(args, 200);
    ASSERT_FALSE(r) << args.dump();
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << args.dump();
    EXPECT_EQ(r.error().details, field) << args.dump();
    EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
  }
}

TEST_F(AuditLogTest, CheckpointThreadSignsWhileEntriesAreAdded) {
  auto o = options();
  o.checkpoint_interval = std::chrono::milliseconds(5);
  o.now_us = nullptr;  // the thread and append() both read the clock
  auto log = AuditLog::open(o);
  ASSERT_TRUE(log);
  ASSERT_TRUE((*log)->append(entry(1)));
  // Polled with a deadline: the thread's moment is not the test's to choose.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::size_t n = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    auto cps = readCheckpoints(dir_);
    ASSERT_TRUE(cps);
    n = cps->size();
    if (n >= 1 && cps->back().size == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_GE(n, 1U);
  // Nothing added: no new checkpoint however long it waits (close() adds none either).
  const auto before = readCheckpoints(dir_)->size();
  (*log)->close();
  EXPECT_EQ(readCheckpoints(dir_)->size(), before);
  EXPECT_TRUE(verifyAuditLog(dir_).intact);
}

TEST(AuditFormat, IsoTimeRoundTrips) {
  EXPECT_EQ(isoTime(0), "1970-01-01T00:00:00.000000Z");
  auto t = parseIsoTime("2026-12-07T10:11:12.5Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(isoTime(*t), "2026-12-07T10:11:12.500000Z");
  EXPECT_FALSE(parseIsoTime("2026-13-07T10:11:12Z"));
  EXPECT_FALSE(parseIsoTime("yesterday"));
}

// kill -9 while a child appends as fast as it can, 50 times; each time the
// log verifies and holds every entry the child had acknowledged (reported
// through a pipe after append() returned).
TEST_F(AuditLogTest, SurvivesFiftyKills) {
  std::mt19937 rng(7);
  std::uint64_t acknowledged_total = 0;
  for (int round = 0; round < 50; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      auto log = AuditLog::open(options());
      if (!log) ::_exit(3);
      for (std::uint64_t i = 0;; ++i) {
        auto seq = (*log)->append(entry(static_cast<int>(i)));
        if (!seq) ::_exit(4);
        if (i % 16 == 0 && !(*log)->checkpoint()) ::_exit(6);
        if (::write(fds[1], &*seq, sizeof *seq) != sizeof *seq) ::_exit(5);
      }
    }
    ::close(fds[1]);
    // Wait for a random number of acknowledged entries, then kill.
    const std::uint64_t wait_for = 1 + rng() % 400;
    std::uint64_t last = 0, got = 0;
    while (got < wait_for) {
      std::uint64_t seq = 0;
      const ssize_t n = ::read(fds[0], &seq, sizeof seq);
      ASSERT_EQ(n, static_cast<ssize_t>(sizeof seq)) << "child ended early";
      last = seq;
      ++got;
    }
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    // Entries acknowledged after we stopped reading are in the pipe still.
    for (;;) {
      std::uint64_t seq = 0;
      if (::read(fds[0], &seq, sizeof seq) != static_cast<ssize_t>(sizeof seq)) break;
      last = seq;
    }
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    const auto r = verifyAuditLog(dir_);
    ASSERT_TRUE(r.intact) << "round " << round << ": " << r.problem;
    ASSERT_GE(r.entries, last) << "round " << round << ": an acknowledged entry is missing";
    acknowledged_total = last;
  }
  auto log = openLog();  // and it opens and goes on
  ASSERT_TRUE(log->append(entry(1)));
  log->close();
  const auto r = verifyAuditLog(dir_);
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_GT(r.entries, acknowledged_total);
}

}  // namespace
}  // namespace spe::audit
