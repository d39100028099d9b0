// A retention run over real archive stores with a fixed "now": message date
// against archive date, a dry run that deletes and audits nothing, a real
// run that deletes in batches of 500 (each asking legal hold again and
// taking a write permit), queues every deleted message for the indexer and
// writes Start, one MessageDelete per message and Finish; the answer's list
// is bounded; cancellation between batches and legal hold switched on
// half way stop it with what was done audited; scopes across two stores.
#include "instancehost/instance/model/retention_run.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>
#include <future>

#include "common/base/crypto.h"
#include "common/mime/message_headers.h"
#include "test_dir.h"

namespace spe::instance {
namespace {

std::int64_t utc(const char* text) {
  std::tm tm{};
  EXPECT_NE(strptime(text, "%Y-%m-%dT%H:%M:%S", &tm), nullptr) << text;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::vector<RetentionPolicy> policies(const Json& list) {
  auto p = parseRetentionPolicies(Json{{"policies", list}});
  EXPECT_TRUE(p.ok()) << (p ? "" : p.error().message);
  return p ? *p : std::vector<RetentionPolicy>{};
}

Json policy(const char* name, Json scope, Json period, const char* from) {
  return {{"name", name}, {"scope", scope}, {"period", period}, {"from", from}, {"action", "delete"}};
}

class RetentionRunTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(setFirebirdLockDirectory("/tmp/spe-fblock-" + std::to_string(::getpid())).ok()); }

  std::shared_ptr<store::ArchiveStore> makeStore(const std::string& name) {
    auto s = store::ArchiveStore::create(dir.str() + "/" + name, keys);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s ? std::shared_ptr<store::ArchiveStore>(std::move(*s)) : nullptr;
  }

  // Archives `count` messages dated `date` (RFC 5322) and archived at
  // `archived_at` into `folder`; returns their ids.
  std::vector<std::int64_t> put(store::ArchiveStore& s, const std::string& folder, const std::string& date,
                                std::int64_t archived_at, int count = 1) {
    std::vector<std::future<store::IngestResult>> pending;
    for (int i = 0; i < count; ++i) {
      const std::string n = std::to_string(++n_);
      const std::string raw = "From: a@example.com\r\nSubject: m" + n + "\r\nDate: " + date + "\r\nMessage-ID: <r" + n +
                              "@retention.test>\r\n\r\nBody " + n + "\r\n";
      store::IngestItem item;
      item.folder = folder;
      item.content = s.prepare(raw);
      item.headers = mime::parseMessageHeaders(raw);
      item.archived_at = archived_at;
      pending.push_back(s.submit(std::move(item)));
    }
    std::vector<std::int64_t> ids;
    for (auto& f : pending) {
      auto r = f.get();
      EXPECT_EQ(r.outcome, store::IngestOutcome::kArchived) << r.error.message;
      ids.push_back(r.message_id);
    }
    return ids;
  }

  RetentionEnvironment env(std::vector<std::pair<std::int64_t, std::shared_ptr<store::ArchiveStore>>> stores) {
    RetentionEnvironment e;
    e.stores = std::move(stores);
    for (const auto& [id, s] : e.stores) e.store_names[id] = "S" + std::to_string(id);
    e.may_delete = [this]() -> Status {
      ++may_delete_calls;
      return hold_after >= 0 && may_delete_calls > hold_after
                 ? Status(makeError(ErrorCode::kPermissionDenied, "legal hold is enabled"))
                 : okStatus();
    };
    e.write_permit = [this]() -> Result<std::shared_ptr<void>> {
      ++permits;
      return std::shared_ptr<void>();
    };
    e.audit = [this](std::string_view event, const std::string& details) {
      events.emplace_back(std::string(event), details);
      return okStatus();
    };
    e.deleted = [this](std::int64_t id) { woken.push_back(id); };
    e.log = [this](const std::string& line) { log.push_back(line); };
    return e;
  }

  std::vector<std::string> eventNames() const {
    std::vector<std::string> out;
    for (const auto& [e, d] : events) out.push_back(e);
    return out;
  }

  spe::testing::TempDir dir;
  KeyPair recovery = newKeyPair();
  store::InstanceKeys keys{randomKey(), recovery.public_key};
  int n_ = 0;
  int may_delete_calls = 0;
  int hold_after = -1;  // >= 0: may_delete refuses after that many calls
  int permits = 0;
  std::vector<std::pair<std::string, std::string>> events;
  std::vector<std::int64_t> woken;
  std::vector<std::string> log;
};

TEST_F(RetentionRunTest, MessageDateArchiveDateDryRunThenRealRun) {
  auto s = makeStore("one");
  ASSERT_TRUE(s);
  const std::int64_t now = utc("2026-06-15T12:00:00");
  const std::int64_t archived_long_ago = utc("2020-01-01T00:00:00");
  const std::int64_t archived_lately = utc("2026-06-01T00:00:00");
  // jdoe: by message date (5 years). amy: by archive date (1 year).
  const auto jdoe_old = put(*s, "jdoe/Inbox", "3 Jan 2005 10:00:00 +0000", archived_lately, 2);
  const auto jdoe_edge = put(*s, "jdoe/Inbox", "15 Jun 2021 12:00:00 +0000", archived_lately);  // exactly 5 years
  const auto jdoe_new = put(*s, "jdoe/Inbox", "16 Jun 2021 12:00:00 +0000", archived_long_ago);
  const auto amy_old = put(*s, "amy/Inbox", "3 Jan 2026 10:00:00 +0000", archived_long_ago, 2);
  const auto amy_new = put(*s, "amy/Inbox", "3 Jan 2000 10:00:00 +0000", archived_lately);
  const auto bob = put(*s, "bob/Inbox", "3 Jan 1990 10:00:00 +0000", archived_long_ago);  // no policy
  const auto p = policies(
      Json::array({policy("jdoe 5y", {{"kind", "users"}, {"users", {"jdoe"}}}, {{"years", 5}}, "messageDate"),
                   policy("amy 1y archived", {{"kind", "users"}, {"users", {"amy"}}}, {{"years", 1}}, "archiveDate")}));

  auto e = env({{1, s}});
  auto dry = runRetention(e, p, true, now);
  ASSERT_TRUE(dry.ok()) << dry.error().message;
  EXPECT_EQ((*dry)["messagesChecked"], 7);  // bob's archive is not read
  EXPECT_EQ((*dry)["messagesExpired"], 5);
  EXPECT_EQ((*dry)["messagesDeleted"], 0);
  EXPECT_EQ((*dry)["now"], "2026-06-15T12:00:00Z");
  EXPECT_EQ((*dry)["policies"], (Json::array({{{"name", "jdoe 5y"}, {"messagesExpired", 3}},
                                              {{"name", "amy 1y archived"}, {"messagesExpired", 2}}})));
  std::set<std::int64_t> listed;
  for (const auto& m : (*dry)["messages"]) listed.insert(m["id"].get<std::int64_t>());
  EXPECT_EQ(listed, (std::set<std::int64_t>{jdoe_old[0], jdoe_old[1], jdoe_edge[0], amy_old[0], amy_old[1]}));
  const Json& first = (*dry)["messages"][0];
  EXPECT_EQ(first["archiveDate"].get<std::string>().substr(0, 10),
            first["folder"] == "amy/Inbox" ? "2020-01-01" : "2026-06-01");
  EXPECT_TRUE(events.empty());  // a dry run writes nothing
  EXPECT_EQ(may_delete_calls, 0);
  EXPECT_EQ(permits, 0);
  EXPECT_EQ(s->statistics()->messages, 8);

  const auto queued_before = s->lastQueueEntry();
  ASSERT_TRUE(queued_before.ok());
  auto real = runRetention(e, p, false, now);
  ASSERT_TRUE(real.ok()) << real.error().message;
  EXPECT_EQ((*real)["messagesDeleted"], 5);
  EXPECT_EQ((*real)["stores"][0]["name"], "S1");
  EXPECT_EQ((*real)["stores"][0]["messagesDeleted"], 5);
  EXPECT_EQ(s->statistics()->messages, 3);
  auto left = s->messagesById({jdoe_new[0], amy_new[0], bob[0], jdoe_old[0], amy_old[0]});
  ASSERT_TRUE(left.ok());
  std::set<std::int64_t> left_ids;
  for (const auto& m : *left) left_ids.insert(m.id);
  EXPECT_EQ(left_ids, (std::set<std::int64_t>{jdoe_new[0], amy_new[0], bob[0]}));
  // The indexer is told: each deleted message queued, and it is woken.
  auto queue = s->indexQueue(*queued_before, 100);
  ASSERT_TRUE(queue.ok());
  EXPECT_EQ(queue->size(), 5u);
  EXPECT_EQ(woken, (std::vector<std::int64_t>{1, 1}));  // one batch per archive
  // Start, one record per message, Finish.
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(events.front(), (std::pair<std::string, std::string>{"RetentionPoliciesProcessStart",
                                                                 "2 policies: jdoe 5y, amy 1y archived"}));
  EXPECT_EQ(events[1].second,
            "store=1 message=" + std::to_string(amy_old[0]) + " folder=amy/Inbox policy=amy 1y archived");
  for (std::size_t i = 1; i <= 5; ++i) EXPECT_EQ(events[i].first, "RetentionPoliciesMessageDelete");
  EXPECT_EQ(events.back().first, "RetentionPoliciesProcessFinish");
  EXPECT_EQ(events.back().second, "done: policies=2 checked=7 expired=5 deleted=5 bytes=" +
                                      std::to_string((*real)["bytesDeleted"].get<std::int64_t>()));
  EXPECT_EQ(may_delete_calls, 2);

  // Nothing more to do the next time.
  events.clear();
  auto again = runRetention(e, p, false, now);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)["messagesExpired"], 0);
  EXPECT_EQ(eventNames(),
            (std::vector<std::string>{"RetentionPoliciesProcessStart", "RetentionPoliciesProcessFinish"}));
}

TEST_F(RetentionRunTest, BatchesBoundedListCancellationAndLegalHold) {
  auto s = makeStore("big");
  ASSERT_TRUE(s);
  const std::int64_t now = utc("2026-06-15T12:00:00");
  put(*s, "jdoe/Inbox", "3 Jan 2005 10:00:00 +0000", now, 1100);
  const auto p = policies(Json::array({policy("all 10y", {{"kind", "allArchives"}}, {{"years", 10}}, "messageDate")}));

  // A dry run counts them all but lists 1000.
  auto e = env({{7, s}});
  auto dry = runRetention(e, p, true, now);
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ((*dry)["messagesExpired"], 1100);
  EXPECT_EQ((*dry)["messages"].size(), kRetentionListedMessagesMax);
  EXPECT_TRUE((*dry)["messagesListTruncated"].get<bool>());

  // Cancelled once the first batch is under way: that batch is deleted and
  // audited, the rest is not, Finish says so.
  e.control.cancelled = [this] { return may_delete_calls >= 1; };
  auto cancelled = runRetention(e, p, false, now);
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, ErrorCode::kCancelled);
  EXPECT_NE(cancelled.error().message.find("after deleting 500 of 1100"), std::string::npos)
      << cancelled.error().message;
  EXPECT_EQ(s->statistics()->messages, 600);
  EXPECT_EQ(events.size(), 502u);
  EXPECT_EQ(events.back().first, "RetentionPoliciesProcessFinish");
  EXPECT_EQ(events.back().second.substr(0, 10), "cancelled:");

  // Legal hold switched on after the next batch: the run fails with the
  // hold's error; what was deleted before is audited.
  events.clear();
  may_delete_calls = 0;
  hold_after = 1;
  e.control.cancelled = nullptr;
  auto held = runRetention(e, p, false, now);
  ASSERT_FALSE(held.ok());
  EXPECT_EQ(held.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(s->statistics()->messages, 100);
  EXPECT_NE(held.error().message.find("legal hold"), std::string::npos);
  EXPECT_NE(held.error().message.find("500 message(s) were deleted before"), std::string::npos);
  ASSERT_EQ(events.size(), 502u);  // Start, 500 deletions, Finish
  EXPECT_EQ(events.back().second.substr(0, 26), "failed (legal hold is enab");

  // Released: the rest goes in one batch of 100.
  hold_after = -1;
  events.clear();
  woken.clear();
  auto rest = runRetention(e, p, false, now);
  ASSERT_TRUE(rest.ok()) << rest.error().message;
  EXPECT_EQ((*rest)["messagesDeleted"], 100);
  EXPECT_EQ(woken, (std::vector<std::int64_t>{7}));
  EXPECT_EQ(s->statistics()->messages, 0);
}

TEST_F(RetentionRunTest, FolderScopesAcrossTwoStores) {
  auto a = makeStore("a");
  auto b = makeStore("b");
  ASSERT_TRUE(a && b);
  const std::int64_t now = utc("2026-06-15T12:00:00");
  const char* old = "3 Jan 2005 10:00:00 +0000";
  put(*a, "jdoe/Projects", old, now, 2);
  put(*b, "jdoe/Projects", old, now, 1);
  put(*b, "jdoe/Projects/Sub", old, now, 3);
  put(*a, "jdoe/Inbox", old, now, 4);
  put(*b, "jdoe/Inbox/Sub", old, now, 5);
  const auto p = policies(Json::array(
      {policy("projects", {{"kind", "folders"}, {"folders", {"jdoe/Projects"}}, {"includeSubfolders", true}},
              {{"years", 10}}, "messageDate"),
       policy("inbox only", {{"kind", "folders"}, {"folders", {"jdoe/Inbox"}}, {"includeSubfolders", false}},
              {{"years", 10}}, "messageDate")}));
  auto e = env({{1, a}, {2, b}});
  auto r = runRetention(e, p, false, now);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["messagesDeleted"], 2 + 1 + 3 + 4);
  EXPECT_EQ((*r)["stores"][0]["messagesDeleted"], 6);
  EXPECT_EQ((*r)["stores"][1]["messagesDeleted"], 4);
  EXPECT_EQ(a->statistics()->messages, 0);
  auto kept = b->messagesIn("jdoe/Inbox/Sub");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->size(), 5u);  // the inbox policy leaves out its subfolders
}

}  // namespace
}  // namespace spe::instance
