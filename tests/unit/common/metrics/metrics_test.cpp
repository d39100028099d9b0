#include "common/metrics/metrics.h"

#include <gtest/gtest.h>

#include "common/metrics/filesystem_metrics.h"
#include "common/metrics/monitoring_config.h"

namespace spe::metrics {
namespace {

TEST(Metrics, OneFamilyPerNameAndTheTextFormat) {
  counter("spe_test_calls_total", "Calls.", {{"function", "Ping"}}).Increment();
  counter("spe_test_calls_total", "Ignored help.", {{"function", "Ping"}}).Increment(2);
  {
    InUse one("spe_test_open", "Open now.");
    InUse two("spe_test_open", "Open now.");
    EXPECT_EQ(gauge("spe_test_open", "Open now.").Value(), 2);
  }
  EXPECT_EQ(gauge("spe_test_open", "Open now.").Value(), 0);
  // The same name as another type is not served twice.
  gauge("spe_test_calls_total", "Wrong type.").Set(5);
  const std::string text = toText(collect());
  EXPECT_NE(text.find("# HELP spe_test_calls_total Calls.\n# TYPE spe_test_calls_total counter\n"
                      "spe_test_calls_total{function=\"Ping\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("Wrong type"), std::string::npos);
}

TEST(Metrics, FilesystemOfEachDirectory) {
  auto c = filesystemCollector([] {
    return std::vector<WatchedDirectory>{{"data", "/"}, {"gone", "/no/such/directory"}};
  });
  auto families = c->Collect();
  ASSERT_EQ(families.size(), 3u);
  EXPECT_EQ(families[0].name, "spe_filesystem_avail_bytes");
  ASSERT_EQ(families[0].metric.size(), 1u);  // the missing directory is left out
  EXPECT_GT(families[1].metric[0].gauge.value, 0);
}

TEST(Metrics, MonitoringConfigIsCheckedKeyByKey) {
  const std::vector<std::pair<Json, std::string>> bad = {
      {Json{{"metricsPort", 70000}}, "metricsPort"},
      {Json{{"metricsPort", -2}}, "metricsPort"},
      {Json{{"metricsPort", "9470"}}, "metricsPort"},
      {Json{{"metricsListenAddress", 5}}, "metricsListenAddress"},
      {Json{{"metricsBearerToken", "short"}}, "metricsBearerToken"},
  };
  for (const auto& [doc, key] : bad) {
    JsonReader r(doc, "cfg");
    MonitoringConfig c;
    readMonitoringConfig(r, c);
    auto st = r.finish();
    ASSERT_FALSE(st.ok()) << doc.dump();
    EXPECT_NE(st.error().message.find(key), std::string::npos) << st.error().message;
  }
  const Json good{{"metricsPort", 0}, {"metricsBearerToken", "0123456789abcdef"}};
  JsonReader r(good, "cfg");
  MonitoringConfig c;
  readMonitoringConfig(r, c);
  ASSERT_TRUE(r.finish().ok());
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.listen_address, "127.0.0.1");
}

}  // namespace
}  // namespace spe::metrics
