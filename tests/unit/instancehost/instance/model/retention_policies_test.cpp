// Retention policies: the strict check of the JSON (each error names its
// field path), the stored form, the period arithmetic (month ends, leap
// years, time of day), scopes (all archives, users case-insensitively,
// folders with and without subfolders), message date against archive date
// with a fixed "now", several policies on one message (the longest wins),
// and the stores' readiness rule.
#include "instancehost/instance/model/retention_policies.h"

#include <gtest/gtest.h>

#include <ctime>

namespace spe::instance {
namespace {

std::int64_t utc(const char* text) {
  std::tm tm{};
  EXPECT_NE(strptime(text, "%Y-%m-%dT%H:%M:%S", &tm), nullptr) << text;
  return static_cast<std::int64_t>(timegm(&tm));
}

Json policy(Json scope, Json period, const char* from = "messageDate", const char* name = "p") {
  return {{"name", name}, {"scope", scope}, {"period", period}, {"from", from}, {"action", "delete"}};
}

Json config(std::initializer_list<Json> policies) {
  Json list = Json::array();
  for (const auto& p : policies) list.push_back(p);
  return {{"policies", list}};
}

std::vector<RetentionPolicy> parsed(const Json& c) {
  auto p = parseRetentionPolicies(c);
  EXPECT_TRUE(p.ok()) << (p ? "" : p.error().message);
  return p ? *p : std::vector<RetentionPolicy>{};
}

// The field path the error names (its details), "" when accepted.
std::string refusedAt(const Json& c) {
  auto p = parseRetentionPolicies(c);
  if (p) return "";
  EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(p.error().message.find("'" + p.error().details + "'"), std::string::npos) << p.error().message;
  return p.error().details;
}

const Json kAll = {{"kind", "allArchives"}};
const Json kTenYears = {{"years", 10}};

TEST(RetentionPolicies, ValidConfigRoundTrips) {
  const Json c = config(
      {policy(kAll, kTenYears, "messageDate", "Everything after 10 years"),
       policy({{"kind", "users"}, {"users", {"jdoe", "Alice"}}}, {{"months", 18}}, "archiveDate", "Two users"),
       policy({{"kind", "folders"}, {"folders", {" jdoe / Inbox "}}, {"includeSubfolders", false}},
              {{"years", 1}, {"months", 2}, {"days", 3}}, "messageDate", "Inbox only")});
  auto p = parsed(c);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[1].scope.users, (std::vector<std::string>{"jdoe", "Alice"}));
  EXPECT_EQ(p[1].from, RetentionFrom::kArchiveDate);
  EXPECT_EQ(p[2].scope.folders, (std::vector<std::string>{"jdoe/Inbox"}));  // normalised
  EXPECT_FALSE(p[2].scope.include_subfolders);
  EXPECT_EQ(p[2].period, (RetentionPeriod{1, 2, 3}));
  const Json out = retentionPoliciesToJson(p);
  EXPECT_EQ(out["policies"][0], (Json{{"name", "Everything after 10 years"},
                                      {"scope", {{"kind", "allArchives"}}},
                                      {"period", {{"years", 10}, {"months", 0}, {"days", 0}}},
                                      {"from", "messageDate"},
                                      {"action", "delete"}}));
  EXPECT_EQ(out["policies"][2]["scope"],
            (Json{{"kind", "folders"}, {"folders", {"jdoe/Inbox"}}, {"includeSubfolders", false}}));
  // The answered form is accepted again and gives the same policies.
  EXPECT_EQ(retentionPoliciesToJson(parsed(out)), out);
  // Subfolders are included unless said otherwise; no policies is valid.
  EXPECT_TRUE(
      parsed(config({policy({{"kind", "folders"}, {"folders", {"a/b"}}}, kTenYears)}))[0].scope.include_subfolders);
  EXPECT_TRUE(parsed(config({})).empty());
}

TEST(RetentionPolicies, EachErrorNamesItsField) {
  EXPECT_EQ(refusedAt(Json::array()), "config");
  EXPECT_EQ(refusedAt(Json::object()), "config.policies");
  EXPECT_EQ(refusedAt({{"policies", Json::array()}, {"extra", 1}}), "config.extra");
  EXPECT_EQ(refusedAt({{"policies", "x"}}), "config.policies");
  const Json good = policy(kAll, kTenYears);
  // The third policy (index 2) is the one that is wrong.
  auto third = [&](const char* key, Json value) {
    Json p = policy(kAll, kTenYears, "messageDate", "third");
    if (value.is_null()) {
      p.erase(key);
    } else {
      p[key] = value;
    }
    return refusedAt(config({good, policy(kAll, kTenYears, "messageDate", "second"), p}));
  };
  EXPECT_EQ(third("name", nullptr), "config.policies[2].name");
  EXPECT_EQ(third("name", ""), "config.policies[2].name");
  EXPECT_EQ(third("name", "   "), "config.policies[2].name");
  EXPECT_EQ(third("name", std::string(101, 'n')), "config.policies[2].name");
  EXPECT_EQ(third("name", "P"), "config.policies[2].name");  // the first policy's name, other case
  EXPECT_EQ(third("name", 5), "config.policies[2].name");
  EXPECT_EQ(third("colour", "red"), "config.policies[2].colour");
  EXPECT_EQ(third("action", "archive"), "config.policies[2].action");
  EXPECT_EQ(third("action", nullptr), "config.policies[2].action");
  EXPECT_EQ(third("from", "receivedDate"), "config.policies[2].from");
  EXPECT_EQ(third("scope", nullptr), "config.policies[2].scope");
  EXPECT_EQ(third("scope", "all"), "config.policies[2].scope");
  EXPECT_EQ(third("scope", Json{{"kind", "everything"}}), "config.policies[2].scope.kind");
  EXPECT_EQ(third("scope", Json{{"kind", "allArchives"}, {"users", {"a"}}}), "config.policies[2].scope.users");
  EXPECT_EQ(third("scope", Json{{"kind", "users"}}), "config.policies[2].scope.users");
  EXPECT_EQ(third("scope", (Json{{"kind", "users"}, {"users", Json::array()}})), "config.policies[2].scope.users");
  EXPECT_EQ(third("scope", (Json{{"kind", "users"}, {"users", {"a", 3}}})), "config.policies[2].scope.users[1]");
  EXPECT_EQ(third("scope", (Json{{"kind", "users"}, {"users", {"a", "A"}}})), "config.policies[2].scope.users[1]");
  EXPECT_EQ(third("scope", (Json{{"kind", "users"}, {"users", {"a/b"}}})), "config.policies[2].scope.users[0]");
  EXPECT_EQ(third("scope", (Json{{"kind", "users"}, {"users", {"a"}}, {"includeSubfolders", true}})),
            "config.policies[2].scope.includeSubfolders");
  EXPECT_EQ(third("scope", (Json{{"kind", "folders"}, {"folders", {"a", "/"}}})),
            "config.policies[2].scope.folders[1]");
  EXPECT_EQ(third("scope", (Json{{"kind", "folders"}, {"folders", {"a/b", "a//b/"}}})),
            "config.policies[2].scope.folders[1]");
  EXPECT_EQ(third("scope", (Json{{"kind", "folders"}, {"folders", {"a\tb"}}})), "config.policies[2].scope.folders[0]");
  EXPECT_EQ(third("scope", (Json{{"kind", "folders"}, {"folders", {"a"}}, {"includeSubfolders", "yes"}})),
            "config.policies[2].scope.includeSubfolders");
  EXPECT_EQ(third("period", nullptr), "config.policies[2].period");
  EXPECT_EQ(third("period", Json::object()), "config.policies[2].period");  // nothing at all
  EXPECT_EQ(third("period", (Json{{"years", 0}, {"months", 0}, {"days", 0}})), "config.policies[2].period");
  EXPECT_EQ(third("period", (Json{{"months", -1}})), "config.policies[2].period.months");
  EXPECT_EQ(third("period", (Json{{"months", 1.5}})), "config.policies[2].period.months");
  EXPECT_EQ(third("period", (Json{{"months", "3"}})), "config.policies[2].period.months");
  EXPECT_EQ(third("period", (Json{{"years", 101}})), "config.policies[2].period.years");
  EXPECT_EQ(third("period", (Json{{"days", 36501}})), "config.policies[2].period.days");
  EXPECT_EQ(third("period", (Json{{"weeks", 2}})), "config.policies[2].period.weeks");
  // Limits that hold: 100 policies, the largest periods.
  Json many = Json::array();
  for (int i = 0; i < 101; ++i) many.push_back(policy(kAll, kTenYears, "messageDate", std::to_string(i).c_str()));
  EXPECT_EQ(refusedAt({{"policies", many}}), "config.policies");
  many.erase(many.size() - 1);
  EXPECT_EQ(refusedAt({{"policies", many}}), "");
  EXPECT_EQ(refusedAt(config({policy(kAll, {{"years", 100}, {"months", 1200}, {"days", 36500}})})), "");
}

TEST(RetentionPolicies, PeriodArithmetic) {
  auto plus = [](const char* start, RetentionPeriod p) {
    const std::int64_t t = addRetentionPeriod(utc(start), p);
    char buf[32];
    std::tm tm{};
    const std::time_t tt = static_cast<std::time_t>(t);
    gmtime_r(&tt, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return std::string(buf);
  };
  EXPECT_EQ(plus("2016-03-05T13:14:15", {10, 0, 0}), "2026-03-05T13:14:15");  // time of day kept
  EXPECT_EQ(plus("2026-01-31T00:00:00", {0, 1, 0}), "2026-02-28T00:00:00");   // cut to the month's end
  EXPECT_EQ(plus("2024-01-31T00:00:00", {0, 1, 0}), "2024-02-29T00:00:00");   // leap year
  EXPECT_EQ(plus("2024-02-29T08:00:00", {1, 0, 0}), "2025-02-28T08:00:00");
  EXPECT_EQ(plus("2024-02-29T08:00:00", {4, 0, 0}), "2028-02-29T08:00:00");
  EXPECT_EQ(plus("2025-08-31T00:00:00", {0, 6, 0}), "2026-02-28T00:00:00");
  EXPECT_EQ(plus("2025-10-31T23:59:59", {0, 1, 0}), "2025-11-30T23:59:59");
  EXPECT_EQ(plus("2025-12-15T00:00:00", {0, 1, 0}), "2026-01-15T00:00:00");  // over the year's end
  EXPECT_EQ(plus("2025-01-31T00:00:00", {0, 1, 1}), "2025-03-01T00:00:00");  // months first, then days
  EXPECT_EQ(plus("2024-02-28T00:00:00", {0, 0, 1}), "2024-02-29T00:00:00");
  EXPECT_EQ(plus("2023-02-28T00:00:00", {0, 0, 1}), "2023-03-01T00:00:00");
  EXPECT_EQ(plus("2020-01-01T00:00:00", {0, 0, 366}), "2021-01-01T00:00:00");
  EXPECT_EQ(plus("2020-05-20T00:00:00", {1, 14, 0}), "2022-07-20T00:00:00");  // 14 months = 1 year 2 months
  EXPECT_EQ(plus("1969-12-31T12:00:00", {0, 0, 1}), "1970-01-01T12:00:00");   // before the epoch
}

TEST(RetentionPolicies, MessageDateAgainstArchiveDate) {
  const auto p = parsed(config({policy(kAll, {{"years", 1}}, "messageDate", "by date")}));
  const auto a = parsed(config({policy(kAll, {{"years", 1}}, "archiveDate", "by archiving")}));
  const std::int64_t now = utc("2026-06-15T12:00:00");
  const std::int64_t old_date = utc("2025-06-15T11:59:59");  // a year and a second ago
  const std::int64_t recent = utc("2025-06-15T12:00:01");    // a second short of a year
  // Message date decides for the first, archive date for the second.
  auto v = retentionVerdict(p, "jdoe/Inbox", old_date, recent, now);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->expired_at, utc("2026-06-15T11:59:59"));
  EXPECT_FALSE(retentionVerdict(a, "jdoe/Inbox", old_date, recent, now));
  EXPECT_FALSE(retentionVerdict(p, "jdoe/Inbox", recent, old_date, now));
  EXPECT_TRUE(retentionVerdict(a, "jdoe/Inbox", recent, old_date, now));
  // Exactly at the end counts as run out.
  EXPECT_TRUE(retentionVerdict(p, "jdoe/Inbox", utc("2025-06-15T12:00:00"), now, now));
  // No message date: counted from the archive date.
  EXPECT_TRUE(retentionVerdict(p, "jdoe/Inbox", 0, old_date, now));
  EXPECT_FALSE(retentionVerdict(p, "jdoe/Inbox", 0, recent, now));
  // A date in the future never runs out now.
  EXPECT_FALSE(retentionVerdict(p, "jdoe/Inbox", utc("2030-01-01T00:00:00"), old_date, now));
  // Leap day: a message of 29 Feb 2024 with a 1-year policy ends on 28 Feb 2025.
  EXPECT_FALSE(retentionVerdict(p, "x", utc("2024-02-29T10:00:00"), 0, utc("2025-02-28T09:59:59")));
  EXPECT_TRUE(retentionVerdict(p, "x", utc("2024-02-29T10:00:00"), 0, utc("2025-02-28T10:00:00")));
}

TEST(RetentionPolicies, Scopes) {
  const auto p = parsed(
      config({policy({{"kind", "users"}, {"users", {"JDoe", "bob"}}}, kTenYears, "messageDate", "users"),
              policy({{"kind", "folders"}, {"folders", {"alice/Projects"}}, {"includeSubfolders", true}}, kTenYears,
                     "messageDate", "with subfolders"),
              policy({{"kind", "folders"}, {"folders", {"carol/Inbox"}}, {"includeSubfolders", false}}, kTenYears,
                     "messageDate", "without subfolders")}));
  auto covers = [&](std::size_t i, const char* folder) { return retentionCovers(p[i], folder); };
  EXPECT_TRUE(covers(0, "jdoe"));
  EXPECT_TRUE(covers(0, "jdoe/Inbox/2019"));  // user names compare case-insensitively
  EXPECT_TRUE(covers(0, "BOB/Sent"));
  EXPECT_FALSE(covers(0, "jdoe2/Inbox"));
  EXPECT_FALSE(covers(0, "alice/jdoe"));
  EXPECT_TRUE(covers(1, "alice/Projects"));
  EXPECT_TRUE(covers(1, "alice/Projects/2019/Q1"));
  EXPECT_FALSE(covers(1, "alice/Projects 2019"));  // a sibling sharing the prefix
  EXPECT_FALSE(covers(1, "alice/projects"));       // folder paths are exact
  EXPECT_FALSE(covers(1, "alice"));
  EXPECT_TRUE(covers(2, "carol/Inbox"));
  EXPECT_FALSE(covers(2, "carol/Inbox/Sub"));
  EXPECT_TRUE(retentionMayCoverArchive(p, "jdoe"));
  EXPECT_TRUE(retentionMayCoverArchive(p, "alice"));
  EXPECT_TRUE(retentionMayCoverArchive(p, "carol"));
  EXPECT_FALSE(retentionMayCoverArchive(p, "dave"));
  EXPECT_TRUE(retentionMayCoverArchive(parsed(config({policy(kAll, kTenYears)})), "dave"));

  // Uncovered messages are never due, however old.
  const std::int64_t now = utc("2026-01-01T00:00:00");
  const std::int64_t ancient = utc("1990-01-01T00:00:00");
  EXPECT_FALSE(retentionVerdict(p, "dave/Inbox", ancient, ancient, now));
  EXPECT_FALSE(retentionVerdict(p, "carol/Inbox/Sub", ancient, ancient, now));
  EXPECT_TRUE(retentionVerdict(p, "carol/Inbox", ancient, ancient, now));
}

TEST(RetentionPolicies, TheLongestCoveringPolicyWins) {
  const auto p = parsed(config(
      {policy(kAll, {{"years", 10}}, "messageDate", "ten years"),
       policy({{"kind", "folders"}, {"folders", {"jdoe/Contracts"}}}, {{"years", 30}}, "messageDate", "contracts"),
       policy({{"kind", "users"}, {"users", {"jdoe"}}}, {{"years", 2}}, "archiveDate", "jdoe by archive date")}));
  const std::int64_t now = utc("2026-01-01T00:00:00");
  const std::int64_t date = utc("2000-01-01T00:00:00");
  const std::int64_t archived = utc("2020-01-01T00:00:00");
  // Contracts are kept for 30 years even though the other two ran out.
  EXPECT_FALSE(retentionVerdict(p, "jdoe/Contracts/x", date, archived, now));
  // Elsewhere in jdoe: both covering policies ran out; the one that held it
  // longest is named (10 years from 2000 = 2010, 2 years from 2020 = 2022).
  auto v = retentionVerdict(p, "jdoe/Inbox", date, archived, now);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->policy, 2u);
  EXPECT_EQ(v->expired_at, utc("2022-01-01T00:00:00"));
  // Archived a year ago: the 2-year policy still keeps it.
  EXPECT_FALSE(retentionVerdict(p, "jdoe/Inbox", date, utc("2025-01-01T00:00:00"), now));
  // Another user: only the 10-year policy applies.
  v = retentionVerdict(p, "bob/Inbox", date, utc("2025-01-01T00:00:00"), now);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->policy, 0u);
  EXPECT_FALSE(retentionVerdict({}, "bob/Inbox", date, archived, now));  // no policies: nothing goes
}

TEST(RetentionPolicies, LongestPeriod) {
  const std::int64_t from = utc("2026-01-31T00:00:00");
  EXPECT_FALSE(longestRetentionPeriod({}, from));
  const auto p = parsed(config({policy(kAll, {{"months", 13}}, "messageDate", "a"),
                                policy(kAll, {{"years", 1}, {"days", 30}}, "messageDate", "b"),
                                policy(kAll, {{"days", 300}}, "archiveDate", "c")}));
  // From 31 Jan 2026: 13 months = 28 Feb 2027; 1 year 30 days = 2 Mar 2027.
  EXPECT_EQ(*longestRetentionPeriod(p, from), (RetentionPeriod{1, 0, 30}));
  EXPECT_EQ(*longestRetentionPeriod({p[0], p[2]}, from), (RetentionPeriod{0, 13, 0}));
}

TEST(RetentionPolicies, StoresMustBeInANormalState) {
  auto store = [](int id, const char* state, Json error = nullptr, bool upgrade = false) {
    return Json{{"id", id},
                {"name", "S" + std::to_string(id)},
                {"requestedState", state},
                {"error", error},
                {"needsUpgrade", upgrade}};
  };
  EXPECT_TRUE(retentionStoresReady(Json::array({store(1, "current"), store(2, "normal")})).ok());
  EXPECT_TRUE(retentionStoresReady(Json::array()).ok());
  for (const auto& bad : {store(2, "writeProtected"), store(2, "disabled"), store(2, "normal", "cannot open"),
                          store(2, "normal", nullptr, true)}) {
    auto st = retentionStoresReady(Json::array({store(1, "current"), bad}));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(st.error().message.find("'S2' (id 2)"), std::string::npos) << st.error().message;
    EXPECT_EQ(st.error().message.find("'S1'"), std::string::npos) << st.error().message;
  }
  auto st = retentionStoresReady(Json::array({store(1, "writeProtected"), store(2, "disabled")}));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("writeProtected"), std::string::npos);
  EXPECT_NE(st.error().message.find("disabled"), std::string::npos);
}

}  // namespace
}  // namespace spe::instance
