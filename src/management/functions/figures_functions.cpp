// The instances' figures over time (figures_recorder.h), for charts: an
// extension beyond the product (docs/api.md "Extensions").
#include <set>

#include "management/api/function_registry.h"
#include "management/figures_recorder.h"
#include "management/management_context.h"

namespace spe::management {
namespace {

// The last `days` UTC days, oldest first, ending today.
std::vector<std::string> lastDays(Clock::SystemTime now, std::int64_t days) {
  std::vector<std::string> out;
  for (std::int64_t i = days - 1; i >= 0; --i) out.push_back(utcDay(now - std::chrono::hours(24) * i));
  return out;
}

// {days: [...], instances: [{instanceID, numberOfMessages: [...], totalSizeMB: [...]}]}: one
// value per day, null where nothing was recorded that day.
Json historyJson(const std::vector<std::string>& days, const std::vector<DailyFigures>& rows,
                 const std::set<std::string>& wanted) {
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < days.size(); ++i) column[days[i]] = i;
  std::map<std::string, std::pair<Json, Json>> series;
  for (const auto& r : rows) {
    const auto col = column.find(r.day);
    if (col == column.end() || !wanted.count(r.instance_id)) continue;
    auto [it, added] = series.try_emplace(r.instance_id);
    if (added) it->second = {Json(std::vector<Json>(days.size())), Json(std::vector<Json>(days.size()))};
    it->second.first[col->second] = r.messages;
    it->second.second[col->second] = static_cast<double>(r.size_kb) / 1024.0;
  }
  Json instances = Json::array();
  for (auto& [id, s] : series) {
    instances.push_back(
        {{"instanceID", id}, {"numberOfMessages", std::move(s.first)}, {"totalSizeMB", std::move(s.second)}});
  }
  return Json{{"days", days}, {"instances", std::move(instances)}};
}

}  // namespace

void registerFiguresFunctions(FunctionRegistry& registry, ManagementContext& ctx) {
  registry.add({"GetInstanceStatisticsHistory",
                {ArgSpec{"instanceFilter", ArgType::kString, true}.maxLength(65536),
                 ArgSpec{"days", ArgType::kNumber, true}.range(1, FiguresRecorder::kKeptDays)},
                [&ctx](CallContext& c) -> Result<Json> {
                  auto selected = ctx.instances.select(c.args.has("instanceFilter") ? c.args.str("instanceFilter")
                                                                                    : "*");
                  if (!selected) return selected.error();
                  std::set<std::string> wanted;
                  for (const auto& s : *selected) wanted.insert(s.record.instance_id);
                  const auto days = lastDays(systemClock().systemNow(), c.args.num("days", 30));
                  auto rows = ctx.db.dailyFigures(days.front());
                  if (!rows) return rows.error();
                  return historyJson(days, *rows, wanted);
                }});
}

}  // namespace spe::management
