// Profiles and worker results: CreateProfile, GetProfiles, DeleteProfile,
// SetProfileServerSideExecution, CanRunArchiveProfiles, RunProfile, RunTemporaryProfile, GetWorkerResults,
// GetWorkerResultReport, GetTimeZones.
#include <unistd.h>

#include <ctime>

#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/archiving/profile_properties.h"
#include "instancehost/instance/model/time_zones.h"

namespace spe::instance {
namespace {

Status requireRaw(const ApiCall& c) {
  if (!c.flag("raw")) return makeError(ErrorCode::kNotSupported, "Only raw=true is supported.");
  return okStatus();
}

// Entries [from, from + count) of a report's `kind` list: the report's own,
// then the worker result's kept entries. {kind, from, total, entries}.
Result<Json> reportEntries(WorkerResults& results, const WorkerResult& w, const std::string& kind, std::int64_t from,
                           std::int64_t count) {
  const Json listed = w.report.value(kind, Json::array());
  const auto own = static_cast<std::int64_t>(listed.is_array() ? listed.size() : 0);
  const std::int64_t more = w.report.value(kind == "warnings" ? "moreWarnings" : "moreErrors", std::int64_t{0});
  Json entries = Json::array();
  for (std::int64_t i = from; i < own && i < from + count; ++i) entries.push_back(listed[static_cast<std::size_t>(i)]);
  const std::int64_t left = from + count - std::max(from, own);
  if (left > 0 && more > 0) {
    auto kept = results.entries(w.id, kind, std::max(from, own), left);
    if (!kept) return kept.error();
    for (auto& e : *kept) entries.push_back(std::move(e));
  }
  return Json{{"kind", kind}, {"from", from}, {"total", own + more}, {"entries", std::move(entries)}};
}

Json resultJson(const WorkerResult& w, const std::string& zone) {
  return Json{{"id", w.id},
              {"userName", w.user_name},
              {"profileId", w.profile_id ? Json(w.profile_id) : Json()},
              {"profileName", w.profile_name},
              {"result", runResultName(w.result)},
              {"itemsArchived", w.items_archived},
              {"startTime", formatLocalTime(w.start_time, zone)},
              {"completeTime", w.complete_time ? Json(formatLocalTime(w.complete_time, zone)) : Json()},
              {"machineName", w.machine_name}};
}

// Creating, listing, changing and deleting archiving profiles.
void registerProfileDefinitions(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "CreateProfile",
      [&ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(requireRaw(c));
        auto p = parseProfile(c.args.value("properties", Json()));
        if (!p) return p.error();
        if (p->owner != kArchiveAdmin) {
          auto owner = ctx.users.find(p->owner);
          if (!owner) return owner.error();
          if (!owner->has_value()) {
            return makeError(ErrorCode::kNotFound, "'properties.owner': there is no user '" + p->owner + "'.");
          }
          p->owner = (*owner)->name;
        }
        auto id = ctx.profiles.create(*p);
        if (!id) return id.error();
        return Json{{"id", *id}};
      },
      true);

  api.add(
      "GetProfiles",
      [&ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(requireRaw(c));
        auto all = ctx.profiles.list();
        if (!all) return all.error();
        Json out = Json::array();
        for (const auto& p : *all) out.push_back(p.toJson());
        return out;
      },
      false);

  api.add(
      "SetProfileServerSideExecution",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto p = ctx.profiles.get(c.num("id"));
        if (!p) return p.error();
        Json s{{"automatic", c.flag("automatic")}};
        for (const char* k : {"automaticPauseBetweenExecutions", "automaticMaintenanceWindows"}) {
          if (c.has(k)) s[k] = c.args[k];
        }
        auto server_side = parseServerSideExecution(s, true);
        if (!server_side) return server_side.error();
        p->server_side = *server_side;
        SPE_TRY(ctx.profiles.update(*p));
        ctx.scheduler.restart(p->id);
        return Json();
      },
      true);

  api.add(
      "DeleteProfile",
      [&ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(ctx.profiles.remove(c.num("id")));
        return Json();
      },
      true);

  api.add(
      "GetTimeZones", [](ApiCall&) -> Result<Json> { return listTimeZones(); }, false);
}

// Running profiles and reading what their runs did.
void registerProfileRuns(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  // Whether RunProfile would start now: the instance is not frozen and an
  // archive store takes new mail. (The product does not document it; see
  // docs/archive.md.)
  api.add(
      "CanRunArchiveProfiles",
      [&ctx](ApiCall&) -> Result<Json> {
        if (ctx.gate.frozen()) return Json(false);
        return Json(ctx.stores.current().ok());
      },
      false);

  api.add(
      "RunProfile",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto p = ctx.profiles.get(c.num("id"));
        if (!p) return p.error();
        return ctx.runner.run(*p, c.control);
      },
      false);

  api.add(
      "RunTemporaryProfile",
      [&ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(requireRaw(c));
        auto p = parseProfile(c.args.value("properties", Json()));
        if (!p) return p.error();
        p->id = 0;
        return ctx.runner.run(*p, c.control);
      },
      false);

  api.add(
      "GetWorkerResults",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto zone = resolveTimeZone(c.str("timeZoneID"));
        if (!zone) return zone.error();
        auto from = parseLocalTime(c.str("fromIncluding"), *zone, "fromIncluding");
        if (!from) return from.error();
        auto to = parseLocalTime(c.str("toExcluding"), *zone, "toExcluding");
        if (!to) return to.error();
        if (*to <= *from) return makeError(ErrorCode::kInvalidArgument, "'toExcluding' must be after 'fromIncluding'.");
        std::optional<std::int64_t> profile;
        if (c.has("profileID")) profile = c.num("profileID");
        auto rows = ctx.results.range(*from, *to, profile, c.str("userName"));
        if (!rows) return rows.error();
        Json out = Json::array();
        for (const auto& w : *rows) out.push_back(resultJson(w, *zone));
        return out;
      },
      false);

  api.add(
      "GetWorkerResultReport",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto w = ctx.results.get(c.num("id"));
        if (!w) return w.error();
        Json j = resultJson(*w, "UTC");
        j["report"] = w->report;
        return j;
      },
      false);

  // An extension: a report's warnings or errors page by page, also those
  // beyond the report's own lists (its moreWarnings / moreErrors).
  api.add(
      "GetWorkerResultReportEntries",
      [&ctx](ApiCall& c) -> Result<Json> {
        const std::string kind = c.str("kind");
        if (kind != "warnings" && kind != "errors") {
          return makeError(ErrorCode::kInvalidArgument, "'kind' must be warnings or errors.");
        }
        auto w = ctx.results.get(c.num("id"));
        if (!w) return w.error();
        return reportEntries(ctx.results, *w, kind, c.has("from") ? c.num("from") : 0,
                             c.has("count") ? c.num("count") : 1000);
      },
      false);
}

}  // namespace

void registerProfileFunctions(InstanceApi& api) {
  registerProfileDefinitions(api);
  registerProfileRuns(api);
}

}  // namespace spe::instance
