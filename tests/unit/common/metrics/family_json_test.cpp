#include "common/metrics/family_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace spe::metrics {
namespace {

Json good() {
  return Json::parse(R"([
    {"name": "spe_archived_messages_total", "help": "h", "type": "counter",
     "metrics": [{"labels": {}, "value": 7}]},
    {"name": "spe_store_messages", "help": "h", "type": "gauge",
     "metrics": [{"labels": {"store": "DefaultFileGroup"}, "value": 113}]},
    {"name": "spe_search_duration_seconds", "help": "h", "type": "histogram",
     "metrics": [{"labels": {}, "count": 3, "sum": 0.5, "buckets": [[0.1, 1], [1, 3]]}]}
  ])");
}

TEST(FamilyJson, ReadsWhatItWritesAndAddsTheHostsLabels) {
  auto families = familiesFromJson(good(), {{"instance", "acme"}});
  ASSERT_TRUE(families.ok()) << families.error().message;
  ASSERT_EQ(families->size(), 3u);
  const auto& gauge = (*families)[1].metric.at(0);
  EXPECT_EQ(gauge.gauge.value, 113);
  ASSERT_EQ(gauge.label.size(), 2u);
  EXPECT_EQ(gauge.label[1].name, "instance");
  EXPECT_EQ(gauge.label[1].value, "acme");
  const auto& h = (*families)[2].metric.at(0).histogram;
  ASSERT_EQ(h.bucket.size(), 3u);  // +Inf added
  EXPECT_TRUE(std::isinf(h.bucket.back().upper_bound));
  EXPECT_EQ(h.bucket.back().cumulative_count, 3u);
  // Written again (without the host's label), it reads back the same.
  Json again = familiesToJson(*families);
  for (auto& f : again) {
    for (auto& m : f["metrics"]) m["labels"].erase("instance");
  }
  EXPECT_EQ(again, good());
  const std::string text = toText(*families);
  EXPECT_NE(text.find("spe_store_messages{store=\"DefaultFileGroup\",instance=\"acme\"} 113"), std::string::npos)
      << text;
  EXPECT_NE(text.find("spe_search_duration_seconds_bucket{instance=\"acme\",le=\"+Inf\"} 3"), std::string::npos)
      << text;
}

// Every way an instance's answer can be wrong is refused, with the family
// or field named, and nothing of it is kept.
TEST(FamilyJson, RefusesEachKindOfBadAnswer) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"name": "x"})", "must be an array"},
      {R"([1])", "must be an object"},
      {R"([{"help": "h", "type": "gauge", "metrics": []}])", "'name'"},
      {R"([{"name": "process_cpu_seconds_total", "help": "h", "type": "gauge", "metrics": []}])", "spe_"},
      {R"([{"name": "spe_a-b", "help": "h", "type": "gauge", "metrics": []}])", "spe_"},
      {R"([{"name": "spe_a", "type": "gauge", "metrics": []}])", "'help'"},
      {R"([{"name": "spe_a", "help": "h", "type": "summary", "metrics": []}])", "'type'"},
      {R"([{"name": "spe_a", "help": "h", "type": "gauge"}])", "'metrics'"},
      {R"([{"name": "spe_a", "help": "h", "type": "gauge", "metrics": [1]}])", "not an object"},
      {R"([{"name": "spe_a", "help": "h", "type": "gauge", "metrics": [{"labels": {}}]}])", "without a 'value'"},
      {R"([{"name": "spe_a", "help": "h", "type": "gauge", "metrics": [{"value": "1"}]}])", "must be a number"},
      {R"([{"name": "spe_a", "help": "h", "type": "gauge", "metrics": [{"labels": {"instance": "other"}, "value": 1}]}])",
       "label name"},
      {R"([{"name": "spe_a", "help": "h", "type": "gauge", "metrics": [{"labels": {"__name__": "x"}, "value": 1}]}])",
       "label name"},
      {R"([{"name": "spe_a", "help": "h", "type": "gauge", "metrics": [{"labels": {"a b": "x"}, "value": 1}]}])",
       "label name"},
      {R"([{"name": "spe_a", "help": "h", "type": "gauge", "metrics": [{"labels": {"a": 1}, "value": 1}]}])",
       "label value"},
      {R"([{"name": "spe_a", "help": "h", "type": "gauge", "metrics": [{"labels": [], "value": 1}]}])", "'labels'"},
      {R"([{"name": "spe_h", "help": "h", "type": "histogram", "metrics": [{"sum": 1, "buckets": []}]}])", "'count'"},
      {R"([{"name": "spe_h", "help": "h", "type": "histogram", "metrics": [{"count": 1, "buckets": []}]}])", "'sum'"},
      {R"([{"name": "spe_h", "help": "h", "type": "histogram", "metrics": [{"count": 1, "sum": 1}]}])", "'buckets'"},
      {R"([{"name": "spe_h", "help": "h", "type": "histogram", "metrics": [{"count": 3, "sum": 1, "buckets": [[1, 2], [0.5, 3]]}]}])",
       "out of order"},
      {R"([{"name": "spe_h", "help": "h", "type": "histogram", "metrics": [{"count": 3, "sum": 1, "buckets": [[1, 4]]}]}])",
       "out of order"},
      {R"([{"name": "spe_h", "help": "h", "type": "histogram", "metrics": [{"count": 3, "sum": 1, "buckets": [[1]]}]}])",
       "malformed bucket"},
      {R"([{"name": "spe_h", "help": "h", "type": "histogram", "metrics": [{"count": -1, "sum": 1, "buckets": []}]}])",
       "'count'"},
  };
  for (const auto& [text, expected] : cases) {
    auto r = familiesFromJson(Json::parse(text), {{"instance", "acme"}});
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kProtocol) << text;
    EXPECT_NE(r.error().message.find(expected), std::string::npos) << text << " -> " << r.error().message;
  }
}

TEST(FamilyJson, RefusesAnswersOverItsLimits) {
  FamilyJsonLimits limits;
  limits.max_families = 2;
  limits.max_series = 3;
  limits.max_text = 4;
  Json many = Json::array();
  for (int i = 0; i < 3; ++i) {
    many.push_back(
        Json{{"name", "spe_a" + std::to_string(i)}, {"help", "h"}, {"type", "gauge"}, {"metrics", Json::array()}});
  }
  auto r = familiesFromJson(many, {}, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("more than 2 families"), std::string::npos) << r.error().message;
  Json series = Json::array({Json{
      {"name", "spe_a"},
      {"help", "h"},
      {"type", "gauge"},
      {"metrics", Json::array({Json{{"value", 1}}, Json{{"value", 2}}, Json{{"value", 3}}, Json{{"value", 4}}})}}});
  r = familiesFromJson(series, {}, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("more than 3 series"), std::string::npos) << r.error().message;
  Json long_value = Json::array({Json{{"name", "spe_a"},
                                      {"help", "h"},
                                      {"type", "gauge"},
                                      {"metrics", Json::array({Json{{"labels", {{"a", "12345"}}}, {"value", 1}}})}}});
  r = familiesFromJson(long_value, {}, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("at most 4 bytes"), std::string::npos) << r.error().message;
}

TEST(FamilyJson, NonFiniteNumbersAreNotWritten) {
  // nlohmann writes NaN and infinities as null: the host refuses them.
  Json nan = Json::array({Json{{"name", "spe_a"},
                               {"help", "h"},
                               {"type", "gauge"},
                               {"metrics", Json::array({Json{{"value", std::numeric_limits<double>::quiet_NaN()}}})}}});
  auto r = familiesFromJson(Json::parse(nan.dump()), {});
  ASSERT_FALSE(r.ok());
}

}  // namespace
}  // namespace spe::metrics
