// Archive stores: CreateStore, AttachStore, DetachStore, RenameStore,
// SetStorePath, SetStoreRequestedState, GetStores, RetryOpenStores,
// UnlockStore, auto-create configuration, VerifyStore(s), RecoverStore,
// RecreateRecoveryRecords, RefreshAllStoreStatistics.
#include "instancehost/instance/instance_api.h"

namespace spe::instance {
namespace {

// Separate content and index directories are not supported: content and
// index always live in the store directory.
Status checkSubPaths(const ApiCall& c, StoreManager& stores) {
  auto db = stores.resolvePath(c.str("databasePath"), "databasePath");
  if (!db) return db.error();
  for (const auto& [arg, sub] : {std::pair<const char*, const char*>{"contentPath", "/Content"}, {"indexPath", "/Index"}}) {
    if (!c.has(arg) || c.str(arg).empty()) continue;
    auto p = stores.resolvePath(c.str(arg), arg);
    if (!p) return p.error();
    if (*p != *db + sub) {
      return makeError(ErrorCode::kNotSupported, std::string("'") + arg + "' must be '" + *db + sub +
                                                     "': content and index directories live inside the store.");
    }
  }
  return okStatus();
}

Result<Json> verifyOne(InstanceContext& ctx, ApiCall& c, std::int64_t id, int from, int to) {
  auto s = ctx.stores.loadedStore(id);
  if (!s) return s.error();
  store::OperationControl control = c.control;
  control.progress = [&c, from, to, id](int p, const std::string& text) {
    c.control.report(from + p * (to - from) / 100, "Store " + std::to_string(id) + ": " + text);
  };
  auto report = (*s)->verify(control);
  if (!report) return report.error();
  for (const auto& p : report->problems) c.log("Store " + std::to_string(id) + ": " + p);
  Json j = report->toJson();
  j["id"] = id;
  return j;
}

Status rejectIndexes(const ApiCall& c) {
  if (c.flag("includeIndexes")) {
    return makeError(ErrorCode::kNotSupported,
                     "Verifying search indexes is not supported by this server yet; call with includeIndexes=false.");
  }
  return okStatus();
}

}  // namespace

void registerStoreFunctions(InstanceApi& api) {
  InstanceContext& ctx = api.context();

  api.add("GetStores", [&ctx](ApiCall& c) -> Result<Json> { return ctx.stores.list(c.flag("includeSize")); }, false);

  api.add("CreateStore", [&api, &ctx](ApiCall& c) -> Result<Json> {
            SPE_TRY(checkSubPaths(c, ctx.stores));
            auto id = ctx.stores.create(c.str("name"), c.str("databasePath"), c.str("requestedState", "current"));
            if (!id) return id.error();
            api.audit(c, "FileGroupCreate", "id=" + std::to_string(*id) + " name=" + c.str("name"));
            return Json{{"id", *id}};
          }, true);

  api.add("AttachStore", [&api, &ctx](ApiCall& c) -> Result<Json> {
            SPE_TRY(checkSubPaths(c, ctx.stores));
            auto id = ctx.stores.attach(c.str("name"), c.str("databasePath"), c.str("requestedState", "normal"));
            if (!id) return id.error();
            api.audit(c, "FileGroupAttach", "id=" + std::to_string(*id) + " path=" + c.str("databasePath"));
            return Json{{"id", *id}};
          }, true);

  api.add("DetachStore", [&api, &ctx](ApiCall& c) -> Result<Json> {
            SPE_TRY(ctx.stores.detach(c.num("id")));
            api.audit(c, "FileGroupDetach", "id=" + std::to_string(c.num("id")));
            return Json();
          }, true);

  api.add("RenameStore", [&api, &ctx](ApiCall& c) -> Result<Json> {
            SPE_TRY(ctx.stores.rename(c.num("id"), c.str("name")));
            api.audit(c, "FileGroupRename", "id=" + std::to_string(c.num("id")) + " name=" + c.str("name"));
            return Json();
          }, true);

  api.add("SetStorePath", [&api, &ctx](ApiCall& c) -> Result<Json> {
            SPE_TRY(checkSubPaths(c, ctx.stores));
            SPE_TRY(ctx.stores.setPath(c.num("id"), c.str("databasePath")));
            api.audit(c, "FileGroupSetProperties", "id=" + std::to_string(c.num("id")) + " path=" + c.str("databasePath"));
            return Json();
          }, true);

  api.add("SetStoreRequestedState", [&api, &ctx](ApiCall& c) -> Result<Json> {
            SPE_TRY(ctx.stores.setRequestedState(c.num("id"), c.str("requestedState")));
            api.audit(c, "FileGroupSetRequestedState",
                      "id=" + std::to_string(c.num("id")) + " requestedState=" + c.str("requestedState"));
            return Json();
          }, true);

  api.add("RetryOpenStores", [&ctx](ApiCall&) -> Result<Json> {
            auto still = ctx.stores.retryOpen();
            if (!still) return still.error();
            return Json{{"storesInError", *still}};
          }, true);

  api.add("UnlockStore", [&api, &ctx](ApiCall& c) -> Result<Json> {
            SPE_TRY(ctx.stores.unlock(c.num("id"), c.str("passphrase")));
            api.audit(c, "FileGroupSetProperties", "id=" + std::to_string(c.num("id")) + " unlocked");
            return Json();
          }, true);

  api.add("GetStoreAutoCreateConfiguration", [&ctx](ApiCall&) -> Result<Json> {
            auto config = ctx.stores.autoCreateConfig();
            if (!config) return config.error();
            Json j = config->toJson();
            if (config->base_directory.empty()) {
              for (const char* k : {"baseDirectory", "contentBaseDirectory", "indexBaseDirectory"}) {
                j[k] = ctx.base_directory + "/Data";
              }
            }
            return j;
          }, false);

  api.add("SetStoreAutoCreateConfiguration", [&ctx](ApiCall& c) -> Result<Json> {
            SPE_TRY(ctx.stores.setAutoCreateConfig(c.args.value("config", Json())));
            SPE_TRY(ctx.stores.autoCreateIfFull());
            return Json();
          }, true);

  api.add("VerifyStore", [&ctx](ApiCall& c) -> Result<Json> {
            SPE_TRY(rejectIndexes(c));
            return verifyOne(ctx, c, c.num("id"), 0, 100);
          }, false);

  api.add("VerifyStores", [&ctx](ApiCall& c) -> Result<Json> {
            SPE_TRY(rejectIndexes(c));
            auto stores = ctx.stores.loaded();
            Json out = Json::array();
            const int n = static_cast<int>(stores.size());
            for (int i = 0; i < n; ++i) {
              auto r = verifyOne(ctx, c, stores[static_cast<std::size_t>(i)].first, i * 100 / n, (i + 1) * 100 / n);
              if (!r) return r.error();
              out.push_back(*r);
            }
            return out;
          }, false);

  api.add("RecoverStore", [&api, &ctx](ApiCall& c) -> Result<Json> {
            const std::int64_t id = c.num("id");
            api.audit(c, "RecoverStoreStart", "id=" + std::to_string(id));
            std::optional<std::string> key;
            if (c.has("encryptionKey") && !c.str("encryptionKey").empty()) key = c.str("encryptionKey");
            auto st = ctx.stores.recover(id, key, c.flag("recoverDeletedMessages"), c.control);
            api.audit(c, "RecoverStoreFinish", "id=" + std::to_string(id) + (st ? " succeeded" : " failed"));
            if (!st) return st.error();
            return Json();
          }, true);

  api.add("RecreateRecoveryRecords", [&ctx](ApiCall& c) -> Result<Json> {
            auto s = ctx.stores.loadedStore(c.num("id"));
            if (!s) return s.error();
            SPE_TRY((*s)->recreateRecoveryRecords(c.control));
            return Json();
          }, true);

  api.add("RefreshAllStoreStatistics", [&ctx](ApiCall& c) -> Result<Json> {
            SPE_TRY(ctx.stores.refreshStatistics(c.control));
            return Json();
          }, false);
}

}  // namespace spe::instance
