#include "common/db/firebird_db.h"

#include <firebird/Interface.h>
#include <ibase.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include "common/base/fork_gate.h"
#include "common/db/firebird_messages.h"

namespace spe {

namespace fb = Firebird;

namespace {

fb::IMaster* master() { return fb::fb_get_master_interface(); }

std::string statusText(const fb::FbException& e) {
  char buf[1024];
  master()->getUtilInterface()->formatStatus(buf, sizeof buf, e.getStatus());
  return buf;
}

// The text of a string argument of a status vector at `p` (isc_arg_string
// or isc_arg_cstring), or "".
std::string stringArgument(const intptr_t* p) {
  if (p[0] == isc_arg_string && p[1] != 0) return reinterpret_cast<const char*>(p[1]);
  if (p[0] == isc_arg_cstring && p[2] != 0) {
    return std::string(reinterpret_cast<const char*>(p[2]), static_cast<std::size_t>(p[1]));
  }
  return {};
}

// A full disk behind an engine error: the operating system's error in the
// status vector (isc_arg_unix) is ENOSPC or EDQUOT. The engine's own text
// ("I/O error during "write" operation for file ... Error while trying to
// write to file") does not say so in words a provider acts on. Returns the
// sentence to add, naming the file of the I/O error (isc_io_error's second
// argument) when the vector has it; nothing when the disk is not full.
std::optional<std::string> fullDiskSentence(const intptr_t* v) {
  bool full = false;
  std::string file;
  for (const intptr_t* p = v; p != nullptr && p[0] != isc_arg_end; p += p[0] == isc_arg_cstring ? 3 : 2) {
    if (p[0] == isc_arg_unix && (p[1] == ENOSPC || p[1] == EDQUOT)) full = true;
    if (p[0] == isc_arg_gds && p[1] == isc_io_error && file.empty()) {
      const intptr_t* operation = p + 2;  // then the file
      if (operation[0] == isc_arg_string || operation[0] == isc_arg_cstring) {
        file = stringArgument(operation + (operation[0] == isc_arg_cstring ? 3 : 2));
      }
    }
  }
  if (!full) return std::nullopt;
  return (file.empty() ? std::string("The database cannot grow") : "Cannot write to '" + file + "'") +
         ": the disk is full (no space left on the device).";
}

// An engine error as an Error: kDatabase with `what`, or kIo saying the
// disk is full; the engine's text goes into the details either way. Call it
// before the status wrapper is disposed.
Error dbError(const std::string& what, const fb::FbException& e) {
  const std::string text = statusText(e);
  if (auto full = fullDiskSentence(e.getStatus()->getErrors())) {
    return makeError(ErrorCode::kIo, what + " " + *full, text);
  }
  return makeError(ErrorCode::kDatabase, what, text);
}

// Prepared statements kept per attachment: data statements are prepared
// once and reused; schema statements (CREATE, ALTER, ...) never are.
struct StatementCache {
  std::map<std::string, fb::IStatement*> statements;

  static bool cacheable(const std::string& sql) {
    static const char* const kData[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "UPDATE OR INSERT"};
    for (const char* k : kData) {
      if (sql.compare(0, std::strlen(k), k) == 0) return true;
    }
    return false;
  }
  void clear() {
    for (auto& [sql, stmt] : statements) {
      fb::ThrowStatusWrapper st(master()->getStatus());
      try {
        stmt->free(&st);
      } catch (const fb::FbException&) {
        stmt->release();
      }
      st.dispose();
    }
    statements.clear();
  }
};

// The statement for `sql`: from the cache when it is a data statement
// prepared before, else prepared now (and cached when it is a data statement).
fb::IStatement* preparedStatement(fb::ThrowStatusWrapper& st, fb::IAttachment* att, fb::ITransaction* tra,
                                  StatementCache& cache, const std::string& sql, bool cacheable) {
  fb::IStatement* stmt = nullptr;
  if (cacheable) {
    if (auto it = cache.statements.find(sql); it != cache.statements.end()) stmt = it->second;
  }
  if (!stmt) {
    stmt = att->prepare(&st, tra, 0, sql.c_str(), SQL_DIALECT_V6, fb::IStatement::PREPARE_PREFETCH_METADATA);
    if (cacheable) cache.statements.emplace(sql, stmt);
  }
  return stmt;
}

// Opens a cursor on a SELECT and reads every row; the cursor is closed
// before returning.
DbRows fetchRows(fb::ThrowStatusWrapper& st, fb::IAttachment* att, fb::IStatement* stmt, fb::ITransaction* tra,
                 fb::IMessageMetadata* in, std::vector<unsigned char>& in_buf, fb::IMessageMetadata* out) {
  DbRows rows;
  const unsigned out_count = out->getCount(&st);
  std::vector<unsigned char> out_buf(out->getMessageLength(&st));
  fb::IResultSet* rs = stmt->openCursor(&st, tra, in, in_buf.data(), out, 0);
  // A cursor left open would make the cached statement unusable.
  struct CursorGuard {
    fb::IResultSet*& r;
    ~CursorGuard() {
      if (r) r->release();
    }
  } cursor_guard{rs};
  while (rs->fetchNext(&st, out_buf.data()) == fb::IStatus::RESULT_OK) {
    rows.push_back(fbmsg::decodeRow(st, att, tra, out, out_count, out_buf));
  }
  rs->close(&st);
  rs = nullptr;
  return rows;
}

// Runs one statement inside `tra`, binding params, collecting rows.
DbRows runStatement(fb::ThrowStatusWrapper& st, fb::IAttachment* att, fb::ITransaction* tra, StatementCache& cache,
                    const std::string& sql, const std::vector<DbValue>& params) {
  const bool cacheable = StatementCache::cacheable(sql);
  fb::IStatement* stmt = preparedStatement(st, att, tra, cache, sql, cacheable);
  struct StmtGuard {
    fb::IStatement* s;
    bool keep;
    ~StmtGuard() {
      if (!keep) s->release();
    }
  } guard{stmt, cacheable};

  fb::IMessageMetadata* in = fbmsg::inputMetadata(st, stmt, params);
  std::vector<unsigned char> in_buf = fbmsg::inputMessage(st, att, tra, in, params);
  fb::IMessageMetadata* out = fbmsg::outputMetadata(st, stmt);

  DbRows rows;
  if (stmt->getType(&st) == isc_info_sql_stmt_select) {
    rows = fetchRows(st, att, stmt, tra, in, in_buf, out);
  } else if (out) {
    std::vector<unsigned char> out_buf(out->getMessageLength(&st));
    stmt->execute(&st, tra, in, in_buf.data(), out, out_buf.data());
  } else {
    stmt->execute(&st, tra, in, in_buf.data(), nullptr, nullptr);
  }
  in->release();
  if (out) out->release();
  return rows;
}

// Runs one service action (backup or restore) and reads its output to the end.
void runService(fb::ThrowStatusWrapper& st, fb::IUtil* util,
                const std::vector<std::pair<unsigned char, std::string>>& strings, unsigned char action, int options) {
  fb::IXpbBuilder* attach = util->getXpbBuilder(&st, fb::IXpbBuilder::SPB_ATTACH, nullptr, 0);
  attach->insertString(&st, isc_spb_user_name, "SYSDBA");
  fb::IProvider* prov = master()->getDispatcher();
  fb::IService* svc = nullptr;
  fb::IXpbBuilder* start = nullptr;
  struct Cleanup {
    fb::IXpbBuilder*& a;
    fb::IXpbBuilder*& s;
    fb::IService*& svc;
    fb::IProvider* prov;
    ~Cleanup() {
      if (a) a->dispose();
      if (s) s->dispose();
      if (svc) svc->release();
      prov->release();
    }
  } cleanup{attach, start, svc, prov};
  svc = prov->attachServiceManager(&st, "service_mgr", attach->getBufferLength(&st), attach->getBuffer(&st));
  start = util->getXpbBuilder(&st, fb::IXpbBuilder::SPB_START, nullptr, 0);
  start->insertTag(&st, action);
  for (const auto& [tag, value] : strings) start->insertString(&st, tag, value.c_str());
  start->insertInt(&st, isc_spb_options, options);
  svc->start(&st, start->getBufferLength(&st), start->getBuffer(&st));
  const unsigned char items[] = {isc_info_svc_line};
  std::vector<unsigned char> buf(16384);
  for (;;) {
    svc->query(&st, 0, nullptr, sizeof items, items, static_cast<unsigned>(buf.size()), buf.data());
    if (buf[0] != isc_info_svc_line) break;
    const unsigned len = static_cast<unsigned>(buf[1]) | (static_cast<unsigned>(buf[2]) << 8);
    if (len == 0) break;  // the service has finished
  }
  svc->detach(&st);
  svc = nullptr;
}

}  // namespace

std::int64_t dbInt(const DbValue& v) {
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtoll(s->c_str(), nullptr, 10);
  return 0;
}

std::string dbStr(const DbValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  return {};
}

bool dbIsNull(const DbValue& v) { return std::holds_alternative<std::monostate>(v); }

Result<int> schemaVersion(FirebirdDb& db) {
  auto exists = db.query("SELECT COUNT(*) FROM RDB$RELATIONS WHERE RDB$RELATION_NAME = 'SCHEMA_VERSION'");
  if (!exists) return exists.error();
  if (dbInt(exists->at(0)[0]) == 0) return 0;
  auto version = db.query("SELECT VERSION FROM SCHEMA_VERSION");
  if (!version) return version.error();
  return version->empty() ? 0 : static_cast<int>(dbInt(version->at(0)[0]));
}

Result<int> applyMigrations(FirebirdDb& db, const std::vector<std::vector<std::string>>& migrations,
                            const std::string& what, int up_to) {
  auto exists = db.query("SELECT COUNT(*) FROM RDB$RELATIONS WHERE RDB$RELATION_NAME = 'SCHEMA_VERSION'");
  if (!exists) return exists.error();
  if (dbInt(exists->at(0)[0]) == 0) {
    SPE_TRY(db.exec("CREATE TABLE SCHEMA_VERSION (VERSION INTEGER NOT NULL)"));
    SPE_TRY(db.exec("INSERT INTO SCHEMA_VERSION (VERSION) VALUES (0)"));
  }
  auto version = db.query("SELECT VERSION FROM SCHEMA_VERSION");
  if (!version) return version.error();
  int v = static_cast<int>(dbInt(version->at(0)[0]));
  const int latest = up_to >= 0 ? std::min(up_to, static_cast<int>(migrations.size()))
                                : static_cast<int>(migrations.size());
  if (v > static_cast<int>(migrations.size())) {
    return makeError(ErrorCode::kDatabase, what + " has schema version " + std::to_string(v) +
                                               ", newer than this program supports (" +
                                               std::to_string(migrations.size()) + "). Install the newer version.");
  }
  for (; v < latest; ++v) {
    for (const auto& sql : migrations[static_cast<std::size_t>(v)]) SPE_TRY(db.exec(sql));
    SPE_TRY(db.exec("UPDATE SCHEMA_VERSION SET VERSION = ?", {std::int64_t{v + 1}}));
  }
  return v;
}

Status setFirebirdLockDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot create the Firebird lock directory '" + dir + "': " + ec.message());
  ::setenv("FIREBIRD_LOCK", dir.c_str(), 1);
  return okStatus();
}

struct FirebirdDb::Impl {
  fb::IAttachment* att = nullptr;
  StatementCache cache;
};

struct FirebirdDb::Transaction::State {
  fb::IAttachment* att = nullptr;
  StatementCache* cache = nullptr;
  fb::ITransaction* tra = nullptr;
};

FirebirdDb::FirebirdDb(std::string path, std::unique_ptr<Impl> impl) : path_(std::move(path)), impl_(std::move(impl)) {}

FirebirdDb::~FirebirdDb() {
  if (impl_ && impl_->att) {
    impl_->cache.clear();
    fb::ThrowStatusWrapper st(master()->getStatus());
    try {
      impl_->att->detach(&st);
    } catch (const fb::FbException&) {
      impl_->att->release();
    }
    st.dispose();
  }
}

Result<std::unique_ptr<FirebirdDb>> FirebirdDb::openOrCreate(const std::string& path, const CreateOptions& options) {
  fb::ThrowStatusWrapper st(master()->getStatus());
  auto impl = std::make_unique<Impl>();
  fb::IXpbBuilder* dpb = nullptr;
  const bool exists = std::filesystem::exists(path);
  ForkGate::Opening opening;  // Firebird reopens the file and flocks it (fork_gate.h)
  try {
    fb::IUtil* util = master()->getUtilInterface();
    dpb = util->getXpbBuilder(&st, fb::IXpbBuilder::DPB, nullptr, 0);
    dpb->insertString(&st, isc_dpb_user_name, "SYSDBA");
    dpb->insertString(&st, isc_dpb_lc_ctype, "UTF8");
    fb::IProvider* prov = master()->getDispatcher();
    if (exists) {
      impl->att = prov->attachDatabase(&st, path.c_str(), dpb->getBufferLength(&st), dpb->getBuffer(&st));
    } else {
      dpb->insertInt(&st, isc_dpb_page_size, 16384);
      dpb->insertString(&st, isc_dpb_set_db_charset, "UTF8");
      if (options.no_reserve) dpb->insertInt(&st, isc_dpb_no_reserve, 1);
      impl->att = prov->createDatabase(&st, path.c_str(), dpb->getBufferLength(&st), dpb->getBuffer(&st));
    }
    prov->release();
    dpb->dispose();
  } catch (const fb::FbException& e) {
    if (dpb) dpb->dispose();
    Error err = dbError(std::string(exists ? "Cannot open" : "Cannot create") + " the database '" + path + "'.", e);
    st.dispose();
    return err;
  }
  st.dispose();
  return std::unique_ptr<FirebirdDb>(new FirebirdDb(path, std::move(impl)));
}

Status FirebirdDb::backupAndRestore() {
  std::lock_guard lock(mutex_);
  namespace fs = std::filesystem;
  const std::string backup = path_ + ".fbk", restored = path_ + ".restored", old = path_ + ".old";
  std::error_code ec;
  fs::remove(backup, ec);
  fs::remove(restored, ec);
  fb::ThrowStatusWrapper st(master()->getStatus());
  struct Dispose {
    fb::ThrowStatusWrapper& st;
    ~Dispose() { st.dispose(); }
  } dispose{st};
  fb::IUtil* util = master()->getUtilInterface();
  ForkGate::Opening opening;  // the restore creates and reopens a database file (fork_gate.h)
  try {
    runService(st, util, {{isc_spb_dbname, path_}, {isc_spb_bkp_file, backup}}, isc_action_svc_backup, 0);
    runService(st, util, {{isc_spb_dbname, restored}, {isc_spb_bkp_file, backup}}, isc_action_svc_restore,
               isc_spb_res_create);
  } catch (const fb::FbException& e) {
    fs::remove(backup, ec);
    fs::remove(restored, ec);
    return dbError("The backup and restore of '" + path_ + "' failed; the database is unchanged.", e);
  }
  fs::remove(backup, ec);
  if (!fs::exists(restored)) {
    return makeError(ErrorCode::kDatabase,
                     "The restore of '" + path_ + "' produced no file; the database is unchanged.");
  }
  // Swap: detach, rename, attach the restored file.
  impl_->cache.clear();
  try {
    impl_->att->detach(&st);
  } catch (const fb::FbException& e) {
    fs::remove(restored, ec);
    return dbError("Cannot detach '" + path_ + "' to swap in the restored file; the database is unchanged.", e);
  }
  impl_->att = nullptr;
  bool swapped = false;
  fs::rename(path_, old, ec);
  if (!ec) {
    fs::rename(restored, path_, ec);
    if (ec) {
      std::error_code back;
      fs::rename(old, path_, back);
    } else {
      swapped = true;
    }
  }
  const std::string swap_error = ec ? ec.message() : std::string();
  fb::IXpbBuilder* dpb = util->getXpbBuilder(&st, fb::IXpbBuilder::DPB, nullptr, 0);
  try {
    dpb->insertString(&st, isc_dpb_user_name, "SYSDBA");
    dpb->insertString(&st, isc_dpb_lc_ctype, "UTF8");
    fb::IProvider* prov = master()->getDispatcher();
    impl_->att = prov->attachDatabase(&st, path_.c_str(), dpb->getBufferLength(&st), dpb->getBuffer(&st));
    prov->release();
    dpb->dispose();
  } catch (const fb::FbException& e) {
    dpb->dispose();
    return dbError("Cannot attach '" + path_ + "' after the restore (the previous file is '" + old + "').", e);
  }
  if (!swapped) {
    fs::remove(restored, ec);
    return makeError(ErrorCode::kIo, "Cannot swap in the restored copy of '" + path_ + "': " + swap_error +
                                         "; the database is unchanged.");
  }
  fs::remove(old, ec);
  return okStatus();
}

void FirebirdDb::clearStatementCache() {
  std::lock_guard lock(mutex_);
  impl_->cache.clear();
}

Result<std::unique_ptr<FirebirdDb::Transaction>> FirebirdDb::begin() {
  std::unique_lock lock(mutex_);
  fb::ThrowStatusWrapper st(master()->getStatus());
  auto state = std::make_unique<Transaction::State>();
  state->att = impl_->att;
  state->cache = &impl_->cache;
  try {
    state->tra = impl_->att->startTransaction(&st, 0, nullptr);
  } catch (const fb::FbException& e) {
    Error err = dbError("Cannot start a transaction on '" + path_ + "'.", e);
    st.dispose();
    return err;
  }
  st.dispose();
  return std::make_unique<Transaction>(std::move(lock), std::move(state));
}

Status FirebirdDb::exec(const std::string& sql, const std::vector<DbValue>& params) {
  auto tx = begin();
  if (!tx) return tx.error();
  SPE_TRY((*tx)->exec(sql, params));
  return (*tx)->commit();
}

Result<DbRows> FirebirdDb::query(const std::string& sql, const std::vector<DbValue>& params) {
  auto tx = begin();
  if (!tx) return tx.error();
  auto rows = (*tx)->query(sql, params);
  if (!rows) return rows.error();
  SPE_TRY((*tx)->commit());
  return rows;
}

FirebirdDb::Transaction::Transaction(std::unique_lock<std::mutex> lock, std::unique_ptr<State> state)
    : lock_(std::move(lock)), state_(std::move(state)) {}

FirebirdDb::Transaction::~Transaction() {
  if (state_ && state_->tra) {
    fb::ThrowStatusWrapper st(master()->getStatus());
    try {
      state_->tra->rollback(&st);
    } catch (const fb::FbException&) {
      state_->tra->release();
    }
    st.dispose();
  }
}

Result<DbRows> FirebirdDb::Transaction::query(const std::string& sql, const std::vector<DbValue>& params) {
  if (!state_->tra) return makeError(ErrorCode::kInternal, "The transaction has already ended.");
  fb::ThrowStatusWrapper st(master()->getStatus());
  try {
    DbRows rows = runStatement(st, state_->att, state_->tra, *state_->cache, sql, params);
    st.dispose();
    return rows;
  } catch (const fb::FbException& e) {
    Error err = dbError("The database refused a statement.", e);
    st.dispose();
    return err;
  } catch (const std::invalid_argument& e) {
    st.dispose();
    return makeError(ErrorCode::kInternal, "Bad statement parameters.", e.what());
  }
}

Status FirebirdDb::Transaction::exec(const std::string& sql, const std::vector<DbValue>& params) {
  auto r = query(sql, params);
  if (!r) return r.error();
  return okStatus();
}

Status FirebirdDb::Transaction::commit() {
  if (!state_->tra) return makeError(ErrorCode::kInternal, "The transaction has already ended.");
  fb::ThrowStatusWrapper st(master()->getStatus());
  try {
    state_->tra->commit(&st);
    state_->tra = nullptr;
  } catch (const fb::FbException& e) {
    Error err = dbError("The database could not commit.", e);
    st.dispose();
    return err;
  }
  st.dispose();
  return okStatus();
}

}  // namespace spe
