// OnDemandInstances with a fake clock and a fake host (hooks that record
// starts, stops and the instances' answers; blocking work runs at once):
// only on-demand instances start on use; an idle one stops after the idle
// time unless it is in use or busy, and starts again for its scheduled work;
// several uses at once start it once.
#include "instancehost/on_demand.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fake_clock.h"

namespace spe::instancehost {
namespace {

using namespace std::chrono_literals;
using Log = std::vector<std::string>;

class FakeHost {
 public:
  std::mutex mutex;
  std::map<std::string, std::string> modes{{"od", kOnDemand}, {"man", "manual"}, {"auto", "automatic"}};
  std::set<std::string> running;
  std::vector<std::string> log;  // "start od", "stop od", "ask od"
  Json answer = Json{{"busy", false}, {"reasons", Json::array()}, {"nextWakeSeconds", nullptr}};
  std::atomic<int> starts{0};
  std::function<void()> while_starting;

  OnDemandInstances::Hooks hooks() {
    OnDemandInstances::Hooks h;
    h.on_demand = [this](const std::string& id) {
      std::lock_guard lock(mutex);
      return modes.count(id) && modes[id] == kOnDemand;
    };
    h.running = [this](const std::string& id) {
      std::lock_guard lock(mutex);
      return running.count(id) > 0;
    };
    h.running_ids = [this] {
      std::lock_guard lock(mutex);
      return running;
    };
    h.start = [this](const std::string& id) {
      ++starts;
      if (while_starting) while_starting();
      std::lock_guard lock(mutex);
      log.push_back("start " + id);
      running.insert(id);
      return okStatus();
    };
    h.stop = [this](const std::string& id) {
      std::lock_guard lock(mutex);
      log.push_back("stop " + id);
      running.erase(id);
      return okStatus();
    };
    h.activity = [this](const std::string& id) -> Result<Json> {
      std::lock_guard lock(mutex);
      log.push_back("ask " + id);
      return answer;
    };
    h.post = [](std::function<void()> fn) { fn(); };
    return h;
  }
  std::vector<std::string> taken() {
    std::lock_guard lock(mutex);
    return std::exchange(log, {});
  }
};

class OnDemandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    od_ = std::make_shared<OnDemandInstances>(host_.hooks(), clock_, 900s);
    od_->begin();
  }
  FakeHost host_;
  testing::FakeClock clock_;
  std::shared_ptr<OnDemandInstances> od_;
};

TEST_F(OnDemandTest, OnlyOnDemandInstancesStartOnUse) {
  ASSERT_TRUE(od_->wake("man").ok());
  ASSERT_TRUE(od_->wake("auto").ok());
  ASSERT_TRUE(od_->wake("unknown").ok());
  EXPECT_EQ(host_.taken(), Log{});  // a stopped manual instance stays stopped
  ASSERT_TRUE(od_->wake("od").ok());
  ASSERT_TRUE(od_->wake("od").ok());  // running already
  EXPECT_EQ(host_.taken(), Log{"start od"});
}

TEST_F(OnDemandTest, AnIdleInstanceStopsAfterTheIdleTimeAndNotBefore) {
  ASSERT_TRUE(od_->wake("od").ok());
  host_.running.insert("man");  // other start modes are never stopped for idleness
  host_.taken();
  clock_.advance(899s);
  EXPECT_EQ(host_.taken(), Log{});
  clock_.advance(60s);  // the next sweep after 900 s without use
  EXPECT_EQ(host_.taken(), (Log{"ask od", "stop od"}));
  EXPECT_TRUE(host_.running.count("man"));
  EXPECT_TRUE(od_->wakesArmed().empty());  // it named no scheduled work
}

TEST_F(OnDemandTest, AUseInProgressOrABusyInstanceIsNotStopped) {
  ASSERT_TRUE(od_->wake("od").ok());
  host_.taken();
  {
    auto use = od_->use("od");  // an IMAP session open for an hour
    clock_.advance(3600s);
    EXPECT_EQ(host_.taken(), Log{});
  }
  clock_.advance(899s);  // the idle time counts from the end of the last use
  EXPECT_EQ(host_.taken(), Log{});
  host_.answer["busy"] = true;  // a job runs
  clock_.advance(60s);
  EXPECT_EQ(host_.taken(), Log{"ask od"});
  host_.answer["busy"] = false;
  clock_.advance(840s);  // busy counted as used: not asked again before 900 s more
  EXPECT_EQ(host_.taken(), Log{});
  clock_.advance(60s);
  EXPECT_EQ(host_.taken(), (Log{"ask od", "stop od"}));
}

TEST_F(OnDemandTest, AStoppedInstanceStartsForItsScheduledWork) {
  ASSERT_TRUE(od_->wake("od").ok());
  host_.answer["nextWakeSeconds"] = 3000;
  clock_.advance(960s);  // stopped by the sweep at 900 s
  EXPECT_EQ(host_.taken(), (Log{"start od", "ask od", "stop od"}));
  EXPECT_EQ(od_->wakesArmed(), std::set<std::string>{"od"});
  clock_.advance(2939s);  // 1 s before 900 s + 3000 s
  EXPECT_EQ(host_.taken(), Log{});
  clock_.advance(1s);
  EXPECT_EQ(host_.taken(), Log{"start od"});
  EXPECT_TRUE(od_->wakesArmed().empty());
}

TEST_F(OnDemandTest, AUseBeforeTheScheduledWakeStartsItAndDropsTheWake) {
  ASSERT_TRUE(od_->wake("od").ok());
  host_.answer["nextWakeSeconds"] = 3000;
  clock_.advance(960s);
  host_.taken();
  host_.answer["nextWakeSeconds"] = nullptr;
  ASSERT_TRUE(od_->wake("od").ok());  // at 960 s, before the wake at 3900 s
  EXPECT_EQ(host_.taken(), Log{"start od"});
  EXPECT_TRUE(od_->wakesArmed().empty());
  clock_.advance(960s);  // idle again: stopped by the sweep at 1860 s
  EXPECT_EQ(host_.taken(), (Log{"ask od", "stop od"}));
  clock_.advance(3000s);  // past 3900 s: the dropped wake starts nothing
  EXPECT_EQ(host_.taken(), Log{});
}

TEST_F(OnDemandTest, ManyUsesAtOnceStartItOnce) {
  std::atomic<bool> release{false};
  host_.while_starting = [&] {
    while (!release) std::this_thread::yield();
  };
  std::vector<std::thread> users;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    users.emplace_back([&] {
      auto use = od_->use("od");
      if (od_->wake("od").ok()) ++ok;
    });
  }
  while (host_.starts == 0) std::this_thread::yield();
  release = true;
  for (auto& t : users) t.join();
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(host_.starts, 1);
}

TEST_F(OnDemandTest, AnInstanceThatDoesNotSayWhatItDoesKeepsRunning) {
  od_.reset();
  auto hooks = host_.hooks();
  std::atomic<int> asked{0};
  hooks.activity = [&asked](const std::string&) -> Result<Json> {
    ++asked;
    return makeError(ErrorCode::kTimeout, "no answer");
  };
  auto od = std::make_shared<OnDemandInstances>(hooks, clock_, 900s);
  od->begin();
  ASSERT_TRUE(od->wake("od").ok());
  host_.taken();
  clock_.advance(2000s);
  EXPECT_GE(asked, 1);
  EXPECT_EQ(host_.taken(), Log{});
  EXPECT_TRUE(host_.running.count("od"));
}

TEST(OnDemand, WithoutAnIdleTimeNothingStopsByItself) {
  FakeHost host;
  testing::FakeClock clock;
  auto od = std::make_shared<OnDemandInstances>(host.hooks(), clock, 0s);
  od->begin();
  ASSERT_TRUE(od->wake("od").ok());
  clock.advance(std::chrono::hours(48));
  EXPECT_EQ(host.taken(), Log{"start od"});
  EXPECT_EQ(clock.pendingTimers(), 0u);
}

}  // namespace
}  // namespace spe::instancehost
