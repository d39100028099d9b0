// Pure logic of the archive: mbox splitting, privilege lists, time zones,
// record sealing (UTF-8 clamping: tests/unit/common/mime/message_headers_test.cpp).
#include <gtest/gtest.h>

#include "instancehost/instance/archiving/file_sources.h"
#include "instancehost/instance/model/time_zones.h"
#include "instancehost/instance/model/users.h"
#include "store/records.h"

namespace spe::instance {
namespace {

TEST(SplitMbox, SeparatorsBlankLinesAndEscapes) {
  const std::string text =
      "From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody\n>From here\n>>From there\n\n"
      "From c@d Mon Jan  1 00:00:00 2024\r\nSubject: two\r\n\r\nFrom inside a line is fine\r\n\r\n";
  const auto m = splitMbox(text);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], "Subject: one\n\nbody\nFrom here\n>From there\n");
  EXPECT_EQ(m[1], "Subject: two\r\n\r\nFrom inside a line is fine\r\n");
}

TEST(SplitMbox, TextWithoutSeparatorIsOneMessageAndEmptyIsNone) {
  EXPECT_EQ(splitMbox("Subject: x\n\nbody\n").size(), 1u);
  EXPECT_TRUE(splitMbox("").empty());
  EXPECT_TRUE(splitMbox("\n\n").empty());
}

TEST(PrivilegeList, ExclusiveValuesUnknownValuesAndCase) {
  auto ok = parsePrivilegeList("login, Archive,login", kUserPrivileges, {"none", "admin"}, "privileges");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, (std::vector<std::string>{"login", "archive"}));
  EXPECT_FALSE(parsePrivilegeList("admin,login", kUserPrivileges, {"none", "admin"}, "privileges").ok());
  EXPECT_FALSE(parsePrivilegeList("", kUserPrivileges, {"none", "admin"}, "privileges").ok());
  auto bad = parsePrivilegeList("read,fly", kFolderPrivileges, {"none"}, "privileges");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'fly'"), std::string::npos);
}

TEST(TimeZones, IanaWindowsLocalAndBadIds) {
  EXPECT_EQ(*resolveTimeZone("Europe/Berlin"), "Europe/Berlin");
  EXPECT_EQ(*resolveTimeZone("W. Europe Standard Time"), "Europe/Berlin");
  EXPECT_TRUE(resolveTimeZone("$Local").ok());
  EXPECT_FALSE(resolveTimeZone("Nowhere/Special").ok());
  // 2024-07-01 12:00 in Berlin is 10:00 UTC (summer time).
  EXPECT_EQ(*parseLocalTime("2024-07-01T12:00:00", "Europe/Berlin", "x"), 1719828000);
  EXPECT_EQ(*parseLocalTime("2024-07-01", "UTC", "x"), 1719792000);
  EXPECT_EQ(formatLocalTime(1719828000, "Europe/Berlin"), "2024-07-01T12:00:00+02:00");
  EXPECT_EQ(formatLocalTime(1704103860, "America/New_York"), "2024-01-01T05:11:00-05:00");
  for (const char* bad : {"2024-13-01", "yesterday", "2024-01-01T25:00", "2024-01-01X10:00:00", "1969-12-31"}) {
    EXPECT_FALSE(parseLocalTime(bad, "UTC", "fromIncluding").ok()) << bad;
  }
}

// The list is kept between calls: never past a zone's offset change.
TEST(TimeZones, TheListShowsEachZonesOffsetOnBothSidesOfATransition) {
  auto berlin = [](const Json& list) {
    for (const auto& z : list) {
      if (z["id"] == "Europe/Berlin") return z["displayName"].get<std::string>();
    }
    return std::string("missing");
  };
  const std::int64_t summer_time = 1711846800;  // 2024-03-31 01:00 UTC: Berlin goes to +02:00
  EXPECT_EQ(berlin(listTimeZones(summer_time - 3600)), "(UTC+01:00) Europe/Berlin");
  EXPECT_EQ(berlin(listTimeZones(summer_time - 1)), "(UTC+01:00) Europe/Berlin");
  EXPECT_EQ(berlin(listTimeZones(summer_time)), "(UTC+02:00) Europe/Berlin");
  EXPECT_EQ(berlin(listTimeZones(summer_time - 1)), "(UTC+01:00) Europe/Berlin");  // a clock set back
  const Json now = listTimeZones();
  EXPECT_GT(now.size(), 300u);
  EXPECT_EQ(now[0]["id"], "$Local");
}

TEST(Records, ContentOpensOnlyWithItsKeyStoreAndHash) {
  const Key256 key = randomKey();
  const std::string raw = "Subject: x\r\n\r\n" + std::string(1000, 'y');
  const auto sealed = store::sealContent(key, "guid-1", raw, 3);
  EXPECT_EQ(sealed.record.find("yyyy"), std::string::npos);
  EXPECT_EQ(*store::openContent(key, "guid-1", sealed.record, sealed.sha256, nullptr), raw);
  EXPECT_FALSE(store::openContent(key, "guid-2", sealed.record, sealed.sha256, nullptr).ok());
  EXPECT_FALSE(store::openContent(randomKey(), "guid-1", sealed.record, sealed.sha256, nullptr).ok());
  EXPECT_FALSE(store::openContent(key, "guid-1", sealed.record, sha256("other"), nullptr).ok());
  std::string damaged = sealed.record;
  damaged[damaged.size() / 2] ^= 1;
  EXPECT_FALSE(store::openContent(key, "guid-1", damaged, sealed.sha256, nullptr).ok());
}

TEST(Records, RecoveryScanStopsAtATornTail) {
  const Key256 key = randomKey();
  std::string segment = store::sealRecovery(key, "g", 1, Json::array({Json{{"t", "f"}, {"p", "a"}}}));
  const auto first = segment.size();
  segment += store::sealRecovery(key, "g", 2,
                                 Json::array({Json{{"t", "f"}, {"p", "b"}}, Json{{"t", "f"}, {"p", "c"}}}));
  std::vector<std::string> seen;
  auto scan = store::scanRecovery(key, "g", segment.substr(0, segment.size() - 3),
                                  [&](std::uint64_t, const Json& c) { seen.push_back(c["p"]); });
  EXPECT_EQ(seen, (std::vector<std::string>{"a"}));
  EXPECT_EQ(scan.valid_length, first);
  EXPECT_FALSE(scan.error.empty());
  seen.clear();
  scan = store::scanRecovery(key, "g", segment, [&](std::uint64_t, const Json& c) { seen.push_back(c["p"]); });
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_TRUE(scan.error.empty());
}

}  // namespace
}  // namespace spe::instance
