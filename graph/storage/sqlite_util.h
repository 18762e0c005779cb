// Small helpers over the SQLite C API: a prepared statement that finalises
// itself, and the mapping of SQLite errors onto absl::Status codes
// (corruption is DataLoss, everything else that fails a write Unavailable).
//
// Not thread-safe: one statement belongs to one thread at a time.
#ifndef CITYMATCH_GRAPH_STORAGE_SQLITE_UTIL_H_
#define CITYMATCH_GRAPH_STORAGE_SQLITE_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sqlite3.h"

namespace citymatch {

// The status for SQLite result code `rc` while doing `what`.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what);

// Runs statements without results ("BEGIN", schema).
absl::Status SqliteExec(sqlite3* db, const char* sql);

// How large a database's WAL file may stay once SQLite starts it over
// (PRAGMA journal_size_limit): the frames of a large import are not kept
// on disk after they were copied into the database.
constexpr int64_t kWalSizeLimit = 1 << 20;

// Opens or creates `<dir>/<file_name>` (creating `dir`) in WAL mode with
// synchronous=FULL and a WAL limited to kWalSizeLimit (emptied at open when
// no other process reads the file); a new file (and its -wal and -shm files) is
// 0600 and a new `dir` 0700 (see file_modes.h), an existing file that group or
// others may read is made 0600 with a warning, checks its integrity and brings
// its schema to `schema_version` by running `schema` (idempotent CREATE ... IF
// NOT EXISTS statements) once, after the `upgrades` that apply to the
// version it had. The caller owns the result (sqlite3_close_v2).
// Unavailable if it cannot be opened; DataLoss if it is not a database or
// fails the check; FailedPrecondition if its schema is newer, or if this
// process may only read it.
// A change to a table that a store of schema version `from` (or later)
// already holds, which `schema`'s CREATE ... IF NOT EXISTS cannot make
// (ALTER TABLE ... ADD COLUMN); a store of an earlier version gets the
// table new from `schema`, and a new store too.
struct SchemaUpgrade {
  int from;
  const char* sql;
};

absl::StatusOr<sqlite3*> OpenSqliteDatabase(
    const std::string& dir, const std::string& file_name, const char* schema,
    int schema_version, const std::vector<SchemaUpgrade>& upgrades = {});

// Copies the WAL of `db` into the database file (a passive checkpoint,
// which waits for no other connection). Before a write large enough to
// spill pages into the WAL before its commit (more than SQLite's page
// cache holds, 2 MB): if that write fails, SqliteRollback then empties the
// WAL without writing to the database file, so without needing disk space
// that a full disk would not have. Costs an fsync of the database file,
// which is why it is not done before every write.
void SqliteCheckpoint(sqlite3* db);

// Ends the write transaction that failed on `db`: rolls it back (if SQLite
// has not already), then empties the WAL (checkpoint TRUNCATE). The frames
// the failed transaction wrote there are garbage but keep their disk space,
// up to the whole size of an import that filled the disk; kept, they would
// leave no room for any later write of this or the other database. Waits
// for no other connection: with a reader in another process (a backup),
// the WAL keeps its size until a later commit cuts it (LimitWalAfterCommit,
// or SQLite itself, to kWalSizeLimit, when it starts the WAL over).
void SqliteRollback(sqlite3* db);

// After a commit on `db`: empties the WAL if it is larger than
// kWalSizeLimit (a large import), instead of keeping it so until the next
// write. A failure does not undo the commit; it is logged.
void LimitWalAfterCommit(sqlite3* db);

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const char* sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // The preparation's outcome; check before use.
  const absl::Status& status() const { return status_; }

  // Binds parameter `index` (1-based). Text is copied.
  SqliteStatement& Bind(int index, absl::string_view text);
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, double value);

  // Steps once: true with a row, false when done; errors in status().
  bool Step();
  // Steps to the end of a statement without results; resets it for reuse.
  absl::Status Run();
  // Resets for new bindings.
  void Reset();

  std::string Text(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  absl::Status status_;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_STORAGE_SQLITE_UTIL_H_
