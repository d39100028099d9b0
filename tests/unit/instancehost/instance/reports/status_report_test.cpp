// The status report: its time spans (weeks from Monday, month and year
// ends, leap days), what it gathers from the instance's functions, and the
// mail it renders (problems first, every value escaped in the HTML).
#include "instancehost/instance/reports/status_report.h"

#include <gtest/gtest.h>

namespace spe::instance {
namespace {

ReportSpan span(const std::string& timespan, const std::string& today) {
  auto s = reportSpan(timespan, today);
  EXPECT_TRUE(s.ok()) << timespan << " " << today;
  return s ? *s : ReportSpan{};
}

TEST(ReportSpan, WholeLocalDaysWeeksFromMondayAndMonths) {
  // 2026-12-06 is a Sunday.
  EXPECT_EQ(span("today", "2026-12-06").from, "2026-12-06");
  EXPECT_EQ(span("today", "2026-12-06").to, "2026-12-07");
  EXPECT_EQ(span("Yesterday", "2026-12-06").from, "2026-12-05");
  EXPECT_EQ(span("thisweek", "2026-12-06").from, "2026-11-30");
  EXPECT_EQ(span("thisweek", "2026-12-06").to, "2026-12-07");
  EXPECT_EQ(span("thisweek", "2026-11-30").from, "2026-11-30") << "a Monday begins its own week";
  EXPECT_EQ(span("lastweek", "2026-12-06").from, "2026-11-23");
  EXPECT_EQ(span("lastweek", "2026-12-06").to, "2026-11-30");
  EXPECT_EQ(span("thismonth", "2026-12-06").from, "2026-12-01");
  EXPECT_EQ(span("lastmonth", "2026-12-06").from, "2026-11-01");
  EXPECT_EQ(span("lastmonth", "2026-12-06").to, "2026-12-01");
  EXPECT_EQ(span("lastmonth", "2027-01-15").from, "2026-12-01") << "across the year";
  EXPECT_EQ(span("yesterday", "2024-03-01").from, "2024-02-29") << "leap day";
  EXPECT_EQ(span("lastweek", "2027-01-01").from, "2026-12-21");
  EXPECT_FALSE(reportSpan("fortnight", "2026-12-06").ok());
  EXPECT_NE(reportSpan("", "2026-12-06").error().message.find("'timespan'"), std::string::npos);
}

// The instance as GetWorkerResults & co. would answer.
InstanceFunctionCall fakeInstance(bool has_jobs) {
  return [has_jobs](const std::string& fn, const Json& args) -> Result<Json> {
    if (fn == "GetWorkerResults") {
      EXPECT_EQ(args["fromIncluding"], "2026-12-05");
      return Json::array({
          {{"id", 1},
           {"profileName", "<b>Mail</b>"},
           {"userName", "alice"},
           {"result", "succeeded"},
           {"itemsArchived", 1200}},
          {{"id", 2},
           {"profileName", "<b>Mail</b>"},
           {"userName", "alice"},
           {"result", "failed"},
           {"itemsArchived", 3}},
          {{"id", 3},
           {"profileName", "PST"},
           {"userName", "bob"},
           {"result", "completedWithWarnings"},
           {"itemsArchived", 10}},
      });
    }
    if (fn == "GetWorkerResultReport") {
      const auto id = args["id"].get<int>();
      return Json{{"report",
                   {{"duplicates", id * 10},
                    {"warnings", Json::array({"w"})},
                    {"moreWarnings", id},
                    {"errors", id == 2 ? Json::array({"e1", "e2"}) : Json::array()}}}};
    }
    if (fn == "GetStores") {
      return Json::array({{{"id", 1},
                           {"name", "2026"},
                           {"requestedState", "current"},
                           {"error", nullptr},
                           {"statisticsCount", 5000},
                           {"statisticsSize", 3 << 20},
                           {"searchIndexesNeedRebuild", true},
                           {"needsUpgrade", false}}});
    }
    if (fn == "GetFolderStatistics") {
      Json out = Json::array();
      for (int i = 0; i < 12; ++i) {
        out.push_back({{"folder", "user" + std::to_string(i)}, {"count", i}, {"size", i * 1000}});
        out.push_back({{"folder", "user" + std::to_string(i) + "/Inbox"}, {"count", i}, {"size", 99999999}});
      }
      return out;
    }
    if (fn == "GetJobResults") {
      if (!has_jobs) return makeError(ErrorCode::kNotSupported, "no jobs");
      return Json::array({{{"action", "RunProfile"}, {"result", "succeeded"}, {"startTime", "t1"}},
                          {{"action", "SendStatusReport"}, {"result", "failed"}, {"startTime", "t2"}}});
    }
    return makeError(ErrorCode::kNotSupported, fn);
  };
}

TEST(StatusReport, GathersRunsPerProfileAndUserStoresArchivesAndJobs) {
  auto r = gatherStatusReport(fakeInstance(true), "acme", "yesterday", "Europe/Berlin", "2026-12-06", "now");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->profiles.size(), 2u);
  const auto& mail = r->profiles[1].profile == "<b>Mail</b>" ? r->profiles[1] : r->profiles[0];
  EXPECT_EQ(mail.runs, 2);
  EXPECT_EQ(mail.failed, 1);
  EXPECT_EQ(mail.archived, 1203);
  EXPECT_EQ(mail.duplicates, 30);
  EXPECT_EQ(mail.warnings, 2 + 1 + 2);  // listed + moreWarnings of runs 1 and 2
  EXPECT_EQ(mail.errors, 2);
  ASSERT_EQ(r->largest.size(), kLargestArchives);
  EXPECT_EQ(r->largest[0].name, "user11") << "user archives, largest first";
  EXPECT_EQ(r->largest[0].bytes, 11 * 1000 + 99999999) << "an archive adds up its folders";
  EXPECT_EQ(r->largest[0].messages, 22);
  ASSERT_TRUE(r->jobs);
  EXPECT_EQ(r->jobs_run, 2);
  EXPECT_EQ(r->jobs_failed, 1);
  auto without = gatherStatusReport(fakeInstance(false), "acme", "yesterday", "UTC", "2026-12-06", "now");
  ASSERT_TRUE(without.ok());
  EXPECT_FALSE(without->jobs);
}

TEST(StatusReport, TheMailPutsProblemsFirstAndEscapesEveryValue) {
  auto r = gatherStatusReport(fakeInstance(true), "acme", "yesterday", "UTC", "2026-12-06", "2026-12-06T08:00");
  ASSERT_TRUE(r.ok());
  const auto mail = renderStatusReport(*r);
  EXPECT_NE(mail.subject.find("Yesterday"), std::string::npos) << mail.subject;
  EXPECT_NE(mail.subject.find("3 need attention"), std::string::npos) << mail.subject;
  EXPECT_EQ(mail.html.find("<b>Mail</b>"), std::string::npos) << "names are escaped";
  EXPECT_NE(mail.html.find("&lt;b&gt;Mail&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(mail.text.find("<b>Mail</b>"), std::string::npos) << "the text part shows names as they are";
  EXPECT_LT(mail.text.find("Needs attention"), mail.text.find("Archiving:"));
  EXPECT_NE(mail.text.find("search index needs a rebuild"), std::string::npos);
  EXPECT_NE(mail.text.find("1,203 archived"), std::string::npos);
  EXPECT_NE(mail.text.find("3.0 MB"), std::string::npos);
  for (const char* banned : {"<script", "<img", "<link", "href=", "src="}) {
    EXPECT_EQ(mail.html.find(banned), std::string::npos) << banned;
  }
  StatusReport quiet;
  quiet.instance_id = "calm";
  quiet.timespan = "today";
  const auto calm = renderStatusReport(quiet);
  EXPECT_NE(calm.subject.find("all well"), std::string::npos);
  EXPECT_NE(calm.html.find("None"), std::string::npos) << "empty tables say so";
}

}  // namespace
}  // namespace spe::instance
