// SqliteStorage keeps the graph in one SQLite database file in WAL mode, the
// embedded default store.
//
// Durability: every Apply() is one transaction committed with
// synchronous=FULL, so an acknowledged write survives a crash of the process
// and a power loss (the WAL is fsynced at each commit). The schema carries a
// version (PRAGMA user_version); a newer schema than this build knows is
// refused rather than misread.
//
// Disk space: a write that fails gives back the WAL space it took, and a
// large import leaves no large WAL (see SqliteCheckpoint, SqliteRollback,
// LimitWalAfterCommit): an import too large for the disk fails alone, and
// leaves room for the writes after it.
//
// Not thread-safe, like every Storage: GraphStore serialises calls.
#ifndef CITYMATCH_GRAPH_STORAGE_SQLITE_STORAGE_H_
#define CITYMATCH_GRAPH_STORAGE_SQLITE_STORAGE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "graph/storage/storage.h"

struct sqlite3;

namespace citymatch {

class SqliteStorage : public Storage {
 public:
  // 2: requests table; 3: requests.fingerprint
  static constexpr int kSchemaVersion = 3;
  static constexpr char kFileName[] = "citymatch.db";

  // Opens (creating if needed, mode 0600) `<dir>/citymatch.db`; `dir` is
  // created (0700) if missing. Unavailable if the file cannot be opened;
  // DataLoss if it is not a citymatch database or fails its integrity check;
  // FailedPrecondition for a schema newer than kSchemaVersion.
  static absl::StatusOr<std::unique_ptr<SqliteStorage>> Open(
      const std::string& dir);

  ~SqliteStorage() override;

  absl::StatusOr<StoredGraph> Load() override;
  absl::Status Apply(const Mutation& mutation, int64_t version) override;

  // A store restored from a backup goes on from the backup's graph version,
  // while the store it was copied from may have given the versions after
  // that to other data: a client polling with one of them (if_none_match)
  // would be told nothing changed. So a backup marks its copy
  // (MarkBackupCopy), and the first server to start on a marked store calls
  // AdvanceBackupCopy, which moves the graph version to at least `floor`
  // and removes the mark, in one transaction. Returns the version it moved
  // to, or 0 if the store is not a marked copy (then nothing changes).
  absl::Status MarkBackupCopy();
  absl::StatusOr<int64_t> AdvanceBackupCopy(int64_t floor);

  // The underlying connection, for stores that keep more tables in the same
  // file (tokens, audit). Valid as long as this object.
  sqlite3* db() const { return db_; }

 private:
  explicit SqliteStorage(sqlite3* db) : db_(db) {}

  sqlite3* db_;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_STORAGE_SQLITE_STORAGE_H_
