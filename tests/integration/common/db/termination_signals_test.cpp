// A stop request that reaches a daemon after it opened a Firebird database
// but before its signal_set exists is not lost (common/base/termination_signals.h):
// Firebird's client library installs its own SIGTERM handler at the first
// attach, which would swallow it.
#include "common/base/termination_signals.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>

#include "common/db/firebird_db.h"
#include "test_dir.h"

namespace spe {
namespace {

// In a child process: opens a database, gets SIGTERM, then handles it as
// a daemon's run() does. Exit status 0 when the handler saw the signal,
// 3 when the signal was swallowed, 4 when no database opened.
int childRun(const std::filesystem::path& dir, bool hold_back) {
  if (hold_back) blockTerminationSignals();
  if (!setFirebirdLockDirectory(dir / ".fblock").ok()) return 4;
  auto db = FirebirdDb::openOrCreate((dir / "t.fdb").string());
  if (!db) return 4;
  ::kill(::getpid(), SIGTERM);  // the stop request, in the window
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  bool handled = false;
  signals.async_wait([&](const boost::system::error_code& ec, int) { handled = !ec; });
  if (hold_back) unblockTerminationSignals();
  // Returns as soon as the handler ran. A signal to oneself is delivered
  // before kill() returns once unblocked, so when it was swallowed a short
  // wait shows it as well as a long one.
  io.run_for(hold_back ? std::chrono::seconds(20) : std::chrono::seconds(1));
  return handled ? 0 : 3;
}

int exitOfChild(const std::filesystem::path& dir, bool hold_back) {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(childRun(dir, hold_back));
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(TerminationSignals, AStopRequestAfterFirebirdOpenedIsHandledWhenHeldBack) {
  testing::TempDir dir;
  EXPECT_EQ(exitOfChild(dir.str(), true), 0);
}

// What the holding back is for: without it Firebird's handler takes the
// signal and the process runs on.
TEST(TerminationSignals, WithoutHoldingBackFirebirdSwallowsTheStopRequest) {
  testing::TempDir dir;
  EXPECT_EQ(exitOfChild(dir.str(), false), 3);
}

}  // namespace
}  // namespace spe
