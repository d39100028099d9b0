// Archive stores: CreateStore, AttachStore, DetachStore, RenameStore,
// SetStorePath, SetStoreRequestedState, GetStores, RetryOpenStores,
// UnlockStore, auto-create configuration, VerifyStore(s), RecoverStore,
// RecreateRecoveryRecords, RefreshAllStoreStatistics.
#include <deque>
#include <future>

#include "instancehost/instance/api/instance_api.h"
#include "instancehost/instance/model/compliance.h"

namespace spe::instance {
namespace {

// Separate content and index directories are not supported: content and
// index always live in the store directory.
Status checkSubPaths(const ApiCall& c, StoreManager& stores) {
  auto db = stores.resolvePath(c.str("databasePath"), "databasePath");
  if (!db) return db.error();
  for (const auto& [arg, sub] :
       {std::pair<const char*, const char*>{"contentPath", "/Content"}, {"indexPath", "/Index"}}) {
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
  const bool indexes = c.flag("includeIndexes", true);
  if (indexes) {
    control.progress = [&c, from, to, id](int p, const std::string& text) {
      c.control.report(from + p * (to - from) / 200, "Store " + std::to_string(id) + ": " + text);
    };
  }
  auto report = (*s)->verify(control);
  if (!report) return report.error();
  if (indexes) {
    c.control.report((from + to) / 2, "Store " + std::to_string(id) + ": checking the search indexes");
    auto indexer = ctx.stores.indexerOf(id);
    if (!indexer) return indexer.error();
    auto problems = (*indexer)->verify(c.control);
    if (!problems) return problems.error();
    report->problems.insert(report->problems.end(), problems->begin(), problems->end());
  }
  for (const auto& p : report->problems) c.log("Store " + std::to_string(id) + ": " + p);
  Json j = report->toJson();
  j["id"] = id;
  j["indexesChecked"] = indexes;
  return j;
}

// Copies every message of `source` into `target` (same folders, the same
// archive time; duplicates skipped), 64 in flight.
Result<Json> mergeInto(store::ArchiveStore& source, store::ArchiveStore& target,
                       const store::OperationControl& control) {
  auto folders = source.folders();
  if (!folders) return folders.error();
  std::int64_t total = 0, done = 0, merged = 0, duplicates = 0;
  for (const auto& f : *folders) total += f.messages;
  std::deque<std::future<store::IngestResult>> inflight;
  auto settle = [&](std::size_t keep) -> Status {
    while (inflight.size() > keep) {
      const store::IngestResult r = inflight.front().get();
      inflight.pop_front();
      if (r.outcome == store::IngestOutcome::kFailed) return r.error;
      ++(r.outcome == store::IngestOutcome::kArchived ? merged : duplicates);
    }
    return okStatus();
  };
  for (const auto& f : *folders) {
    if (f.messages == 0) SPE_TRY(target.createFolder(f.path));
    auto messages = source.messagesIn(f.path);
    if (!messages) return messages.error();
    for (const auto& m : *messages) {
      if (control.stop()) {
        SPE_TRY(settle(0));
        return makeError(ErrorCode::kCancelled, "Cancelled after copying " + std::to_string(done) + " of " +
                                                    std::to_string(total) +
                                                    " messages; the source store is unchanged.");
      }
      auto raw = source.readMessage(m.id);
      if (!raw) return raw.error();
      store::IngestItem item;
      item.folder = m.folder;
      item.archived_at = m.archived_at;
      item.headers = mime::parseMessageHeaders(*raw);
      item.content = target.prepare(*raw);
      inflight.push_back(target.submit(std::move(item)));
      SPE_TRY(settle(64));
      if (++done % 200 == 0) {
        control.report(static_cast<int>(done * 100 / std::max<std::int64_t>(total, 1)),
                       "Copied " + std::to_string(done) + " of " + std::to_string(total) + " messages");
      }
    }
  }
  SPE_TRY(settle(0));
  control.report(
      100, "Merged " + std::to_string(merged) + " messages (" + std::to_string(duplicates) + " already in the target)");
  return Json{{"mergedMessages", merged}, {"duplicates", duplicates}};
}

// Listing, creating, attaching, detaching and renaming stores.
void registerStoreLifecycle(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "GetStores", [&ctx](ApiCall& c) -> Result<Json> { return ctx.stores.list(c.flag("includeSize")); }, false);

  api.add(
      "CreateStore",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(checkSubPaths(c, ctx.stores));
        auto id = ctx.stores.create(c.str("name"), c.str("databasePath"), c.str("requestedState", "current"));
        if (!id) return id.error();
        SPE_TRY(api.audit(c, "FileGroupCreate", "id=" + std::to_string(*id) + " name=" + c.str("name")));
        return Json{{"id", *id}};
      },
      true);

  api.add(
      "AttachStore",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(checkSubPaths(c, ctx.stores));
        auto id = ctx.stores.attach(c.str("name"), c.str("databasePath"), c.str("requestedState", "normal"));
        if (!id) return id.error();
        SPE_TRY(api.audit(c, "FileGroupAttach", "id=" + std::to_string(*id) + " path=" + c.str("databasePath")));
        return Json{{"id", *id}};
      },
      true);

  api.add(
      "DetachStore",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(ctx.stores.detach(c.num("id")));
        SPE_TRY(api.audit(c, "FileGroupDetach", "id=" + std::to_string(c.num("id"))));
        return Json();
      },
      true);

  api.add(
      "RenameStore",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(ctx.stores.rename(c.num("id"), c.str("name")));
        SPE_TRY(api.audit(c, "FileGroupRename", "id=" + std::to_string(c.num("id")) + " name=" + c.str("name")));
        return Json();
      },
      true);
}

// Where a store lives, the state it is asked to be in, and opening it again:
// retrying the stores in error, unlocking one with its recovery key.
void registerStoreOpening(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "SetStorePath",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(checkSubPaths(c, ctx.stores));
        SPE_TRY(ctx.stores.setPath(c.num("id"), c.str("databasePath")));
        SPE_TRY(api.audit(c, "FileGroupSetProperties",
                          "id=" + std::to_string(c.num("id")) + " path=" + c.str("databasePath")));
        return Json();
      },
      true);

  api.add(
      "SetStoreRequestedState",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(ctx.stores.setRequestedState(c.num("id"), c.str("requestedState")));
        SPE_TRY(api.audit(c, "FileGroupSetRequestedState",
                          "id=" + std::to_string(c.num("id")) + " requestedState=" + c.str("requestedState")));
        return Json();
      },
      true);

  api.add(
      "RetryOpenStores",
      [&ctx](ApiCall&) -> Result<Json> {
        auto still = ctx.stores.retryOpen();
        if (!still) return still.error();
        return Json{{"storesInError", *still}};
      },
      true);

  // The passphrase (the store's recovery key) is checked in every case; the
  // answer says what was done.
  api.add(
      "UnlockStore",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        const std::int64_t id = c.num("id");
        auto open = ctx.stores.loadedStore(id);
        if (open) SPE_TRY((*open)->checkRecoveryKey(c.str("passphrase")));
        SPE_TRY(ctx.stores.unlock(id, c.str("passphrase")));
        SPE_TRY(api.audit(c, "FileGroupSetProperties", "id=" + std::to_string(id) + " unlocked"));
        if (open) {
          return Json("The recovery key is right. The archive store " + std::to_string(id) +
                      " was open already; its key is now protected by this instance's key again.");
        }
        auto now = ctx.stores.loadedStore(id);
        return Json("The archive store " + std::to_string(id) + " was unlocked with its recovery key" +
                    (now ? " and is open." : "; it is not open yet: " + now.error().message));
      },
      true);
}

// When a new store is created on its own.
void registerAutoCreate(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "GetStoreAutoCreateConfiguration",
      [&ctx](ApiCall&) -> Result<Json> {
        auto config = ctx.stores.autoCreateConfig();
        if (!config) return config.error();
        Json j = config->toJson();
        if (config->base_directory.empty()) {
          for (const char* k : {"baseDirectory", "contentBaseDirectory", "indexBaseDirectory"}) {
            j[k] = ctx.base_directory + "/Data";
          }
        }
        return j;
      },
      false);

  api.add(
      "SetStoreAutoCreateConfiguration",
      [&ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(ctx.stores.setAutoCreateConfig(c.args.value("config", Json())));
        SPE_TRY(ctx.stores.autoCreateIfFull());
        return Json();
      },
      true);
}

// Checking stores and recovering them from their recovery records.
void registerVerifyAndRecover(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "VerifyStore", [&ctx](ApiCall& c) -> Result<Json> { return verifyOne(ctx, c, c.num("id"), 0, 100); }, false);

  api.add(
      "VerifyStores",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto stores = ctx.stores.loaded();
        Json out = Json::array();
        const int n = static_cast<int>(stores.size());
        for (int i = 0; i < n; ++i) {
          auto r = verifyOne(ctx, c, stores[static_cast<std::size_t>(i)].first, i * 100 / n, (i + 1) * 100 / n);
          if (!r) return r.error();
          out.push_back(*r);
        }
        return out;
      },
      false);

  api.add(
      "RecoverStore",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        const std::int64_t id = c.num("id");
        // Without the deleted messages a recovery leaves out what was deleted
        // before: refused under legal hold (docs/compliance.md "Legal hold").
        if (!c.flag("recoverDeletedMessages")) {
          SPE_TRY(
              refuseUnderLegalHold(ctx.db, c.caller.empty() ? "$system" : c.caller,
                                   "RecoverStore of store " + std::to_string(id) + " without recoverDeletedMessages"));
        }
        SPE_TRY(api.audit(c, "RecoverStoreStart", "id=" + std::to_string(id)));
        std::optional<std::string> key;
        if (c.has("encryptionKey") && !c.str("encryptionKey").empty()) key = c.str("encryptionKey");
        auto st = ctx.stores.recover(id, key, c.flag("recoverDeletedMessages"), c.control);
        const Status audited = api.audit(c, "RecoverStoreFinish",
                                         "id=" + std::to_string(id) + (st ? " succeeded" : " failed"));
        if (!st) return st.error();
        SPE_TRY(audited);
        return Json();
      },
      true);

  api.add(
      "RecreateRecoveryRecords",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto s = ctx.stores.loadedStore(c.num("id"));
        if (!s) return s.error();
        SPE_TRY((*s)->recreateRecoveryRecords(c.control));
        return Json();
      },
      true);
}

// Upgrading the stores' schemas and maintaining their databases.
void registerUpgrades(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "UpgradeStore",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto s = ctx.stores.loadedStore(c.num("id"));
        if (!s) return s.error();
        SPE_TRY((*s)->upgrade(c.control));
        return Json();
      },
      true);

  api.add(
      "UpgradeStores",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto stores = ctx.stores.loaded();
        int upgraded = 0;
        for (const auto& [id, s] : stores) {
          if (c.control.stop()) {
            return makeError(ErrorCode::kCancelled, std::to_string(upgraded) + " stores were upgraded before.");
          }
          if (!s->needsUpgrade() || s->writeProtected()) continue;
          c.control.report(0, "Upgrading store " + std::to_string(id));
          SPE_TRY(s->upgrade(c.control));
          c.log("Store " + std::to_string(id) + " upgraded");
          ++upgraded;
        }
        return Json{{"upgradedStores", upgraded}};
      },
      true);

  api.add(
      "MaintainFileSystemDatabases",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto stores = ctx.stores.loaded();
        const int total = static_cast<int>(stores.size()) + 1;
        if (c.control.stop()) return makeError(ErrorCode::kCancelled, "Nothing was done.");
        c.control.report(0, "Backup and restore of MailStoreMaster.fdb");
        SPE_TRY(ctx.db.db().backupAndRestore());
        c.log("MailStoreMaster.fdb: backed up and restored");
        int done = 1;
        for (const auto& [id, s] : stores) {
          if (c.control.stop()) {
            return makeError(ErrorCode::kCancelled, "Cancelled after " + std::to_string(done) + " of " +
                                                        std::to_string(total) + " databases.");
          }
          c.control.report(done * 100 / total, "Backup and restore of the database of store " + std::to_string(id));
          SPE_TRY(s->maintainDatabase());
          c.log("Store " + std::to_string(id) + ": backed up and restored");
          ++done;
        }
        c.control.report(100, "Maintained " + std::to_string(total) + " databases");
        return Json{{"databases", total}};
      },
      true);
}

// Compacting, repairing and merging stores.
void registerStoreMaintenance(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "CompactStore",
      [&ctx](ApiCall& c) -> Result<Json> {
        // Compaction destroys the content of deleted messages for good.
        SPE_TRY(refuseUnderLegalHold(ctx.db, c.caller.empty() ? "$system" : c.caller,
                                     "CompactStore of store " + std::to_string(c.num("id"))));
        auto s = ctx.stores.loadedStore(c.num("id"));
        if (!s) return s.error();
        auto reclaimed = (*s)->compact(c.control);
        if (!reclaimed) return reclaimed.error();
        return Json{{"reclaimedBytes", *reclaimed}};
      },
      true);

  api.add(
      "RepairStoreDatabase",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto s = ctx.stores.loadedStore(c.num("id"));
        if (!s) return s.error();
        SPE_TRY((*s)->repairDatabase(c.control));
        return Json();
      },
      true);

  api.add(
      "MergeStore",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        const std::int64_t id = c.num("id"), source_id = c.num("sourceId");
        if (id == source_id) return makeError(ErrorCode::kInvalidArgument, "'id' and 'sourceId' are the same store.");
        auto target = ctx.stores.loadedStore(id);
        if (!target) return target.error();
        if ((*target)->writeProtected()) {
          return makeError(ErrorCode::kPermissionDenied,
                           "The target store " + std::to_string(id) + " is write-protected.");
        }
        if (ctx.stores.currentId() == source_id) {
          return makeError(ErrorCode::kInvalidArgument, "The source store " + std::to_string(source_id) +
                                                            " is the current store; make another store current first.");
        }
        auto source = ctx.stores.loadedStore(source_id);
        if (!source) return source.error();
        auto merged = mergeInto(**source, **target, c.control);
        if (!merged) return merged.error();
        auto directory = ctx.stores.directoryOf(source_id);
        SPE_TRY(ctx.stores.detach(source_id));
        SPE_TRY(
            api.audit(c, "FileGroupDetach", "id=" + std::to_string(source_id) + " merged into " + std::to_string(id)));
        (*merged)["sourceDirectory"] = directory ? *directory : "";
        return *merged;
      },
      true);

  api.add(
      "RefreshAllStoreStatistics",
      [&ctx](ApiCall& c) -> Result<Json> {
        SPE_TRY(ctx.stores.refreshStatistics(c.control));
        return Json();
      },
      false);
}

}  // namespace

void registerStoreFunctions(InstanceApi& api) {
  registerStoreLifecycle(api);
  registerStoreOpening(api);
  registerAutoCreate(api);
  registerVerifyAndRecover(api);
  registerUpgrades(api);
  registerStoreMaintenance(api);
}

}  // namespace spe::instance
