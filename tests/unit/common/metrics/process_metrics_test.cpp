#include "common/metrics/process_metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace spe::metrics {
namespace {

// Field 2 (the command) may hold spaces and parentheses: the fields are
// counted from the last ')'.
TEST(ProcessMetrics, ParsesProcStatWhateverTheCommandName) {
  const std::string stat =
      "4242 (spe (i) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 150 0 0 20 0 7 0 1000 104857600 2560 "
      "18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";
  auto p = parseProcStat(stat, 100, 4096, 1700000000);
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->cpu_seconds, 4.0);                  // (250 + 150) / 100
  EXPECT_DOUBLE_EQ(p->start_time_seconds, 1700000010.0);  // btime + 1000 / 100
  EXPECT_EQ(p->threads, 7u);
  EXPECT_EQ(p->virtual_bytes, 104857600u);
  EXPECT_EQ(p->resident_bytes, 2560u * 4096u);
}

TEST(ProcessMetrics, RefusesWhatIsNoProcStat) {
  EXPECT_FALSE(parseProcStat("", 100, 4096, 0).has_value());
  EXPECT_FALSE(parseProcStat("1 (x) S 1 2 3", 100, 4096, 0).has_value());
  EXPECT_FALSE(parseProcStat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 ab 1 0 0 20 0 1 0 10 100 10", 100, 4096, 0).has_value());
  EXPECT_FALSE(parseProcStat("no parenthesis at all", 100, 4096, 0).has_value());
}

TEST(ProcessMetrics, ReadsThisProcess) {
  auto p = readProcessFacts(::getpid());
  ASSERT_TRUE(p.has_value());
  EXPECT_GT(p->resident_bytes, 0u);
  EXPECT_GE(p->threads, 1u);
  ASSERT_TRUE(p->open_fds.has_value());
  EXPECT_GE(*p->open_fds, 3u);
  std::vector<prometheus::MetricFamily> out;
  appendProcessFamilies(out, "spe_instance_process_", *p, {{"instance", "a"}});
  appendProcessFamilies(out, "spe_instance_process_", *p, {{"instance", "b"}});
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].name, "spe_instance_process_cpu_seconds_total");
  EXPECT_EQ(out[0].metric.size(), 2u);  // one family, a series per instance
  EXPECT_FALSE(readProcessFacts(-5).has_value());
}

}  // namespace
}  // namespace spe::metrics
