// Folders: GetChildFolders, MoveFolder, DeleteEmptyFolders,
// GetFolderStatistics, and CountUsedLicenses (internal). The folder tree is
// the union of every loaded store's folders plus one top-level folder per
// user archive.
#include <map>
#include <set>

#include "common/base/text.h"
#include "instancehost/instance/api/instance_api.h"

namespace spe::instance {
namespace {

struct FolderStats {
  std::int64_t count = 0;
  std::int64_t size = 0;
};

// Every folder (with implicit parents) and the mail it holds directly.
void addWithParents(std::map<std::string, FolderStats>& tree, const std::string& path, const FolderStats& add) {
  FolderStats& st = tree[path];
  st.count += add.count;
  st.size += add.size;
  for (std::size_t p = path.find('/'); p != std::string::npos; p = path.find('/', p + 1)) tree[path.substr(0, p)];
}

// Every folder (with implicit parents); with `counts`, the mail each holds
// directly (a pass over every store's messages, so only when asked).
Result<std::map<std::string, FolderStats>> folderTree(InstanceContext& ctx, bool counts) {
  std::map<std::string, FolderStats> tree;
  auto users = ctx.users.list();
  if (!users) return users.error();
  for (const auto& u : *users) tree[u.name];
  for (const auto& [id, s] : ctx.stores.loaded()) {
    if (counts) {
      auto folders = s->folders();
      if (!folders) return folders.error();
      for (const auto& f : *folders) addWithParents(tree, f.path, {f.messages, f.size});
    } else {
      auto paths = s->folderPaths();
      if (!paths) return paths.error();
      for (const auto& p : *paths) addWithParents(tree, p, {});
    }
  }
  return tree;
}

int depthBelow(const std::string& path, const std::string& parent) {
  const std::string rest = parent.empty() ? path : path.substr(parent.size() + 1);
  return 1 + static_cast<int>(std::count(rest.begin(), rest.end(), '/'));
}

bool isBelow(const std::string& path, const std::string& parent) {
  return parent.empty() || path.rfind(parent + "/", 0) == 0;
}

// The optional `folder` argument, normalised ("" when absent).
Result<std::string> optionalFolder(const ApiCall& c) {
  if (!c.has("folder") || c.str("folder").empty()) return std::string();
  return store::ArchiveStore::normaliseFolder(c.str("folder"));
}

}  // namespace

Status refuseIfWriteProtectedMail(InstanceContext& ctx, const std::string& folder, const std::string& what) {
  for (const auto& [id, s] : ctx.stores.loaded()) {
    if (!s->writeProtected()) continue;
    auto held = s->hasMessagesUnder(folder);
    if (!held) return held.error();
    if (*held) {
      return makeError(ErrorCode::kPermissionDenied, "'" + folder +
                                                         "' has messages in the write-protected archive "
                                                         "store " +
                                                         std::to_string(id) + "; " + what);
    }
  }
  return okStatus();
}

namespace {

// What folders there are and what they hold.
void registerFolderQueries(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "GetChildFolders",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto parent_arg = optionalFolder(c);
        if (!parent_arg) return parent_arg.error();
        const std::string parent = *parent_arg;
        const std::int64_t max_levels = c.num("maxLevels", 0);
        if (c.has("maxLevels") && max_levels < 1) {
          return makeError(ErrorCode::kInvalidArgument, "'maxLevels' must be at least 1 (or left out for all levels).");
        }
        auto tree = folderTree(ctx, false);
        if (!tree) return tree.error();
        if (!parent.empty() && !tree->count(parent)) {
          return makeError(ErrorCode::kNotFound, "There is no folder '" + parent + "'.");
        }
        Json out = Json::array();
        for (auto it = tree->begin(); it != tree->end(); ++it) {
          const std::string& path = it->first;
          if (!isBelow(path, parent)) continue;
          if (max_levels > 0 && depthBelow(path, parent) > max_levels) continue;
          auto next = std::next(it);
          const bool children = next != tree->end() && next->first.rfind(path + "/", 0) == 0;
          out.push_back({{"folder", path},
                         {"name", path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1)},
                         {"hasChildren", children}});
        }
        return out;
      },
      false);

  api.add(
      "GetFolderStatistics",
      [&ctx](ApiCall&) -> Result<Json> {
        auto tree = folderTree(ctx, true);
        if (!tree) return tree.error();
        Json out = Json::array();
        for (const auto& [path, st] : *tree) {
          out.push_back({{"folder", path}, {"count", st.count}, {"size", st.size}});
        }
        return out;
      },
      false);

  // Not a Management API function (get-metadata does not list it, no job
  // can call it): the Management Server asks it for CreateLicenseRequest
  // (docs/api.md, "Used licenses"). The user archives (top-level folders)
  // that hold at least one message in a loaded store; names that differ
  // only in case are one archive, as user names are case-insensitive. An
  // archive whose user was deleted counts; an empty one does not. Not
  // GetFolderStatistics: that reads every message's size, this probes each
  // folder for one message (ArchiveStore::archivesWithMail). Mail in stores
  // that are not open (disabled, or in error) cannot be seen:
  // storesNotCounted says how many there are.
  api.add(
      "CountUsedLicenses",
      [&ctx](ApiCall&) -> Result<Json> {
        std::set<std::string> archives;
        std::set<std::int64_t> counted;
        for (const auto& [id, s] : ctx.stores.loaded()) {
          auto names = s->archivesWithMail();
          if (!names) return names.error();
          for (const auto& n : *names) archives.insert(asciiLower(n));
          counted.insert(id);
        }
        auto stores = ctx.stores.list(false);
        if (!stores) return stores.error();
        std::int64_t not_counted = 0;
        for (const auto& st : *stores) {
          if (!counted.count(st.value("id", std::int64_t{0}))) ++not_counted;
        }
        return Json{{"usedLicenseCount", static_cast<std::int64_t>(archives.size())},
                    {"storesNotCounted", not_counted}};
      },
      false);
}

// Moving folders and deleting empty ones.
void registerFolderChanges(InstanceApi& api) {
  InstanceContext& ctx = api.context();
  api.add(
      "MoveFolder",
      [&api, &ctx](ApiCall& c) -> Result<Json> {
        auto from = store::ArchiveStore::normaliseFolder(c.str("fromFolder"));
        if (!from) return makeError(ErrorCode::kInvalidArgument, "'fromFolder': " + from.error().message);
        auto to = store::ArchiveStore::normaliseFolder(c.str("toFolder"));
        if (!to) return makeError(ErrorCode::kInvalidArgument, "'toFolder': " + to.error().message);
        if (from->find('/') == std::string::npos) {
          return makeError(ErrorCode::kInvalidArgument,
                           "'fromFolder' is a user archive; rename the user (RenameUser) to rename it.");
        }
        if (to->find('/') == std::string::npos) {
          return makeError(ErrorCode::kInvalidArgument, "'toFolder' must be a folder inside a user archive.");
        }
        if (*to == *from || isBelow(*to, *from)) {
          return makeError(ErrorCode::kInvalidArgument, "'toFolder' cannot be '" + *from + "' or inside it.");
        }
        auto owner = ctx.users.find(to->substr(0, to->find('/')));
        if (!owner) return owner.error();
        if (!owner->has_value() || (*owner)->name == kArchiveAdmin) {
          return makeError(ErrorCode::kNotFound,
                           "'toFolder': there is no user archive '" + to->substr(0, to->find('/')) + "'.");
        }
        const std::string target = (*owner)->name + to->substr(to->find('/'));
        auto tree = folderTree(ctx, false);
        if (!tree) return tree.error();
        if (!tree->count(*from)) return makeError(ErrorCode::kNotFound, "There is no folder '" + *from + "'.");
        SPE_TRY(refuseIfWriteProtectedMail(ctx, *from, "it cannot be moved."));
        auto stores = ctx.stores.loaded();
        for (const auto& [id, s] : stores) {
          if (!s->writeProtected()) SPE_TRY(s->renameFolder(*from, target));
        }
        SPE_TRY(api.audit(c, "FolderMove", "from=" + *from + " to=" + target));
        return Json();
      },
      true);

  api.add(
      "DeleteEmptyFolders",
      [&ctx](ApiCall& c) -> Result<Json> {
        auto under_arg = optionalFolder(c);
        if (!under_arg) return under_arg.error();
        const std::string under = *under_arg;
        // A folder stays when it, or a folder below it, holds mail in any store.
        std::set<std::string> keep;
        auto stores = ctx.stores.loaded();
        for (const auto& [id, s] : stores) {
          auto folders = s->folders();
          if (!folders) return folders.error();
          for (const auto& f : *folders) {
            if (f.messages == 0) continue;
            keep.insert(f.path);
            for (std::size_t p = f.path.find('/'); p != std::string::npos; p = f.path.find('/', p + 1)) {
              keep.insert(f.path.substr(0, p));
            }
          }
        }
        std::int64_t removed = 0;
        for (const auto& [id, s] : stores) {
          if (s->writeProtected()) continue;
          auto n = s->deleteEmptyFolders(under, keep);
          if (!n) return n.error();
          removed += *n;
        }
        return Json{{"deletedFolders", removed}};
      },
      true);
}

}  // namespace

void registerFolderFunctions(InstanceApi& api) {
  registerFolderQueries(api);
  registerFolderChanges(api);
}

}  // namespace spe::instance
