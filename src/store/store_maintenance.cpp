// ArchiveStore maintenance: verification, recovery records, recovery of a
// lost metadata database, keys.
#include <algorithm>
#include <ctime>
#include <filesystem>

#include "common/base/atomic_file.h"
#include "common/base/logging.h"
#include "store/archive_store.h"
#include "store/store_schema.h"

namespace spe::store {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxProblems = 1000;

int percentOf(std::int64_t done, std::int64_t total) {
  return total <= 0 ? 100 : static_cast<int>(std::min<std::int64_t>(100, done * 100 / total));
}

std::vector<fs::path> segmentFiles(const std::string& directory) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(directory + "/Recovery", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".rec") out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The metadata a store's recovery records describe.
struct RecoveredState {
  struct Content {
    std::string sha;
    std::int64_t container = 0, offset = 0, length = 0, size = 0;
  };
  struct Message {
    std::int64_t content = 0;
    std::string folder;
    std::int64_t archived_at = 0;
  };
  std::set<std::string> folders;
  std::map<std::int64_t, Content> contents;
  std::map<std::int64_t, Message> messages;
  std::uint64_t last_sequence = 0;
  std::int64_t last_segment = 1;
  std::uint64_t last_segment_length = 0;
  std::vector<std::string> problems;

  static std::string renamed(const std::string& path, const std::string& from, const std::string& to) {
    if (path == from) return to;
    if (path.rfind(from + "/", 0) == 0) return to + path.substr(from.size());
    return path;
  }

  void apply(const RecoveryChange& c, bool recover_deleted) {
    auto addContent = [&](std::int64_t id) {
      contents[id] = {c.content.sha256_hex, c.content.container, c.content.offset, c.content.length,
                      c.content.raw_size};
    };
    auto addMessage = [&] {
      messages[c.id] = {c.content_id, c.folder, c.archived_at};
      folders.insert(c.folder);
    };
    switch (c.tag) {
      case ChangeTag::kFolderAdded: folders.insert(c.folder); break;
      case ChangeTag::kContentAdded: addContent(c.id); break;
      case ChangeTag::kMessageWithContentAdded:
        addContent(c.content_id);
        addMessage();
        break;
      case ChangeTag::kMessageAdded: addMessage(); break;
      case ChangeTag::kFolderRenamed: {
        std::set<std::string> moved;
        for (const auto& f : folders) moved.insert(renamed(f, c.from, c.to));
        folders = std::move(moved);
        for (auto& [id, m] : messages) m.folder = renamed(m.folder, c.from, c.to);
        break;
      }
      case ChangeTag::kContentMoved:  // by compaction
        if (auto it = contents.find(c.content_id); it != contents.end()) {
          it->second.container = c.content.container;
          it->second.offset = c.content.offset;
        }
        break;
      case ChangeTag::kFolderDeleted:
        if (!recover_deleted) folders.erase(c.folder);
        break;
      case ChangeTag::kMessageDeleted:
        if (!recover_deleted) messages.erase(c.id);
        break;
    }
  }
};

Result<RecoveredState> readRecoveryRecords(const std::string& directory, const Key256& key, const std::string& guid,
                                           bool recover_deleted, const OperationControl& control) {
  RecoveredState state;
  const auto files = segmentFiles(directory);
  std::size_t n = 0;
  for (const auto& f : files) {
    if (control.stop()) return makeError(ErrorCode::kCancelled, "Cancelled.");
    control.report(percentOf(static_cast<std::int64_t>(n), static_cast<std::int64_t>(files.size())) / 4,
                   "Reading recovery records (" + f.filename().string() + ")");
    auto data = readFile(f.string());
    if (!data) return data.error();
    std::size_t undecoded = 0;  // changes this version cannot read: reported, the rest still applies
    const auto scan = scanRecovery(key, guid, *data, [&](std::uint64_t seq, const Json& body) {
      state.last_sequence = std::max(state.last_sequence, seq);
      auto change = decodeChange(body);
      if (change) {
        state.apply(*change, recover_deleted);
      } else if (undecoded++ == 0) {
        state.problems.push_back(f.filename().string() + ": record " + std::to_string(seq) + ": " +
                                 change.error().message);
      }
    });
    if (undecoded > 1) {
      state.problems.push_back(f.filename().string() + ": " + std::to_string(undecoded) +
                               " changes could not be read in all.");
    }
    if (!scan.error.empty()) state.problems.push_back(f.filename().string() + ": " + scan.error);
    state.last_segment = std::stoll(f.stem().string());
    state.last_segment_length = scan.valid_length;
    ++n;
  }
  return state;
}

// Writes the database of a recovered store from its recovery records, in
// one transaction: the folders, the contents that can be read back, the
// messages whose content came back, and where the files end.
class DatabaseRebuild {
 public:
  DatabaseRebuild(FirebirdDb::Transaction& tx, const RecoveredState& state) : tx_(tx), state_(state) {}

  Status folders() {
    for (const auto& f : state_.folders) {
      if (!f.empty()) SPE_TRY(folderFor(f));
    }
    return okStatus();
  }

  // The contents some message uses, read back with `read`; the unreadable
  // ones are counted as lost.
  using ContentReader = std::function<Result<std::string>(const RecoveredState::Content&)>;
  Status contents(const ContentReader& read, const OperationControl& control) {
    std::set<std::int64_t> used;
    for (const auto& [id, m] : state_.messages) used.insert(m.content);
    std::int64_t done = 0;
    const auto total = static_cast<std::int64_t>(state_.contents.size());
    for (const auto& [cid, c] : state_.contents) {
      if (control.stop()) return makeError(ErrorCode::kCancelled, "Cancelled.");
      if (++done % 500 == 0) {
        control.report(25 + percentOf(done, total) * 70 / 100,
                       "Rebuilding the database (" + std::to_string(done) + " of " + std::to_string(total) + ")");
      }
      max_container_ = std::max(max_container_, c.container);
      if (!used.count(cid)) continue;
      auto raw = read(c);
      if (!raw) {
        ++lost;
        continue;
      }
      const mime::MessageHeaders h = mime::parseMessageHeaders(*raw);
      SPE_TRY(insertContent(tx_, ContentRow{cid, c.sha, c.container, c.offset, c.length, c.size}, h));
      written.insert(cid);
    }
    return okStatus();
  }

  Status messages() {
    for (const auto& [mid, m] : state_.messages) {
      if (!written.count(m.content)) continue;
      auto fid = folderFor(m.folder);
      if (!fid) return fid.error();
      SPE_TRY(tx_.exec("INSERT INTO MESSAGES (ID, FOLDER_ID, CONTENT_ID, ARCHIVED_AT) VALUES (?, ?, ?, ?)",
                       {mid, *fid, m.content, m.archived_at}));
    }
    return okStatus();
  }

  // The committed ends: the last container as far as its records reach, the
  // last recovery segment up to its last good record.
  Status fileState() {
    std::int64_t container_end = 0;
    for (const auto& [cid, c] : state_.contents) {
      if (c.container == max_container_) container_end = std::max(container_end, c.offset + c.length);
    }
    return tx_.exec(
        "UPDATE FILE_STATE SET CONTAINER_NO = ?, CONTAINER_END = ?, RECOVERY_NO = ?, RECOVERY_END = ?, "
        "NEXT_SEQUENCE = ? WHERE ID = 1",
        {max_container_, container_end, state_.last_segment, static_cast<std::int64_t>(state_.last_segment_length),
         static_cast<std::int64_t>(state_.last_sequence + 1)});
  }

  std::int64_t lost = 0;           // contents that could not be read back
  std::set<std::int64_t> written;  // contents written

 private:
  Result<std::int64_t> folderFor(const std::string& path) {
    if (auto it = folder_ids_.find(path); it != folder_ids_.end()) return it->second;
    const std::int64_t id = next_folder_++;
    SPE_TRY(tx_.exec("INSERT INTO FOLDERS (ID, PATH, PATH_HASH) VALUES (?, ?, ?)", {id, path, sha256Hex(path)}));
    folder_ids_[path] = id;
    return id;
  }

  FirebirdDb::Transaction& tx_;
  const RecoveredState& state_;
  std::map<std::string, std::int64_t> folder_ids_;
  std::int64_t next_folder_ = 1;
  std::int64_t max_container_ = 1;
};

// Puts the rebuilt database in place of the old one (kept aside as
// .broken-<time>). The rebuilt database starts indexing from the first
// message again: the old indexes could hold messages that did not come back.
Status swapInRecoveredDatabase(const std::string& directory, const std::string& db_path, const std::string& building) {
  std::error_code ec;
  if (fs::exists(db_path)) {
    fs::rename(db_path, db_path + ".broken-" + std::to_string(std::time(nullptr)), ec);
    if (ec) return makeError(ErrorCode::kIo, "Cannot move the old database aside: " + ec.message() + ".");
  }
  fs::rename(building, db_path, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot put the rebuilt database in place: " + ec.message() + ".");
  fs::remove_all(fs::path(directory) / "Index", ec);
  fs::create_directories(fs::path(directory) / "Index", ec);
  return syncDirectory(directory);
}

}  // namespace

Result<VerifyReport> ArchiveStore::verify(const OperationControl& control) {
  VerifyReport report;
  auto add = [&](std::string p) {
    if (report.problems.size() < kMaxProblems) report.problems.push_back(std::move(p));
  };
  auto rows = db_->query(
      "SELECT C.ID, C.SHA256, C.CONTAINER_NO, C.CONTAINER_OFFSET, C.RECORD_LENGTH, "
      "(SELECT FIRST 1 M.ID FROM MESSAGES M WHERE M.CONTENT_ID = C.ID), "
      "(SELECT FIRST 1 F.PATH FROM MESSAGES M JOIN FOLDERS F ON F.ID = M.FOLDER_ID WHERE M.CONTENT_ID = C.ID) "
      "FROM CONTENTS C ORDER BY C.CONTAINER_NO, C.CONTAINER_OFFSET");
  if (!rows) return rows.error();
  const auto total = static_cast<std::int64_t>(rows->size());
  std::int64_t loaded_no = -1;
  std::string container;
  std::int64_t done = 0;
  for (const auto& r : *rows) {
    if (control.stop()) return makeError(ErrorCode::kCancelled, "Cancelled.");
    if (done % 500 == 0) {
      control.report(percentOf(done, total) * 8 / 10,
                     "Verifying messages (" + std::to_string(done) + " of " + std::to_string(total) + ")");
    }
    ++done;
    const std::int64_t no = dbInt(r[2]);
    if (no != loaded_no) {
      auto data = readFile(containerPath(no));
      container = data ? std::move(*data) : std::string();
      loaded_no = no;
    }
    const std::string where = "message " +
                              (dbIsNull(r[5])
                                   ? std::string("(unreferenced content " + std::to_string(dbInt(r[0])) + ")")
                                   : std::to_string(dbInt(r[5]))) +
                              (dbIsNull(r[6]) ? "" : " in folder '" + dbStr(r[6]) + "'") + " (container " +
                              std::to_string(no) + ", offset " + std::to_string(dbInt(r[3])) + ")";
    const auto offset = static_cast<std::size_t>(dbInt(r[3]));
    const auto length = static_cast<std::size_t>(dbInt(r[4]));
    if (offset + length > container.size()) {
      add(where + ": the content record is missing (the container file is too short)");
      continue;
    }
    auto sha = fromHex(dbStr(r[1]));
    auto raw = sha ? openContent(data_key_, guid_, std::string_view(container).substr(offset, length), *sha,
                                 dictionaries_.get())
                   : Result<std::string>(sha.error());
    if (!raw) add(where + ": " + raw.error().message);
    ++report.messages_checked;
  }
  control.report(80, "Checking messages against the database");
  auto orphans = db_->query(
      "SELECT M.ID, (SELECT PATH FROM FOLDERS F WHERE F.ID = M.FOLDER_ID), "
      "(SELECT COUNT(*) FROM CONTENTS C WHERE C.ID = M.CONTENT_ID) FROM MESSAGES M WHERE "
      "NOT EXISTS (SELECT 1 FROM CONTENTS C WHERE C.ID = M.CONTENT_ID) OR "
      "NOT EXISTS (SELECT 1 FROM FOLDERS F WHERE F.ID = M.FOLDER_ID)");
  if (!orphans) return orphans.error();
  for (const auto& r : *orphans) {
    add("message " + std::to_string(dbInt(r[0])) +
        (dbIsNull(r[1]) ? ": its folder is missing" : " in folder '" + dbStr(r[1]) + "': its content is missing"));
  }
  if (control.stop()) return makeError(ErrorCode::kCancelled, "Cancelled.");
  control.report(85, "Checking recovery records");
  // Cancellable (between segment files), with this function's own progress.
  auto recovered = readRecoveryRecords(directory_, data_key_, guid_, false, OperationControl{{}, control.cancelled});
  if (!recovered) return recovered.error();
  for (const auto& p : recovered->problems) add("recovery records: " + p);
  if (control.stop()) return makeError(ErrorCode::kCancelled, "Cancelled.");
  auto ids = db_->query("SELECT ID FROM MESSAGES");
  if (!ids) return ids.error();
  std::int64_t missing = 0;
  for (const auto& r : *ids) {
    if (!recovered->messages.count(dbInt(r[0]))) ++missing;
  }
  if (missing > 0) {
    add(std::to_string(missing) + " messages have no recovery record; RecreateRecoveryRecords writes them anew");
  }
  report.recovery_records = static_cast<std::int64_t>(recovered->messages.size());
  control.report(100, "Verification finished");
  return report;
}

Status ArchiveStore::recreateRecoveryRecords(const OperationControl& control) {
  SPE_TRY(refuseIfProtected());
  std::lock_guard wl(write_mutex_);
  const std::string fresh = directory_ + "/Recovery.new";
  std::error_code ec;
  fs::remove_all(fresh, ec);
  fs::create_directories(fresh, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot create '" + fresh + "': " + ec.message() + ".");
  auto folders = db_->query("SELECT PATH FROM FOLDERS ORDER BY ID");
  if (!folders) return folders.error();
  auto contents = db_->query(
      "SELECT ID, SHA256, CONTAINER_NO, CONTAINER_OFFSET, RECORD_LENGTH, RAW_SIZE FROM CONTENTS ORDER BY ID");
  if (!contents) return contents.error();
  auto messages = db_->query(
      "SELECT M.ID, M.CONTENT_ID, F.PATH, M.ARCHIVED_AT FROM MESSAGES M JOIN FOLDERS F ON F.ID = M.FOLDER_ID "
      "ORDER BY M.ID");
  if (!messages) return messages.error();
  std::vector<Json> bodies;
  for (const auto& r : *folders) bodies.push_back(encodeChange(RecoveryChange::folderAdded(dbStr(r[0]))));
  for (const auto& r : *contents) {
    bodies.push_back(encodeChange(RecoveryChange::contentAdded(
        dbInt(r[0]), ContentPlace{dbStr(r[1]), dbInt(r[2]), dbInt(r[3]), dbInt(r[4]), dbInt(r[5])})));
  }
  for (const auto& r : *messages) {
    bodies.push_back(encodeChange(RecoveryChange::messageAdded(dbInt(r[0]), dbInt(r[1]), dbStr(r[2]), dbInt(r[3]))));
  }
  std::int64_t segment = 1;
  std::uint64_t sequence = 1;
  std::string buf;
  auto flushSegment = [&]() -> Status {
    char name[32];
    std::snprintf(name, sizeof name, "/%08lld.rec", static_cast<long long>(segment));
    SPE_TRY(writeFileAtomically(fresh + name, buf));
    return okStatus();
  };
  // Records of 1,000 changes each.
  for (std::size_t i = 0; i < bodies.size(); i += 1000) {
    if (control.stop()) return makeError(ErrorCode::kCancelled, "Cancelled.");
    control.report(percentOf(static_cast<std::int64_t>(i), static_cast<std::int64_t>(bodies.size())),
                   "Writing recovery records (" + std::to_string(i) + " of " + std::to_string(bodies.size()) + ")");
    const auto end = std::min(bodies.size(), i + 1000);
    buf += sealRecovery(data_key_, guid_, sequence++,
                        Json(std::vector<Json>(bodies.begin() + static_cast<std::ptrdiff_t>(i),
                                               bodies.begin() + static_cast<std::ptrdiff_t>(end))));
    if (buf.size() >= options_.recovery_segment_max) {
      SPE_TRY(flushSegment());
      buf.clear();
      ++segment;
    }
  }
  SPE_TRY(flushSegment());
  // Swap the directories, then point the database at the new files.
  recovery_ = AppendFile();
  const std::string old = directory_ + "/Recovery.old";
  fs::remove_all(old, ec);
  fs::rename(directory_ + "/Recovery", old, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot replace '" + directory_ + "/Recovery': " + ec.message() + ".");
  fs::rename(fresh, directory_ + "/Recovery", ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot replace '" + directory_ + "/Recovery': " + ec.message() + ".");
  SPE_TRY(syncDirectory(directory_));
  recovery_no_ = segment;
  next_sequence_ = sequence;
  recovery_growth_ = 0;
  superseded_changes_ = 0;
  auto file = AppendFile::open(recoveryPath(segment), buf.size());
  if (!file) return file.error();
  recovery_ = std::move(*file);
  auto tx = db_->begin();
  if (!tx) return tx.error();
  SPE_TRY(saveFileState(**tx));
  SPE_TRY((*tx)->commit());
  fs::remove_all(old, ec);
  control.report(100, "Recovery records recreated");
  return okStatus();
}

Status ArchiveStore::upgrade(const OperationControl& control) {
  SPE_TRY(refuseIfProtected());
  if (!needsUpgrade()) {
    control.report(100, "The archive store is up to date");
    return okStatus();
  }
  std::lock_guard wl(write_mutex_);
  control.report(10, "Upgrading the database schema from version " + std::to_string(schema_version_.load()));
  SPE_TRY(upgradeStoreDatabase(*db_));
  auto v = schemaVersion(*db_);
  if (!v) return v.error();
  schema_version_ = *v;
  if (format_ < kStoreFormatVersion) {
    control.report(80, "Writing the new format version");
    auto file = readKeyFile(directory_ + "/" + kKeyFile);
    if (!file) return file.error();
    file->format = kStoreFormatVersion;
    SPE_TRY(writeKeyFile(directory_ + "/" + kKeyFile, *file));
    format_ = kStoreFormatVersion;
  }
  control.report(100, "The archive store was upgraded");
  return okStatus();
}

Status ArchiveStore::repairDatabase(const OperationControl& control) {
  SPE_TRY(refuseIfProtected());
  std::lock_guard wl(write_mutex_);
  db_->clearStatementCache();
  auto indexes = db_->query(
      "SELECT TRIM(RDB$INDEX_NAME) FROM RDB$INDICES WHERE COALESCE(RDB$SYSTEM_FLAG, 0) = 0 ORDER BY 1");
  if (!indexes) return indexes.error();
  std::size_t n = 0;
  for (const auto& r : *indexes) {
    if (control.stop()) return makeError(ErrorCode::kCancelled, "Cancelled.");
    const std::string name = dbStr(r[0]);
    control.report(percentOf(static_cast<std::int64_t>(n++), static_cast<std::int64_t>(indexes->size())),
                   "Rebuilding the index " + name);
    // ALTER INDEX ... ACTIVE on an active index rebuilds it.
    SPE_TRY(db_->exec("ALTER INDEX \"" + name + "\" ACTIVE"));
    SPE_TRY(db_->exec("SET STATISTICS INDEX \"" + name + "\""));
  }
  control.report(100, "Rebuilt " + std::to_string(indexes->size()) + " indexes");
  return okStatus();
}

Result<std::int64_t> ArchiveStore::compact(const OperationControl& control) {
  SPE_TRY(refuseIfProtected());
  auto usage = db_->query("SELECT CONTAINER_NO, SUM(RECORD_LENGTH) FROM CONTENTS GROUP BY CONTAINER_NO");
  if (!usage) return usage.error();
  std::map<std::int64_t, std::int64_t> referenced;
  for (const auto& r : *usage) referenced[dbInt(r[0])] = dbInt(r[1]);
  std::int64_t current = 0;
  {
    std::lock_guard wl(write_mutex_);
    current = container_no_;
  }
  std::int64_t reclaimed = 0;
  for (std::int64_t n = 1; n < current; ++n) {
    if (control.stop()) return makeError(ErrorCode::kCancelled, "Cancelled.");
    control.report(static_cast<int>(n * 80 / std::max<std::int64_t>(current, 1)),
                   "Compacting container " + std::to_string(n) + " of " + std::to_string(current));
    std::error_code ec;
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(containerPath(n), ec));
    if (ec) continue;
    if (!referenced.count(n)) {  // nothing in it is referenced
      std::filesystem::remove(containerPath(n), ec);
      reclaimed += size;
      continue;
    }
    if (referenced[n] >= size) continue;
    // Move what is still referenced to the current container, one durable batch.
    std::lock_guard wl(write_mutex_);
    auto rows = db_->query(
        "SELECT ID, CONTAINER_OFFSET, RECORD_LENGTH FROM CONTENTS WHERE CONTAINER_NO = ? ORDER BY CONTAINER_OFFSET",
        {n});
    if (!rows) return rows.error();
    auto data = readFile(containerPath(n));
    if (!data) return data.error();
    SPE_TRY(rollFilesIfFull());
    const std::uint64_t c_start = container_.size(), r_start = recovery_.size();
    const auto seq = next_sequence_;
    std::string buf;
    std::vector<RecoveryChange> changes;
    auto tx = db_->begin();
    if (!tx) return tx.error();
    for (const auto& r : *rows) {
      const auto offset = static_cast<std::size_t>(dbInt(r[1]));
      const auto length = static_cast<std::size_t>(dbInt(r[2]));
      if (offset + length > data->size()) {
        return makeError(ErrorCode::kIo, "Container " + std::to_string(n) +
                                             " is shorter than its records; run "
                                             "VerifyStore before compacting.");
      }
      const auto moved_to = static_cast<std::int64_t>(c_start + buf.size());
      buf.append(*data, offset, length);
      SPE_TRY((*tx)->exec("UPDATE CONTENTS SET CONTAINER_NO = ?, CONTAINER_OFFSET = ? WHERE ID = ?",
                          {container_no_, moved_to, dbInt(r[0])}));
      changes.push_back(RecoveryChange::contentMoved(dbInt(r[0]), container_no_, moved_to));
    }
    Status st = container_.append(buf);
    if (st) st = container_.sync();
    if (st) st = writeRecovery(changes);
    if (st) st = saveFileState(**tx);
    if (st) st = (*tx)->commit();
    if (!st) {
      (void)container_.truncate(c_start);
      (void)recovery_.truncate(r_start);
      next_sequence_ = seq;
      return st.error();
    }
    noteCommitted({});  // content moved: the places sessions keep
    std::filesystem::remove(containerPath(n), ec);
    reclaimed += size - static_cast<std::int64_t>(buf.size());
  }
  const auto before = sizes().recovery;
  OperationControl rest = control;
  rest.progress = [&control](int p, const std::string& text) { control.report(80 + p / 5, text); };
  SPE_TRY(recreateRecoveryRecords(rest));
  reclaimed += std::max<std::int64_t>(0, before - sizes().recovery);
  control.report(100, "Reclaimed " + std::to_string(reclaimed) + " bytes");
  return reclaimed;
}

Status ArchiveStore::rewrapKey(const InstanceKeys& keys) {
  auto file = readKeyFile(directory_ + "/" + kKeyFile);
  if (!file) return file.error();
  rewrap(*file, data_key_, keys);
  return writeKeyFile(directory_ + "/" + kKeyFile, *file);
}

Status ArchiveStore::checkRecoveryKey(const std::string& recovery_key_hex) const {
  auto file = readKeyFile(directory_ + "/" + kKeyFile);
  if (!file) return file.error();
  auto key = unwrapWithRecoveryKey(*file, recovery_key_hex);
  if (!key) return key.error();
  if (*key != data_key_) {
    return makeError(ErrorCode::kPermissionDenied, "The recovery key does not unlock this archive store.");
  }
  return okStatus();
}

Status ArchiveStore::unlock(const std::string& directory, const InstanceKeys& keys,
                            const std::string& recovery_key_hex) {
  auto file = readKeyFile(directory + "/" + kKeyFile);
  if (!file) return file.error();
  auto key = unwrapWithRecoveryKey(*file, recovery_key_hex);
  if (!key) return key.error();
  rewrap(*file, *key, keys);
  return writeKeyFile(directory + "/" + kKeyFile, *file);
}

Status ArchiveStore::recover(const std::string& directory, const InstanceKeys& keys,
                             const std::optional<std::string>& recovery_key_hex, bool recover_deleted,
                             const OperationControl& control, StoreOptions options) {
  auto file = readKeyFile(directory + "/" + kKeyFile);
  if (!file) return file.error();
  SPE_TRY(checkFormat(directory, file->format));
  auto key = recovery_key_hex ? unwrapWithRecoveryKey(*file, *recovery_key_hex)
                              : unwrapWithInstanceKey(*file, keys.instance_key);
  if (!key) return key.error();
  auto state = readRecoveryRecords(directory, *key, file->store_guid, recover_deleted, control);
  if (!state) return state.error();

  const std::string db_path = directory + "/" + kDatabaseFile;
  const std::string building = db_path + ".recovering";
  std::error_code ec;
  fs::remove(building, ec);
  auto db = FirebirdDb::openOrCreate(building, FirebirdDb::CreateOptions{true});
  if (!db) return db.error();
  SPE_TRY(initialiseStoreDatabase(**db, file->store_guid, file->format));
  ArchiveStore reader(directory, options);  // for container paths only
  DictionarySet dictionaries(directory + "/Content", *key, file->store_guid, options.compression_level);
  SPE_TRY(dictionaries.load());
  auto tx = (*db)->begin();
  if (!tx) return tx.error();
  DatabaseRebuild rebuild(**tx, *state);
  SPE_TRY(rebuild.folders());
  SPE_TRY(rebuild.contents(
      [&](const RecoveredState::Content& c) -> Result<std::string> {
        auto sha = fromHex(c.sha);
        auto record = readAt(reader.containerPath(c.container), static_cast<std::uint64_t>(c.offset),
                             static_cast<std::size_t>(c.length));
        if (!sha || !record) return makeError(ErrorCode::kIo, "unreadable");
        return openContent(*key, file->store_guid, *record, *sha, &dictionaries);
      },
      control));
  SPE_TRY(rebuild.messages());
  SPE_TRY(rebuild.fileState());
  SPE_TRY((*tx)->commit());
  tx->reset();
  db->reset();
  SPE_TRY(swapInRecoveredDatabase(directory, db_path, building));
  if (rebuild.lost > 0) {
    logger("store")->warn("{}: {} messages could not be read back during recovery", directory, rebuild.lost);
  }
  if (recovery_key_hex) SPE_TRY(unlock(directory, keys, *recovery_key_hex));
  control.report(100, "Recovered " + std::to_string(rebuild.written.size()) + " messages" +
                          (rebuild.lost ? " (" + std::to_string(rebuild.lost) + " unreadable)" : ""));
  return okStatus();
}

}  // namespace spe::store
