// CasRoutes: tables applied in order, and names the table lacks asked about
// once, with every bound on the questions (fake clock, fake Management
// Server: a questioner that counts and can be held).
#include "cas/cas_routes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>

#include "fake_clock.h"
#include "test_dir.h"

namespace spe::cas {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

// A table naming `ids` (each with alias "<id>-alias") on host h1.
Json table(const std::vector<std::string>& ids, std::int64_t epoch = 1, std::int64_t seq = 1) {
  Json instances = Json::array();
  for (const auto& id : ids) instances.push_back({{"instanceID", id}, {"alias", id + "-alias"}, {"host", "h1"}});
  Json hosts = Json::array({Json{{"serverName", "h1"}, {"port", 8472}, {"thumbprint", std::string(64, 'a')}}});
  return Json{{"routes", {{"instances", instances}, {"hosts", hosts}}},
              {"routesVersion", "v" + std::to_string(seq) + "-" + std::to_string(ids.size())},
              {"routesOrder", {{"epoch", epoch}, {"seq", seq}}}};
}

// The Management Server: knows `known`; can hold every answer until release().
class FakeManagement {
 public:
  std::set<std::string> known;
  Result<Json> ask(const std::string& name) {
    std::unique_lock lock(mutex_);
    asked_.push_back(name);
    cv_.notify_all();
    cv_.wait(lock, [this] { return !held_; });
    if (!known.count(name)) return Json{{"known", false}};
    Json t = table(std::vector<std::string>(known.begin(), known.end()), 1, 100);
    t["known"] = true;
    return t;
  }
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    cv_.notify_all();
  }
  void waitAsked(std::size_t n) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return asked_.size() >= n; });
  }
  std::vector<std::string> asked() {
    std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool held_ = false;
  std::vector<std::string> asked_;
};

class CasRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    identity_ = loadOrCreateIdentity(dir_ / "tls", "cas").value();
    routes_ = std::make_unique<CasRoutes>(identity_, clock_);
    routes_->setQuestioner(pool_, [this](const std::string& name) { return management_.ask(name); });
  }
  void TearDown() override { pool_.join(); }

  // Starts resolve(name) on io_; its answer lands in `out`.
  void resolve(const std::string& name, std::optional<InstanceRoute>& out, bool& done) {
    asio::co_spawn(
        io_,
        [this, name, &out, &done]() -> asio::awaitable<void> {
          out = co_await routes_->resolve(name);
          done = true;
        },
        asio::detached);
  }
  std::optional<InstanceRoute> resolveNow(const std::string& name) {
    std::optional<InstanceRoute> out;
    bool done = false;
    resolve(name, out, done);
    io_.restart();
    io_.run();
    EXPECT_TRUE(done);
    return out;
  }

  testing::TempDir dir_;
  TlsIdentity identity_;
  FakeClock clock_;
  FakeManagement management_;
  asio::io_context io_;
  asio::thread_pool pool_{4};
  std::unique_ptr<CasRoutes> routes_;
};

TEST_F(CasRoutesTest, ANameInTheTableIsNeverAsked) {
  ASSERT_TRUE(routes_->apply(table({"acme"})));
  auto r = resolveNow("ACME-alias");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->instance_id, "acme");
  EXPECT_EQ(r->port, 8472);
  EXPECT_EQ(routes_->questionsAsked(), 0u);
}

TEST_F(CasRoutesTest, AnUnknownNameIsAskedOnceAndThenRouted) {
  ASSERT_TRUE(routes_->apply(table({"acme"})));
  management_.known = {"acme", "fresh"};
  auto r = resolveNow("Fresh");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->instance_id, "fresh");
  EXPECT_EQ(management_.asked(), std::vector<std::string>{"fresh"});
  EXPECT_TRUE(resolveNow("fresh"));
  EXPECT_TRUE(routes_->find("fresh-alias"));  // the answer is the whole table
  EXPECT_EQ(routes_->questionsAsked(), 1u);
}

TEST_F(CasRoutesTest, RequestsForOneNameShareOneQuestion) {
  management_.known = {"fresh"};
  management_.hold();
  std::vector<std::optional<InstanceRoute>> out(20);
  bool done[20] = {};
  for (int i = 0; i < 20; ++i) resolve("fresh", out[static_cast<std::size_t>(i)], done[i]);
  std::thread releaser([this] {
    management_.waitAsked(1);
    management_.release();
  });
  io_.run();
  releaser.join();
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(done[i]);
    EXPECT_TRUE(out[static_cast<std::size_t>(i)]) << i;
  }
  EXPECT_EQ(management_.asked().size(), 1u);
}

TEST_F(CasRoutesTest, AnUnknownNameIsNotAskedAgainForAWhile) {
  EXPECT_FALSE(resolveNow("nobody"));
  EXPECT_FALSE(resolveNow("nobody"));
  EXPECT_FALSE(resolveNow("NOBODY"));
  EXPECT_EQ(management_.asked().size(), 1u);
  clock_.advance(9s);
  EXPECT_FALSE(resolveNow("nobody"));
  EXPECT_EQ(management_.asked().size(), 1u);
  clock_.advance(2s);  // past remember_unknown (10 s)
  EXPECT_FALSE(resolveNow("nobody"));
  EXPECT_EQ(management_.asked().size(), 2u);
  // A new table may know it: the memory of unknown names goes with it.
  ASSERT_TRUE(routes_->apply(table({"acme"}, 1, 2)));
  management_.known = {"nobody"};
  EXPECT_TRUE(resolveNow("nobody"));
  EXPECT_EQ(management_.asked().size(), 3u);
}

TEST_F(CasRoutesTest, AFloodOfUnknownNamesAsksAtMostInFlightAtATime) {
  management_.hold();
  constexpr int kNames = 500;
  std::vector<std::optional<InstanceRoute>> out(kNames);
  std::vector<char> done(kNames, 0);
  for (int i = 0; i < kNames; ++i) {
    asio::co_spawn(
        io_,
        [this, i, &out, &done]() -> asio::awaitable<void> {
          out[static_cast<std::size_t>(i)] = co_await routes_->resolve("flood" + std::to_string(i));
          done[static_cast<std::size_t>(i)] = 1;
        },
        asio::detached);
  }
  // Every request has been made and the refused ones answered, while the
  // first questions are still held.
  const std::size_t in_flight = RouteQuestionLimits{}.in_flight;
  while (static_cast<std::size_t>(std::count(done.begin(), done.end(), 1)) < kNames - in_flight) io_.run_one();
  management_.waitAsked(in_flight);
  EXPECT_EQ(routes_->questionsAsked(), in_flight);
  EXPECT_EQ(routes_->refusedWithoutAsking(), kNames - in_flight);
  management_.release();
  io_.run();
  for (int i = 0; i < kNames; ++i) EXPECT_TRUE(done[static_cast<std::size_t>(i)]) << i;
  EXPECT_EQ(management_.asked().size(), in_flight);
}

TEST_F(CasRoutesTest, QuestionsPerSecondAreBounded) {
  // One at a time (never more in flight than one), as fast as they come.
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(resolveNow("seq" + std::to_string(i)));
  EXPECT_EQ(routes_->questionsAsked(), 10u);  // the bucket: per_second
  clock_.advance(1s);
  for (int i = 100; i < 200; ++i) EXPECT_FALSE(resolveNow("seq" + std::to_string(i)));
  EXPECT_EQ(routes_->questionsAsked(), 20u);
  EXPECT_EQ(management_.asked().size(), 20u);
}

TEST_F(CasRoutesTest, NamesThatCannotBeInstancesAreNotAsked) {
  for (const std::string& name :
       std::vector<std::string>{"", "-", "-/app.js", "a b", "caf\xC3\xA9", std::string(65, 'a'), "_x", ".well-known"}) {
    EXPECT_FALSE(resolveNow(name)) << name;
  }
  EXPECT_EQ(routes_->questionsAsked(), 0u);
}

TEST_F(CasRoutesTest, AnOlderTableDoesNotUndoANewerOne) {
  ASSERT_TRUE(routes_->apply(table({"old", "new"}, 7, 5)));
  EXPECT_FALSE(routes_->apply(table({"old"}, 7, 4)));  // a heartbeat answer built before the push
  EXPECT_TRUE(routes_->find("new"));
  ASSERT_TRUE(routes_->apply(table({"old"}, 7, 5)));  // the same order: a change of hosts
  EXPECT_FALSE(routes_->find("new"));
  ASSERT_TRUE(routes_->apply(table({"other"}, 8, 1)));  // the Management Server restarted
  EXPECT_TRUE(routes_->find("other"));
  Json unordered = table({"plain"});
  unordered.erase("routesOrder");
  EXPECT_TRUE(routes_->apply(unordered));
  EXPECT_TRUE(routes_->find("plain"));
  EXPECT_FALSE(routes_->apply(Json{{"serverType", "managementServer"}}));  // a heartbeat answer without a table
  EXPECT_TRUE(routes_->find("plain"));
}

// A push of one change (RoutePublisher): {routesDelta, fromOrder, routesOrder, routesVersion}.
Json delta(const Json& changes, std::int64_t epoch, std::int64_t from, std::int64_t to) {
  return Json{{"routesDelta", changes},
              {"fromOrder", {{"epoch", epoch}, {"seq", from}}},
              {"routesOrder", {{"epoch", epoch}, {"seq", to}}},
              {"routesVersion", std::to_string(epoch) + "." + std::to_string(to)}};
}

TEST_F(CasRoutesTest, ADeltaChangesOnlyItsInstancesAndOnlyFromItsOrder) {
  ASSERT_TRUE(routes_->apply(table({"keep", "gone", "moved"}, 7, 5)));
  const Json changes = Json::array({Json{{"instanceID", "added"}, {"alias", "added-alias"}, {"host", "h1"}},
                                    Json{{"instanceID", "gone"}, {"removed", true}},
                                    Json{{"instanceID", "moved"}, {"alias", "renamed"}, {"host", "h1"}}});
  ASSERT_TRUE(routes_->applyDelta(delta(changes, 7, 5, 6)));
  EXPECT_EQ(routes_->version(), "7.6");
  EXPECT_TRUE(routes_->find("added"));
  EXPECT_TRUE(routes_->find("ADDED-alias"));  // by alias, case-insensitive
  EXPECT_TRUE(routes_->find("keep-alias"));
  EXPECT_FALSE(routes_->find("gone"));
  EXPECT_FALSE(routes_->find("gone-alias"));   // its alias went with it
  EXPECT_FALSE(routes_->find("moved-alias"));  // the old alias no longer routes
  ASSERT_TRUE(routes_->find("renamed"));
  EXPECT_EQ(routes_->find("renamed")->instance_id, "moved");
  EXPECT_EQ(routes_->nameCount(), 6u);  // keep, added, moved and their aliases

  // A delta the table is already as new as is no change and needs nothing.
  EXPECT_TRUE(routes_->applyDelta(delta(Json::array({Json{{"instanceID", "keep"}, {"removed", true}}}), 7, 5, 6)));
  EXPECT_TRUE(routes_->find("keep"));
  // A delta from another order (a push missed) or another run needs the whole table.
  EXPECT_FALSE(routes_->applyDelta(delta(Json::array(), 7, 7, 8)));
  EXPECT_FALSE(routes_->applyDelta(delta(Json::array(), 8, 6, 7)));
  EXPECT_EQ(routes_->version(), "7.6");
  // Entries that are not valid are skipped, the rest applies.
  const Json odd = Json::array({Json(3), Json{{"instanceID", 5}}, Json{{"instanceID", ""}, {"host", "h1"}},
                                Json{{"instanceID", "fine"}, {"alias", ""}, {"host", "h1"}}});
  ASSERT_TRUE(routes_->applyDelta(delta(odd, 7, 6, 7)));
  EXPECT_TRUE(routes_->find("fine"));
  EXPECT_FALSE(routes_->applyDelta(Json{{"routesDelta", "no"}}));
}

TEST_F(CasRoutesTest, ADeltaBeforeAnyTableNeedsTheTable) {
  EXPECT_FALSE(routes_->applyDelta(delta(Json::array(), 7, 0, 1)));
  EXPECT_EQ(routes_->nameCount(), 0u);
}

}  // namespace
}  // namespace spe::cas
