// InstanceSupervisor with real spe-instance processes (embedded Firebird,
// Unix sockets): ready handshake, crash restart with backoff, manual crash
// to error, stop deadline, freeze/thaw, a broken instance reported clearly.
// Time is a FakeClock: backoff, healthy time and the ready timeout pass when
// a test advances it, never by waiting.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "fake_clock.h"
#include "instancehost/instance_supervisor.h"
#include "test_dir.h"

namespace spe::instancehost {
namespace {

using namespace std::chrono_literals;

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SupervisorOptions o;
    o.instance_binary = SPE_INSTANCE_BINARY;
    o.runtime_directory = dir_ / "run";
    o.state_file = dir_ / "instances.json";
    o.backoff_initial = 300ms;
    o.backoff_max = 2s;
    o.stop_timeout = 5s;
    o.ready_timeout = 20s;
    o.healthy_after = 10s;
    o.idle_stop_after = 0s;  // no idle sweeps: these tests count the timers (on_demand_test.cpp tests them)
    options_ = o;
    sup_ = std::make_unique<InstanceSupervisor>(io_, o, clock_);
    sup_->begin();
    work_ = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    sup_->stopAll();
    work_.reset();
    io_.stop();
    thread_.join();
    sup_.reset();
  }
  Json statusOf(const std::string& id) {
    for (const auto& s : sup_->status()) {
      if (s["instanceID"] == id) return s;
    }
    // status() leaves plainly stopped instances out.
    return Json{{"instanceID", id},          {"processID", nullptr}, {"status", "stopped"},
                {"startStopError", nullptr}, {"safeMode", false},    {"frozen", false}};
  }
  Json waitFor(const std::string& id, const std::string& status, std::chrono::milliseconds timeout = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      Json s = statusOf(id);
      if (s["status"] == status) return s;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << id << " never reached " << status << ": " << statusOf(id).dump();
    return statusOf(id);
  }
  // The process ID of a starting instance, once it has one.
  int waitForProcess(const std::string& id) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      Json s = statusOf(id);
      if (s["processID"].is_number()) return s["processID"];
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << id << " never got a process: " << statusOf(id).dump();
    return 0;
  }
  InstanceSpec spec(const std::string& id, const std::string& mode = "manual") {
    return {id, dir_ / ("inst/" + id), mode, false};
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  SupervisorOptions options_;
  asio::io_context io_;
  std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<InstanceSupervisor> sup_;
  std::thread thread_;
};

TEST_F(SupervisorTest, StartsStopsAndForwardsCalls) {
  sup_->sync({spec("one")});
  ASSERT_TRUE(sup_->start("one", false).ok());
  Json s = statusOf("one");
  EXPECT_EQ(s["status"], "running");
  const int pid = s["processID"];
  EXPECT_EQ(::kill(pid, 0), 0);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "inst/one/MailStoreMaster.fdb"));
  auto ping = sup_->call("one", "ping", Json::object(), 5s);
  ASSERT_TRUE(ping.ok()) << ping.error().message;
  EXPECT_EQ((*ping)["instanceID"], "one");
  EXPECT_EQ((*ping)["processID"], pid);
  EXPECT_TRUE(sup_->start("one", false).ok());  // already running: no second process
  EXPECT_EQ(statusOf("one")["processID"], pid);
  ASSERT_TRUE(sup_->stop("one").ok());
  EXPECT_EQ(statusOf("one")["status"], "stopped");
  EXPECT_TRUE(statusOf("one")["processID"].is_null());
  EXPECT_FALSE(sup_->call("one", "ping", Json::object(), 2s).ok());
}

TEST_F(SupervisorTest, CrashedAutomaticInstanceRestartsWithBackoff) {
  sup_->sync({spec("auto", "automatic")});
  Json s = waitFor("auto", "running");  // the first sync starts automatic instances
  const int pid = s["processID"];
  ::kill(pid, SIGKILL);
  Json restarting = waitFor("auto", "starting", 5s);
  EXPECT_NE(restarting["startStopError"].get<std::string>().find("signal 9"), std::string::npos);
  EXPECT_TRUE(restarting["processID"].is_null());
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(300ms));  // the first backoff
  clock_.advance(299ms);
  EXPECT_TRUE(statusOf("auto")["processID"].is_null());  // not before its time
  clock_.advance(1ms);
  Json again = waitFor("auto", "running");
  EXPECT_NE(again["processID"], pid);
  // A second crash soon after (the fake time stood still) waits twice as long.
  const int pid2 = again["processID"];
  ::kill(pid2, SIGKILL);
  Json r2 = waitFor("auto", "starting", 5s);
  EXPECT_NE(r2["startStopError"].get<std::string>().find("Restarting in 1 s"), std::string::npos) << r2.dump();
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(600ms));
  clock_.advance(600ms);
  Json third = waitFor("auto", "running");
  // After healthy_after of running, a crash starts again from the first backoff.
  clock_.advance(10s);
  ::kill(third["processID"].get<int>(), SIGKILL);
  waitFor("auto", "starting", 5s);
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(300ms));
  clock_.advance(300ms);
  waitFor("auto", "running");
}

TEST_F(SupervisorTest, TheBackoffDoublesUpToItsMaximum) {
  sup_->sync({spec("flaky", "automatic")});
  waitFor("flaky", "running");
  for (auto expected : {300ms, 600ms, 1200ms, 2000ms, 2000ms}) {
    const Json s = statusOf("flaky");
    ::kill(s["processID"].get<int>(), SIGKILL);
    ASSERT_TRUE(clock_.waitForPendingTimers(1));  // the restart is scheduled
    waitFor("flaky", "starting", 5s);
    EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(expected));
    clock_.advance(expected);
    waitFor("flaky", "running");
  }
}

TEST_F(SupervisorTest, CrashedManualInstanceGoesToError) {
  sup_->sync({spec("man")});
  ASSERT_TRUE(sup_->start("man", false).ok());
  ::kill(statusOf("man")["processID"].get<int>(), SIGKILL);
  Json s = waitFor("man", "error");
  EXPECT_NE(s["startStopError"].get<std::string>().find("exited unexpectedly"), std::string::npos);
  EXPECT_EQ(clock_.pendingTimers(), 0u);  // no restart scheduled
  clock_.advance(1h);
  EXPECT_EQ(statusOf("man")["status"], "error");  // not restarted
}

// A program that never says READY is killed at the ready timeout, which
// passes on the supervisor's clock.
TEST_F(SupervisorTest, SilentInstanceTimesOut) {
  const std::string script = dir_ / "silent-instance";
  {
    std::ofstream f(script);
    f << "#!/bin/sh\necho 'starting, but never ready' >&2\ntouch \"$0.said\"\nexec sleep 1000\n";
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  TearDown();
  options_.instance_binary = script;
  sup_ = std::make_unique<InstanceSupervisor>(io_, options_, clock_);
  io_.restart();
  sup_->begin();
  work_ = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(io_.get_executor());
  thread_ = std::thread([this] { io_.run(); });
  sup_->sync({spec("silent")});
  auto started = std::async(std::launch::async, [&] { return sup_->start("silent", false); });
  ASSERT_TRUE(clock_.waitForPendingTimers(1));  // waiting for READY
  EXPECT_EQ(clock_.nextTimerIn(), Clock::Duration(20s));
  const int pid = waitForProcess("silent");
  EXPECT_EQ(::kill(pid, 0), 0);
  for (const auto deadline = std::chrono::steady_clock::now() + 10s;
       !std::filesystem::exists(script + ".said") && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(10ms);  // until it has logged its line (polling with a deadline)
  }
  clock_.advance(20s);
  const Status st = started.get();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("did not report ready within 20 s"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("never ready"), std::string::npos) << st.error().message;  // its last log line
  EXPECT_EQ(statusOf("silent")["status"], "error");
  EXPECT_NE(::kill(pid, 0), 0);  // killed and reaped
}

TEST_F(SupervisorTest, DisabledInstanceCannotStart) {
  sup_->sync({spec("off", "disabled")});
  auto st = sup_->start("off", false);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("disabled"), std::string::npos);
}

TEST_F(SupervisorTest, BrokenDatabaseIsReportedAtStart) {
  std::filesystem::create_directories(dir_ / "inst/broken");
  {
    std::ofstream f(dir_ / "inst/broken/MailStoreMaster.fdb");
    f << std::string(50000, 'x');
  }
  sup_->sync({spec("broken")});
  auto st = sup_->start("broken", false);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("exited during start-up"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("MailStoreMaster.fdb"), std::string::npos) << st.error().message;
  EXPECT_EQ(statusOf("broken")["status"], "error");
}

TEST_F(SupervisorTest, FreezeThawAndSafeMode) {
  sup_->sync({spec("fr")});
  ASSERT_TRUE(sup_->start("fr", true).ok());
  EXPECT_EQ(statusOf("fr")["safeMode"], true);
  ASSERT_TRUE(sup_->freeze("fr").ok());
  EXPECT_EQ(statusOf("fr")["frozen"], true);
  EXPECT_EQ((*sup_->call("fr", "ping", Json::object(), 5s))["frozen"], true);
  ASSERT_TRUE(sup_->thaw("fr").ok());
  EXPECT_EQ(statusOf("fr")["frozen"], false);
}

// A change of the list (a delta from the Management Server) adds, updates
// and forgets instances one by one; the state file follows a second later
// (one write for many changes), and at once on stopAll().
TEST_F(SupervisorTest, UpdatesApplyOneByOneAndTheStateFileFollowsSoon) {
  sup_->sync({spec("a")});
  ASSERT_EQ(loadJsonFile(dir_ / "instances.json")->size(), 1u);
  sup_->update({spec("b"), spec("c")}, {});
  sup_->update({}, {"a"});
  EXPECT_EQ(sup_->knownCount(), 2);
  EXPECT_EQ(loadJsonFile(dir_ / "instances.json")->size(), 1u);  // not yet written
  clock_.advance(999ms);
  EXPECT_EQ(loadJsonFile(dir_ / "instances.json")->size(), 1u);
  clock_.advance(1ms);
  auto saved = loadJsonFile(dir_ / "instances.json");
  ASSERT_EQ(saved->size(), 2u);
  EXPECT_EQ((*saved)[0]["id"], "b");
  EXPECT_EQ((*saved)[1]["id"], "c");
  // An update changes what the next start uses; a running instance is not forgotten.
  ASSERT_TRUE(sup_->start("b", false).ok());
  sup_->update({}, {"b"});
  EXPECT_EQ(statusOf("b")["status"], "running");
  auto changed = spec("c", "automatic");
  sup_->update({changed}, {});
  sup_->stopAll();
  saved = loadJsonFile(dir_ / "instances.json");
  ASSERT_EQ(saved->size(), 2u);
  EXPECT_EQ((*saved)[1]["startMode"], "automatic");
}

TEST_F(SupervisorTest, UnknownInstanceAndStateFile) {
  EXPECT_EQ(sup_->start("nope", false).error().code, ErrorCode::kNotFound);
  sup_->sync({spec("a"), spec("b", "automatic")});
  auto saved = loadJsonFile(dir_ / "instances.json");
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->size(), 2u);
  sup_->sync({spec("a")});
  // "b" leaves the list once it is not running (it may have been auto-started).
  EXPECT_EQ(sup_->knownCount(), 1 + (statusOf("b")["status"] == "stopped" ? 0 : 1));
}

}  // namespace
}  // namespace spe::instancehost
