// FirebirdDb: an embedded Firebird 3 database file owned by this process.
//
// The engine runs inside the process (no server): a plain file path opens
// the file with Engine12. Statement parameters and results use three value
// kinds only (null, 64-bit integer, UTF-8 text); schemas keep to BIGINT,
// INTEGER, SMALLINT, VARCHAR, TIMESTAMP (read back as text) and
// BLOB SUB_TYPE TEXT for text of any length (written and read whole as text).
// Engine exceptions stay inside this adapter and come out as Errors with the
// engine's message in details: kDatabase, or kIo when the disk is full (the
// message then says so and names the file the engine could not write).
// Thread safety: every call is serialised by an internal mutex; a Transaction
// holds that mutex for its whole life, so keep transactions short.
// Call setLockDirectory() before the first open: every process that opens a
// file must use the same lock directory.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "common/base/result.h"

namespace spe {

using DbValue = std::variant<std::monostate, std::int64_t, std::string>;
using DbRow = std::vector<DbValue>;
using DbRows = std::vector<DbRow>;

// Accessors that treat null as 0 / "".
std::int64_t dbInt(const DbValue& v);
std::string dbStr(const DbValue& v);
bool dbIsNull(const DbValue& v);

// Sets FIREBIRD_LOCK for this process (creates the directory).
Status setFirebirdLockDirectory(const std::string& dir);

class FirebirdDb {
 public:
  class Transaction;

  struct CreateOptions {
    // Fill data pages completely instead of keeping room for record
    // versions: right for tables that are mostly appended to.
    bool no_reserve = false;
  };
  // Opens the file, creating it (page size 16 KiB, UTF8) when it does not exist.
  static Result<std::unique_ptr<FirebirdDb>> openOrCreate(const std::string& path) {
    return openOrCreate(path, CreateOptions{});
  }
  static Result<std::unique_ptr<FirebirdDb>> openOrCreate(const std::string& path, const CreateOptions& options);
  ~FirebirdDb();
  FirebirdDb(const FirebirdDb&) = delete;
  FirebirdDb& operator=(const FirebirdDb&) = delete;

  // Each runs in its own committed transaction.
  Status exec(const std::string& sql, const std::vector<DbValue>& params = {});
  Result<DbRows> query(const std::string& sql, const std::vector<DbValue>& params = {});

  // Starts a transaction; it rolls back unless commit() is called.
  Result<std::unique_ptr<Transaction>> begin();

  const std::string& path() const { return path_; }
  // Frees the cached prepared statements (before changing indexes or tables
  // they use).
  void clearStatementCache();
  // A backup and restore cycle through Firebird's services API (gbak's
  // engine): backs the file up to <path>.fbk, restores it to a new file,
  // swaps it in and reattaches. Every other use of this database waits
  // meanwhile, so no change can fall between backup and swap. The old file
  // is removed only after the new one is attached; on any failure the old
  // file stays in use.
  Status backupAndRestore();

  struct Impl;

 private:
  FirebirdDb(std::string path, std::unique_ptr<Impl> impl);
  std::string path_;
  std::unique_ptr<Impl> impl_;
  std::mutex mutex_;
};

class FirebirdDb::Transaction {
 public:
  ~Transaction();
  Status exec(const std::string& sql, const std::vector<DbValue>& params = {});
  Result<DbRows> query(const std::string& sql, const std::vector<DbValue>& params = {});
  Status commit();

  struct State;
  Transaction(std::unique_lock<std::mutex> lock, std::unique_ptr<State> state);

 private:
  std::unique_lock<std::mutex> lock_;
  std::unique_ptr<State> state_;
};

// Schema migrations: migrations[N] brings a database from version N to
// N+1 (append only). Creates the SCHEMA_VERSION table on first use, applies
// the missing steps (each statement committed, so later ones may use what
// earlier ones created) and returns the version now in force. A database
// newer than this program is an error naming `what`.
// With `up_to` >= 0, stops at that version (tests make old databases so).
Result<int> applyMigrations(FirebirdDb& db, const std::vector<std::vector<std::string>>& migrations,
                            const std::string& what, int up_to = -1);
// The version applyMigrations() left (0 for a database without one).
Result<int> schemaVersion(FirebirdDb& db);

}  // namespace spe
