// FiguresRecorder against the real management database (embedded Firebird)
// and a fake clock: one row per instance and UTC day holding the day's last
// sample, samples on the interval handed to the pool, 400 days kept, the
// rows of deleted instances dropped, and a stopped recorder samples no more;
// each sample's license count is kept.
#include "management/figures_recorder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>

#include "common/db/firebird_db.h"
#include "fake_clock.h"
#include "management_db_fixture.h"
#include "test_dir.h"

namespace spe::management {
namespace {

using namespace std::chrono_literals;

class ScriptedSource final : public FiguresSource {
 public:
  std::vector<InstanceFigures> sample(const std::atomic<bool>&) override {
    std::lock_guard lock(mutex);
    ++calls;
    return next;
  }
  std::mutex mutex;
  std::vector<InstanceFigures> next;
  int calls = 0;
};

class FiguresRecorderTest : public ManagementDbTest {
 protected:
  void SetUp() override {
    ManagementDbTest::SetUp();
    if (HasFatalFailure()) return;
    for (const char* id : {"alpha", "beta"}) {
      InstanceRecord r;
      r.instance_id = id;
      r.instance_host = "host1";
      r.base_directory = "/srv/" + std::string(id);
      ASSERT_TRUE(db_->insertInstance(r).ok());
    }
    recorder = std::make_unique<FiguresRecorder>(
        *db_, source_, clock_, [this](std::function<void()> fn) { posted_.push_back(std::move(fn)); }, 1h);
  }

  // The rows from `from_day` on, as "id day messages size_kb".
  std::vector<std::string> rows(const std::string& from_day = "2000-01-01") {
    auto r = db_->dailyFigures(from_day);
    EXPECT_TRUE(r.ok());
    std::vector<std::string> out;
    for (const auto& f : *r) {
      out.push_back(f.instance_id + " " + f.day + " " + std::to_string(f.messages) + " " + std::to_string(f.size_kb));
    }
    return out;
  }

  testing::FakeClock clock_;  // 2026-01-01 00:00 UTC
  ScriptedSource source_;
  std::vector<std::function<void()>> posted_;
  std::unique_ptr<FiguresRecorder> recorder;

  void runPosted() {
    auto work = std::move(posted_);
    posted_.clear();
    for (auto& fn : work) fn();
  }
};

TEST(UtcDay, FormatsTheUtcDate) {
  EXPECT_EQ(utcDay(Clock::SystemTime(std::chrono::seconds(1767225600))), "2026-01-01");
  EXPECT_EQ(utcDay(Clock::SystemTime(std::chrono::seconds(1767225600 - 1))), "2025-12-31");
  EXPECT_EQ(utcDay(Clock::SystemTime(std::chrono::seconds(951782400))), "2000-02-29");
}

TEST_F(FiguresRecorderTest, KeepsTheLastSampleOfEachDay) {
  source_.next = {{"alpha", 10, 2048}, {"beta", 0, 100}};
  ASSERT_TRUE(recorder->sampleNow().ok());
  source_.next = {{"alpha", 25, 4096}};  // beta did not answer this time: its row stays
  ASSERT_TRUE(recorder->sampleNow().ok());
  EXPECT_EQ(rows(), (std::vector<std::string>{"alpha 2026-01-01 25 4096", "beta 2026-01-01 0 100"}));
  clock_.advance(24h);
  source_.next = {{"alpha", 40, 5000}, {"beta", 3, 120}};
  ASSERT_TRUE(recorder->sampleNow().ok());
  EXPECT_EQ(rows(), (std::vector<std::string>{"alpha 2026-01-01 25 4096", "alpha 2026-01-02 40 5000",
                                              "beta 2026-01-01 0 100", "beta 2026-01-02 3 120"}));
  EXPECT_EQ(rows("2026-01-02"), (std::vector<std::string>{"alpha 2026-01-02 40 5000", "beta 2026-01-02 3 120"}));
}

TEST_F(FiguresRecorderTest, KeepsTheLastLicenseCountOfEachInstance) {
  // What CreateLicenseRequest reports for an instance stopped since (issue 24).
  source_.next = {{"alpha", 10, 2048, 3, 0}, {"beta", 0, 100}};  // beta was not counted (frozen)
  ASSERT_TRUE(recorder->sampleNow().ok());
  clock_.advance(1h);
  source_.next = {{"alpha", 12, 2048, 4, 1}};
  ASSERT_TRUE(recorder->sampleNow().ok());
  auto counts = db_->licenseCounts();
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0].instance_id, "alpha");
  EXPECT_EQ((*counts)[0].used, 4);
  EXPECT_EQ((*counts)[0].counted_at, 1767225600 + 3600);  // the fake clock's 2026-01-01 01:00 UTC
  EXPECT_EQ((*counts)[0].stores_not_counted, 1);
}

TEST_F(FiguresRecorderTest, SamplesOnTheIntervalThroughThePool) {
  source_.next = {{"alpha", 1, 1}};
  recorder->start(1min);
  clock_.advance(59s);
  EXPECT_TRUE(posted_.empty());
  clock_.advance(1s);
  ASSERT_EQ(posted_.size(), 1u);  // handed to the pool, not run on the clock's thread
  EXPECT_EQ(source_.calls, 0);
  clock_.advance(1h);  // the last one still waits in the pool: this tick skips
  EXPECT_EQ(posted_.size(), 1u);
  runPosted();
  EXPECT_EQ(source_.calls, 1);
  clock_.advance(1h);
  runPosted();
  EXPECT_EQ(source_.calls, 2);
  recorder->stop();
  clock_.advance(5h);
  EXPECT_TRUE(posted_.empty());
}

TEST_F(FiguresRecorderTest, Keeps400DaysAndForgetsDeletedInstances) {
  source_.next = {{"alpha", 1, 1}, {"beta", 1, 1}};
  ASSERT_TRUE(recorder->sampleNow().ok());  // 2026-01-01
  clock_.advance(24h * 399);                // 2027-02-04: the first day is the 400th
  source_.next = {{"alpha", 2, 2}};
  ASSERT_TRUE(recorder->sampleNow().ok());
  EXPECT_EQ(rows().size(), 3u);
  clock_.advance(24h);  // now it is the 401st
  ASSERT_TRUE(db_->deleteInstance("beta").ok());
  ASSERT_TRUE(recorder->sampleNow().ok());
  EXPECT_EQ(rows(), (std::vector<std::string>{"alpha 2027-02-04 2 2", "alpha 2027-02-05 2 2"}));
}

}  // namespace
}  // namespace spe::management
