#include "graph/storage/sqlite_backup.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "graph/storage/sqlite_admin_storage.h"
#include "graph/storage/sqlite_storage.h"
#include "graph/storage/sqlite_util.h"
#include "sqlite3.h"

namespace citymatch {

namespace {

// sqlite3_close_v2 on scope exit.
struct Closer {
  sqlite3* db = nullptr;
  ~Closer() { sqlite3_close_v2(db); }
};

absl::Status CopyDatabase(const std::string& from, const std::string& to) {
  Closer source;
  // Read-write without create: a missing file is an error, not a new empty
  // store, and a WAL database needs its shared-memory index writable.
  int rc =
      sqlite3_open_v2(from.c_str(), &source.db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return SqliteError(source.db, rc, "open " + from);
  // A checkpoint of the running server may hold a lock for a moment.
  sqlite3_busy_timeout(source.db, 10000);
  Closer target;
  rc = sqlite3_open_v2(
      to.c_str(), &target.db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) return SqliteError(target.db, rc, "create " + to);
  absl::Status status = SqliteExec(target.db, "PRAGMA synchronous = FULL");
  if (!status.ok()) return status;
  sqlite3_backup* backup =
      sqlite3_backup_init(target.db, "main", source.db, "main");
  if (backup == nullptr) {
    return SqliteError(target.db, sqlite3_errcode(target.db),
                       "back up " + from);
  }
  // Every page in one step: one read transaction, one consistent snapshot.
  // (Step by step, a write in between would restart the copy.)
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteError(nullptr, rc, "back up " + from);
  rc = sqlite3_errcode(target.db);
  if (rc != SQLITE_OK) return SqliteError(target.db, rc, "write " + to);
  return absl::OkStatus();
}

}  // namespace

absl::Status BackupSqliteDatabase(const std::string& from_dir,
                                  const std::string& to_dir,
                                  const std::string& file_name) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path from = fs::path(from_dir) / file_name;
  const fs::path to = fs::path(to_dir) / file_name;
  if (!fs::exists(from, error)) {
    return absl::NotFoundError(
        absl::StrCat("no database to back up: ", from.string()));
  }
  if (fs::exists(to, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat(to.string(), " exists; a backup does not overwrite one"));
  }
  fs::create_directories(to_dir, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", to_dir, ": ", error.message()));
  }
  const fs::path partial = fs::path(to.string() + ".partial");
  fs::remove(partial, error);
  absl::Status status = CopyDatabase(from.string(), partial.string());
  if (status.ok()) {
    fs::rename(partial, to, error);
    if (error) {
      status = absl::UnavailableError(absl::StrCat(
          "cannot rename ", partial.string(), ": ", error.message()));
    }
  }
  if (!status.ok()) fs::remove(partial, error);
  return status;
}

absl::StatusOr<DataDirBackup> BackupDataDir(const std::string& data_dir,
                                            const std::string& backup_dir) {
  for (const char* file :
       {SqliteStorage::kFileName, SqliteAdminStorage::kFileName}) {
    absl::Status status = BackupSqliteDatabase(data_dir, backup_dir, file);
    if (!status.ok()) return status;
  }
  absl::StatusOr<std::unique_ptr<SqliteStorage>> copy =
      SqliteStorage::Open(backup_dir);
  if (!copy.ok()) return copy.status();
  absl::StatusOr<StoredGraph> stored = (*copy)->Load();
  if (!stored.ok()) {
    return absl::DataLossError(
        absl::StrCat("the backup in ", backup_dir,
                     " does not load: ", stored.status().message()));
  }
  DataDirBackup out;
  out.graph_version = stored->version;
  out.cities = static_cast<int>(stored->data.cities.size());
  out.projects = static_cast<int>(stored->data.projects.size());
  out.practices = static_cast<int>(stored->data.practices.size());
  out.twinnings = static_cast<int>(stored->data.twinnings.size());
  return out;
}

}  // namespace citymatch
