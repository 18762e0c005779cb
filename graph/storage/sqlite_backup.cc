#include "graph/storage/sqlite_backup.h"

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "graph/storage/file_modes.h"
#include "graph/storage/sqlite_admin_storage.h"
#include "graph/storage/sqlite_storage.h"
#include "graph/storage/sqlite_util.h"
#include "sqlite3.h"

namespace citymatch {

namespace {

namespace fs = std::filesystem;

// sqlite3_close_v2 on scope exit.
struct Closer {
  sqlite3* db = nullptr;
  ~Closer() { sqlite3_close_v2(db); }
};

// Copies the database `from`, a citymatch store of schema `schema_version`
// or an earlier one (a store this build has not opened yet: the copy is
// brought up to date when it is loaded), into the new file `to`.
absl::Status CopyDatabase(const fs::path& from, int schema_version,
                          const fs::path& to) {
  std::error_code error;
  if (!fs::exists(from, error)) {
    return absl::NotFoundError(
        absl::StrCat("no database to back up: ", from.string()));
  }
  Closer source;
  // Read-write without create: a missing file is an error, not a new empty
  // store, and a WAL database needs its shared-memory index writable.
  int rc =
      sqlite3_open_v2(from.c_str(), &source.db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    return SqliteError(source.db, rc, "read " + from.string());
  }
  // A checkpoint of the running server may hold a lock for a moment.
  sqlite3_busy_timeout(source.db, 10000);
  {
    // Any SQLite file would copy; only a store this build can open
    // restores.
    SqliteStatement version(source.db, "PRAGMA user_version");
    if (!version.Step()) return version.status();
    if (version.Int(0) < 1 || version.Int(0) > schema_version) {
      return absl::FailedPreconditionError(absl::StrCat(
          from.string(), " is not a citymatch store of this build (schema ",
          version.Int(0), ", expected 1 to ", schema_version, ")"));
    }
  }
  // Private like the store it copies: a backup holds the token hashes too.
  if (absl::Status made = CreateOwnerOnlyFile(to.string()); !made.ok()) {
    return made;
  }
  Closer target;
  rc = sqlite3_open_v2(
      to.c_str(), &target.db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    return SqliteError(target.db, rc, "write the copy " + to.string());
  }
  absl::Status status = SqliteExec(target.db, "PRAGMA synchronous = FULL");
  if (!status.ok()) return status;
  sqlite3_backup* backup =
      sqlite3_backup_init(target.db, "main", source.db, "main");
  if (backup == nullptr) {
    return SqliteError(target.db, sqlite3_errcode(target.db),
                       "write the copy " + to.string());
  }
  // Every page in one step: one read transaction, one consistent snapshot.
  // (Step by step, a write in between would restart the copy.)
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  if (rc == SQLITE_DONE) return absl::OkStatus();
  // The step's error is the copy's (disk full, I/O) if the target
  // connection has one, else the store's.
  if (sqlite3_errcode(target.db) != SQLITE_OK) {
    return SqliteError(target.db, rc, "write the copy " + to.string());
  }
  return SqliteError(source.db, rc, "read " + from.string());
}

// Loads both copies in `dir` as a server would start on them.
absl::StatusOr<DataDirBackup> LoadCopy(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<SqliteStorage>> graph =
      SqliteStorage::Open(dir);
  if (!graph.ok()) return graph.status();
  absl::StatusOr<StoredGraph> stored = (*graph)->Load();
  if (!stored.ok()) {
    return absl::DataLossError(absl::StrCat(
        "the copy of the graph does not load: ", stored.status().message()));
  }
  // The first server started on the copy moves its version past the
  // original's (SqliteStorage::AdvanceBackupCopy).
  if (absl::Status marked = (*graph)->MarkBackupCopy(); !marked.ok()) {
    return marked;
  }
  absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> admin =
      SqliteAdminStorage::Open(dir);
  if (!admin.ok()) return admin.status();
  absl::StatusOr<std::vector<TokenRecord>> tokens = (*admin)->LoadTokens();
  absl::StatusOr<std::vector<OrganizationRecord>> organizations =
      (*admin)->LoadOrganizations();
  if (!tokens.ok() || !organizations.ok()) {
    return absl::DataLossError(absl::StrCat(
        "the copy of the admin store does not load: ",
        (tokens.ok() ? organizations.status() : tokens.status()).message()));
  }
  DataDirBackup out;
  out.graph_version = stored->version;
  out.cities = static_cast<int>(stored->data.cities.size());
  out.projects = static_cast<int>(stored->data.projects.size());
  out.practices = static_cast<int>(stored->data.practices.size());
  out.twinnings = static_cast<int>(stored->data.twinnings.size());
  out.tokens = static_cast<int>(tokens->size());
  out.organizations = static_cast<int>(organizations->size());
  return out;
}

// `path` made absolute, with ".", ".." and the symlinks of the part that
// exists resolved, so that two spellings of one directory compare equal.
fs::path Resolved(const std::string& path) {
  std::error_code error;
  const fs::path absolute = fs::absolute(path, error);
  if (error) return fs::path(path).lexically_normal();
  fs::path resolved = fs::weakly_canonical(absolute, error);
  if (error) return absolute.lexically_normal();
  return resolved;
}

// True if the resolved path `inner` is `outer` or lies inside it.
bool IsSameOrInside(const fs::path& inner, const fs::path& outer) {
  const fs::path relative = inner.lexically_relative(outer);
  return !relative.empty() && *relative.begin() != "..";
}

}  // namespace

absl::StatusOr<DataDirBackup> BackupDataDir(const std::string& data_dir,
                                            const std::string& backup_dir) {
  // A backup is for when the store's directory is lost or damaged, and one
  // kept inside it is lost with it. Compared resolved, so that
  // "var/../var/backup" or a symlink to var is caught too.
  const fs::path resolved_data = Resolved(data_dir);
  const fs::path resolved_backup = Resolved(backup_dir);
  if (IsSameOrInside(resolved_backup, resolved_data)) {
    return absl::InvalidArgumentError(absl::StrCat(
        backup_dir, " is inside the data directory ", data_dir, " (",
        resolved_backup.string(), " in ", resolved_data.string(),
        "): a backup there is lost with the store it is meant to restore; "
        "back up to a directory outside it"));
  }
  std::error_code error;
  const fs::path target = fs::absolute(backup_dir, error);
  if (fs::exists(target, error) &&
      (!fs::is_directory(target, error) || !fs::is_empty(target, error))) {
    return absl::AlreadyExistsError(
        absl::StrCat(backup_dir,
                     " exists and is not an empty directory; a backup never "
                     "overwrites one"));
  }
  fs::create_directories(target.parent_path(), error);
  // Beside the target, so that the final rename stays on one file system.
  std::string staging_template =
      (target.parent_path() /
       ("." + target.filename().string() + ".partial-XXXXXX"))
          .string();
  if (mkdtemp(staging_template.data()) == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "cannot create a directory beside ", backup_dir, ": ",
        std::error_code(errno, std::generic_category()).message()));
  }
  const fs::path staging = staging_template;
  absl::StatusOr<DataDirBackup> backup =
      [&]() -> absl::StatusOr<DataDirBackup> {
    absl::Status status = CopyDatabase(
        fs::path(data_dir) / SqliteStorage::kFileName,
        SqliteStorage::kSchemaVersion, staging / SqliteStorage::kFileName);
    if (!status.ok()) return status;
    status = CopyDatabase(fs::path(data_dir) / SqliteAdminStorage::kFileName,
                          SqliteAdminStorage::kSchemaVersion,
                          staging / SqliteAdminStorage::kFileName);
    if (!status.ok()) return status;
    return LoadCopy(staging.string());
  }();
  if (backup.ok()) {
    // An empty target directory gives way; one filled meanwhile (another
    // backup into the same place) makes the rename fail.
    fs::remove(target, error);
    fs::rename(staging, target, error);
    if (error) {
      backup = absl::AlreadyExistsError(absl::StrCat(
          "cannot move the backup into ", backup_dir, ": ", error.message()));
    }
  }
  if (!backup.ok()) fs::remove_all(staging, error);
  return backup;
}

}  // namespace citymatch
