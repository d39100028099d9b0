#include "common/rpc/silent_peers.h"

#include <gtest/gtest.h>

namespace spe {
namespace {

using std::chrono::seconds;

TEST(SilentPeers, ATimedOutPeerIsSilentForTenSecondsThenTriedAgain) {
  SilentPeers peers;
  const auto t0 = SilentPeers::Clock::time_point() + std::chrono::hours(1);
  EXPECT_FALSE(peers.silentFor("ih2:8472", t0));
  peers.timedOut("ih2:8472", t0);
  EXPECT_EQ(peers.silentFor("ih2:8472", t0), seconds(0));
  EXPECT_EQ(peers.silentFor("ih2:8472", t0 + seconds(9)), seconds(9));
  EXPECT_FALSE(peers.silentFor("ih2:8472", t0 + seconds(10)));  // tried again
  EXPECT_FALSE(peers.silentFor("ih1:8472", t0 + seconds(1)));   // others are not concerned
  EXPECT_FALSE(peers.silentFor("ih2:8473", t0 + seconds(1)));   // nor other ports of it
}

TEST(SilentPeers, AConnectForgetsAndANewTimeoutStartsAgain) {
  SilentPeers peers;
  const auto t0 = SilentPeers::Clock::time_point() + std::chrono::hours(1);
  peers.timedOut("cas1:8473", t0);
  peers.connected("cas1:8473");
  EXPECT_FALSE(peers.silentFor("cas1:8473", t0 + seconds(1)));
  peers.timedOut("cas1:8473", t0 + seconds(20));
  EXPECT_EQ(peers.silentFor("cas1:8473", t0 + seconds(25)), seconds(5));
  EXPECT_FALSE(peers.silentFor("cas1:8473", t0 + seconds(19)));  // a clock that went back: not silent
}

TEST(SilentPeers, BoundedInMemory) {
  SilentPeers peers;
  const auto t0 = SilentPeers::Clock::time_point() + std::chrono::hours(1);
  for (std::size_t i = 0; i < SilentPeers::kMaxPeers; ++i) peers.timedOut("p" + std::to_string(i), t0);
  peers.timedOut("late", t0 + seconds(1));  // full of fresh entries: not remembered
  EXPECT_FALSE(peers.silentFor("late", t0 + seconds(2)));
  peers.timedOut("later", t0 + seconds(11));  // the old ones are past their memory: forgotten for it
  EXPECT_TRUE(peers.silentFor("later", t0 + seconds(12)));
  EXPECT_FALSE(peers.silentFor("p1", t0 + seconds(12)));
}

}  // namespace
}  // namespace spe
