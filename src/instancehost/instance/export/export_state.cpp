#include "instancehost/instance/export/export_state.h"

#include <ctime>

namespace spe::instance {

Result<bool> ExportState::unfinished(std::int64_t profile_id) {
  auto rows = db_.db().query("SELECT OPEN_SINCE FROM EXPORT_RUNS WHERE PROFILE_ID = ?", {profile_id});
  if (!rows) return rows.error();
  return !rows->empty() && !dbIsNull((*rows)[0][0]);
}

Status ExportState::begin(std::int64_t profile_id, bool forget) {
  auto tx = db_.db().begin();
  if (!tx) return tx.error();
  if (forget) SPE_TRY((*tx)->exec("DELETE FROM EXPORT_STATE WHERE PROFILE_ID = ?", {profile_id}));
  SPE_TRY((*tx)->exec("UPDATE OR INSERT INTO EXPORT_RUNS (PROFILE_ID, OPEN_SINCE) VALUES (?, ?) MATCHING (PROFILE_ID)",
                      {profile_id, static_cast<std::int64_t>(std::time(nullptr))}));
  return (*tx)->commit();
}

Status ExportState::end(std::int64_t profile_id) {
  return db_.db().exec("UPDATE EXPORT_RUNS SET OPEN_SINCE = NULL WHERE PROFILE_ID = ?", {profile_id});
}

Result<std::map<ExportKey, ExportRecord>> ExportState::records(std::int64_t profile_id) {
  auto rows = db_.db().query(
      "SELECT STORE_ID, MESSAGE_ID, DONE, PLACE, MESSAGE_KEY, SHA256, END_OFFSET FROM EXPORT_STATE "
      "WHERE PROFILE_ID = ?",
      {profile_id});
  if (!rows) return rows.error();
  std::map<ExportKey, ExportRecord> out;
  for (const auto& r : *rows) {
    ExportRecord e{dbInt(r[0]), dbInt(r[1]), dbInt(r[2]) != 0, dbStr(r[3]), dbStr(r[4]), dbStr(r[5]), dbInt(r[6])};
    out.emplace(ExportKey{e.store_id, e.message_id}, std::move(e));
  }
  return out;
}

Status ExportState::save(std::int64_t profile_id, const std::vector<ExportRecord>& records) {
  if (records.empty()) return okStatus();
  auto tx = db_.db().begin();
  if (!tx) return tx.error();
  for (const auto& e : records) {
    SPE_TRY((*tx)->exec(
        "UPDATE OR INSERT INTO EXPORT_STATE (PROFILE_ID, STORE_ID, MESSAGE_ID, DONE, PLACE, MESSAGE_KEY, SHA256, "
        "END_OFFSET) VALUES (?, ?, ?, ?, ?, ?, ?, ?) MATCHING (PROFILE_ID, STORE_ID, MESSAGE_ID)",
        {profile_id, e.store_id, e.message_id, std::int64_t{e.done ? 1 : 0}, e.place, e.message_key, e.sha256,
         e.end_offset}));
  }
  return (*tx)->commit();
}

Status ExportState::remove(std::int64_t profile_id) {
  auto tx = db_.db().begin();
  if (!tx) return tx.error();
  SPE_TRY((*tx)->exec("DELETE FROM EXPORT_STATE WHERE PROFILE_ID = ?", {profile_id}));
  SPE_TRY((*tx)->exec("DELETE FROM EXPORT_RUNS WHERE PROFILE_ID = ?", {profile_id}));
  return (*tx)->commit();
}

}  // namespace spe::instance
