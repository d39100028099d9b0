// InstanceProcess with /bin/sh standing in for spe-instance: the ready
// line, an early exit, the ready timeout on a FakeClock, a program that
// cannot be run, the host key on descriptor 3, and awaitExits.
#include "instancehost/instance_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <future>
#include <string>

#include "fake_clock.h"

namespace spe::instancehost {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

LaunchOptions shell(const std::string& script) {
  LaunchOptions o;
  o.argv = {"/bin/sh", "-c", script};
  o.host_key_hex = std::string(64, 'a');
  return o;
}

std::unique_ptr<InstanceProcess> spawnOrFail(const LaunchOptions& o) {
  int failed = 0;
  auto p = InstanceProcess::spawn(o, failed);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  EXPECT_EQ(failed, 0);
  return p.ok() ? std::move(*p) : nullptr;
}

int reap(int pid) {
  int st = 0;
  EXPECT_EQ(::waitpid(pid, &st, 0), pid);
  return st;
}

TEST(InstanceProcess, AReadyLineMakesItReadyAndTheKeyIsOnDescriptor3) {
  FakeClock clock;
  // Answers READY only when descriptor 3 carries the key.
  auto p = spawnOrFail(
      shell("read key <&3; [ \"$key\" = " + std::string(64, 'a') + " ] && echo \"READY $$\"; exec sleep 1000"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->awaitReady(clock, 30s), InstanceProcess::Ready::kReady);
  EXPECT_EQ(clock.pendingTimers(), 0u);  // the timeout's timer went with the wait
  ::kill(p->pid(), SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(reap(p->pid())));
}

TEST(InstanceProcess, AProcessThatExitsFirstIsNotReadyAndItsLogIsReadable) {
  FakeClock clock;
  auto p = spawnOrFail(shell("echo 'database damaged' >&2; exit 3"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->awaitReady(clock, 30s), InstanceProcess::Ready::kExited);
  const int st = reap(p->pid());
  EXPECT_EQ(describeExit(st), "exit code 3");
  const int log = p->takeLogPipe();
  ASSERT_GE(log, 0);
  EXPECT_EQ(p->takeLogPipe(), -1);
  char buf[64] = {};
  EXPECT_GT(::read(log, buf, sizeof buf - 1), 0);
  EXPECT_EQ(std::string(buf), "database damaged\n");
  ::close(log);
}

TEST(InstanceProcess, AnotherFirstLineIsNotReady) {
  FakeClock clock;
  auto p = spawnOrFail(shell("echo hello; exec sleep 1000"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->awaitReady(clock, 30s), InstanceProcess::Ready::kExited);
  ::kill(p->pid(), SIGKILL);
  reap(p->pid());
}

TEST(InstanceProcess, TheReadyTimeoutPassesOnTheClock) {
  FakeClock clock;
  auto p = spawnOrFail(shell("exec sleep 1000"));
  ASSERT_TRUE(p);
  auto ready = std::async(std::launch::async, [&] { return p->awaitReady(clock, 30s); });
  ASSERT_TRUE(clock.waitForPendingTimers(1));
  EXPECT_EQ(clock.nextTimerIn(), Clock::Duration(30s));
  clock.advance(29s);
  EXPECT_EQ(ready.wait_for(20ms), std::future_status::timeout);
  clock.advance(1s);
  EXPECT_EQ(ready.get(), InstanceProcess::Ready::kTimedOut);
  ::kill(p->pid(), SIGKILL);
  reap(p->pid());
}

TEST(InstanceProcess, AProgramThatCannotRunIsNamedWithTheStep) {
  LaunchOptions o;
  o.argv = {"/nonexistent/spe-instance"};
  o.host_key_hex = "k";
  int failed = 0;
  auto p = InstanceProcess::spawn(o, failed);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message,
            "Cannot start '/nonexistent/spe-instance': cannot run the program: No such file or directory");
  ASSERT_GT(failed, 0);
  EXPECT_EQ(WEXITSTATUS(reap(failed)), 127);
}

TEST(AwaitExits, ReapsWhatExitsAndReturnsWhatRunsAtTheLimit) {
  FakeClock clock;
  auto quick = spawnOrFail(shell("exit 5"));
  auto slow = spawnOrFail(shell("exec sleep 1000"));
  ASSERT_TRUE(quick && slow);
  std::vector<std::pair<int, int>> reaped;
  auto left = std::async(std::launch::async, [&] {
    return awaitExits({quick->pid(), slow->pid()}, clock, 5s, [&](int pid, int st) { reaped.emplace_back(pid, st); });
  });
  ASSERT_TRUE(clock.waitForPendingTimers(1));
  clock.advance(5s);
  EXPECT_EQ(left.get(), std::vector<int>{slow->pid()});
  ASSERT_EQ(reaped.size(), 1u);
  EXPECT_EQ(reaped[0].first, quick->pid());
  EXPECT_EQ(describeExit(reaped[0].second), "exit code 5");
  ::kill(slow->pid(), SIGKILL);
  auto rest = awaitExits({slow->pid()}, clock, 5s, [&](int pid, int st) { reaped.emplace_back(pid, st); });
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(describeExit(reaped.back().second), "signal 9 SIGKILL");
}

}  // namespace
}  // namespace spe::instancehost
