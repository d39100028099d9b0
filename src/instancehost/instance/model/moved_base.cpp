#include "instancehost/instance/model/moved_base.h"

#include <filesystem>

#include "common/base/logging.h"
#include "instancehost/instance/model/instance_key_file.h"
#include "store/append_file.h"

namespace spe::instance {

Status followMovedBase(InstanceMasterDb& db, const std::string& base) {
  auto known = db.setting("BaseDirectory", Json());
  if (!known) return known.error();
  // A copy made by a move names the directory it came from (instance_key_file.h),
  // also for an instance that never started with this version.
  const std::string marker = base + "/" + kMovedFromFile;
  std::error_code ec;
  if (std::filesystem::exists(marker, ec)) {
    auto from = store::readFile(marker);
    if (!from) return from.error();
    if (!from->empty() && from->size() < 4096) known = Json(*from);
  }
  if (known->is_string() && known->get<std::string>() == base) {
    std::filesystem::remove(marker, ec);
    return okStatus();
  }
  if (known->is_string()) {
    const std::string old = known->get<std::string>() + "/";
    auto rows = db.db().query("SELECT ID, DATABASE_PATH FROM STORES ORDER BY ID");
    if (!rows) return rows.error();
    int moved = 0;
    for (const auto& r : *rows) {
      const std::string path = dbStr(r[1]);
      if (path.compare(0, old.size(), old) != 0) continue;
      SPE_TRY(db.db().exec("UPDATE STORES SET DATABASE_PATH = ? WHERE ID = ?",
                           {base + "/" + path.substr(old.size()), dbInt(r[0])}));
      ++moved;
    }
    // The automatic new stores' directory too, when it was below the old one.
    auto auto_create = db.setting("storeAutoCreate", Json::object());
    if (!auto_create) return auto_create.error();
    const std::string dir = auto_create->is_object() ? auto_create->value("baseDirectory", "") : "";
    if (dir.compare(0, old.size(), old) == 0 || dir + "/" == old) {
      (*auto_create)["baseDirectory"] = base + (dir.size() >= old.size() ? "/" + dir.substr(old.size()) : "");
      SPE_TRY(db.setSetting("storeAutoCreate", *auto_create));
    }
    logger("stores")->info("the instance was moved from {} to {}: {} store paths follow it", known->get<std::string>(),
                           base, moved);
  }
  SPE_TRY(db.setSetting("BaseDirectory", base));
  std::filesystem::remove(marker, ec);
  return okStatus();
}

}  // namespace spe::instance
