// Small helpers over the SQLite C API: a prepared statement that finalises
// itself, and the mapping of SQLite errors onto absl::Status codes
// (corruption is DataLoss, everything else that fails a write Unavailable).
//
// Not thread-safe: one statement belongs to one thread at a time.
#ifndef CITYMATCH_GRAPH_STORAGE_SQLITE_UTIL_H_
#define CITYMATCH_GRAPH_STORAGE_SQLITE_UTIL_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sqlite3.h"

namespace citymatch {

// The status for SQLite result code `rc` while doing `what`.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what);

// Runs statements without results ("BEGIN", schema).
absl::Status SqliteExec(sqlite3* db, const char* sql);

// Opens or creates `<dir>/<file_name>` (creating `dir`) in WAL mode with
// synchronous=FULL; a new file (and its -wal and -shm files) is 0600 and a
// new `dir` 0700 (see file_modes.h), an existing file that group or others
// may read is made 0600 with a warning, checks its integrity and brings its
// schema to `schema_version` by running `schema` (idempotent CREATE ... IF NOT
// EXISTS statements) once. The caller owns the result (sqlite3_close_v2).
// Unavailable if it cannot be opened; DataLoss if it is not a database or
// fails the check; FailedPrecondition if its schema is newer, or if this
// process may only read it.
absl::StatusOr<sqlite3*> OpenSqliteDatabase(const std::string& dir,
                                            const std::string& file_name,
                                            const char* schema,
                                            int schema_version);

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
