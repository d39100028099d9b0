// Search indexes: GetIndexConfiguration, SetIndexConfiguration,
// SelectAllStoreIndexesForRebuild, RebuildSelectedStoreIndexes; and the
// instance's search over the archives a user may read (searchArchives),
// used by the end-user access paths.
#include <algorithm>

#include "common/base/text.h"
#include "index/searcher.h"
#include "instancehost/instance/api/instance_api.h"

namespace spe::instance {
namespace {

constexpr const char* kIndexSetting = "indexConfiguration";

}  // namespace

Status loadIndexConfiguration(InstanceMasterDb& db, index::IndexSettings& settings) {
  auto stored = db.setting(kIndexSetting, Json());
  if (!stored) return stored.error();
  if (stored->is_null()) return okStatus();
  auto config = index::IndexConfig::fromJson(*stored, kIndexSetting);
  if (!config) return config.error();
  settings.setConfig(*config);
  return okStatus();
}

Result<std::optional<std::vector<std::string>>> readableArchives(InstanceContext& ctx, const std::string& user_name) {
  using Archives = std::optional<std::vector<std::string>>;
  if (user_name == UserDirectory::archiveAdmin().name) return Archives();  // every archive
  auto user = ctx.users.get(user_name);
  if (!user) return user.error();
  if (std::find(user->privileges.begin(), user->privileges.end(), "admin") != user->privileges.end()) {
    return Archives();
  }
  std::vector<std::string> out{user->name};
  auto grants = ctx.users.grants(user->name);
  if (!grants) return grants.error();
  for (const auto& g : *grants) {
    if (std::find(g.privileges.begin(), g.privileges.end(), "read") != g.privileges.end()) out.push_back(g.folder);
  }
  return Archives(std::move(out));
}

Status readSearchPage(const Json& params, std::int64_t max_limit, index::SearchRequest& request) {
  auto sort = stringField(params, "sort", "date", 64);
  if (!sort) return sort.error();
  if (*sort != "date" && *sort != "relevance") {
    return makeError(ErrorCode::kInvalidArgument, "'sort' must be date or relevance (not '" + printable(*sort) + "').");
  }
  request.by_date = *sort == "date";
  auto offset = intField(params, "offset", 0, 0, 1000000);
  if (!offset)
    return makeError(ErrorCode::kInvalidArgument, "The page is out of range: 'offset' must be 0 to 1000000.");
  auto limit = intField(params, "limit", 50, 1, max_limit);
  if (!limit) {
    return makeError(ErrorCode::kInvalidArgument,
                     "The page is out of range: 'limit' must be 1 to " + std::to_string(max_limit) + ".");
  }
  request.offset = static_cast<std::size_t>(*offset);
  request.limit = static_cast<std::size_t>(*limit);
  auto zone = intField(params, "zoneOffsetSeconds", 0, -86400, 86400);
  if (!zone) return zone.error();
  request.zone_offset_seconds = *zone;
  return okStatus();
}

Json searchHitJson(const index::SearchHitInfo& h) {
  return Json{{"storeID", h.store_id},   {"messageID", h.message.id},  {"folder", h.message.folder},
              {"date", h.message.date},  {"size", h.message.size},     {"subject", h.message.subject},
              {"from", h.message.from},  {"to", h.message.recipients}, {"hasAttachments", h.message.has_attachments},
              {"relevance", h.relevance}};
}

Result<Json> searchArchives(InstanceContext& ctx, const Json& params) {
  index::SearchRequest request;
  auto query = stringField(params, "query", {}, 4096);
  if (!query) return query.error();
  request.query = *query;
  auto user_field = stringField(params, "userName", {}, 1024);
  if (!user_field) return user_field.error();
  const std::string& user = *user_field;
  if (user.empty()) return makeError(ErrorCode::kInvalidArgument, "'userName' is missing.");
  auto archives = readableArchives(ctx, user);
  if (!archives) return archives.error();
  request.archives = *archives;
  SPE_TRY(readSearchPage(params, 1000, request));
  std::vector<index::SearchSource> sources;
  for (const auto& [id, indexer] : ctx.stores.indexers()) sources.push_back({id, indexer});
  auto results = index::search(sources, request);
  if (!results) return results.error();
  Json hits = Json::array();
  for (const auto& h : results->hits) hits.push_back(searchHitJson(h));
  return Json{{"total", results->total},
              {"totalIsEstimate", results->total_is_estimate},
              {"hits", hits},
              {"warnings", results->warnings},
              {"candidatesLookedAt", results->candidates_looked_at},
              {"messagesRead", results->messages_read}};
}

void registerIndexFunctions(InstanceApi& api) {
  InstanceContext& ctx = api.context();

  api.add(
      "GetIndexConfiguration", [&ctx](ApiCall&) -> Result<Json> { return ctx.index_settings.config().toJson(); },
      false);

  api.add(
      "SetIndexConfiguration",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        if (!c.has("config")) return makeError(ErrorCode::kInvalidArgument, "'config' is missing.");
        auto config = index::IndexConfig::fromJson(c.args["config"]);
        if (!config) return config.error();
        SPE_TRY(ctx.db.setSetting(kIndexSetting, config->toJson()));
        ctx.index_settings.setConfig(*config);
        SPE_TRY(api.audit(c, "SetIndexConfiguration", dumpJson(config->toJson())));
        return Json();
      },
      true);

  api.add(
      "SelectAllStoreIndexesForRebuild",
      [&ctx](ApiCall&) -> Result<Json> {
        for (const auto& [id, indexer] : ctx.stores.indexers()) SPE_TRY(indexer->select());
        return Json();
      },
      true);

  api.add(
      "RebuildSelectedStoreIndexes",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        std::vector<std::pair<std::int64_t, std::shared_ptr<index::StoreIndexer>>> selected;
        for (const auto& entry : ctx.stores.indexers()) {
          if (entry.second->state().needs_rebuild) selected.push_back(entry);
        }
        SPE_TRY(api.audit(c, "RebuildSelectedStoreIndexes", std::to_string(selected.size()) + " stores"));
        Json rebuilt = Json::array();
        const int n = static_cast<int>(selected.size());
        for (int i = 0; i < n; ++i) {
          const auto& [id, indexer] = selected[static_cast<std::size_t>(i)];
          store::OperationControl control = c.control;
          const std::int64_t store_id = id;
          control.progress = [&c, i, n, store_id](int p, const std::string& text) {
            c.control.report((i * 100 + p) / n, "Store " + std::to_string(store_id) + ": " + text);
          };
          SPE_TRY(indexer->rebuild(control));
          rebuilt.push_back(id);
        }
        c.control.report(100, "Rebuilt the search indexes of " + std::to_string(n) + " archive stores");
        return Json{{"rebuiltStores", rebuilt}};
      },
      false);
}

}  // namespace spe::instance
