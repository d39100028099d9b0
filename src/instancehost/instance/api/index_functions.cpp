// Search indexes: GetIndexConfiguration, SetIndexConfiguration,
// SelectAllStoreIndexesForRebuild, RebuildSelectedStoreIndexes.
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
