#include "graph/storage/sqlite_util.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "graph/storage/file_modes.h"
#include "spdlog/spdlog.h"

namespace citymatch {

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what) {
  const std::string message = absl::StrCat(
      what, ": ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    case SQLITE_CONSTRAINT:
      return absl::FailedPreconditionError(message);
    default:
      return absl::UnavailableError(message);
  }
}

absl::Status SqliteExec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  sqlite3_free(error);
  if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
  return absl::OkStatus();
}

namespace {

// How long a writer waits for another connection's lock.
constexpr int kBusyTimeoutMs = 5000;

// The path of the WAL file of `db`'s main database.
std::string WalPath(sqlite3* db) {
  return absl::StrCat(sqlite3_db_filename(db, "main"), "-wal");
}

// Checkpoints `db` in `mode` without waiting for other connections (a
// backup reading in another process): what they still read stays in the
// WAL. Any other failure is only logged: the WAL keeps its size.
void Checkpoint(sqlite3* db, int mode) {
  sqlite3_busy_timeout(db, 0);
  const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, mode, nullptr, nullptr);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  if (rc == SQLITE_OK || rc == SQLITE_BUSY) return;
  spdlog::warn("checkpoint of {} failed: {}", WalPath(db),
               std::string(SqliteError(db, rc, "checkpoint").message()));
}

// Whether the WAL file of `db` is larger than kWalSizeLimit.
bool WalTooLarge(sqlite3* db) {
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(WalPath(db), error);
  return !error && size > static_cast<uintmax_t>(kWalSizeLimit);
}

absl::Status Migrate(sqlite3* db, const char* schema, int schema_version,
                     const std::vector<SchemaUpgrade>& upgrades) {
  SqliteStatement version(db, "PRAGMA user_version");
  if (!version.Step()) return version.status();
  const int64_t found = version.Int(0);
  if (found > schema_version) {
    return absl::FailedPreconditionError(
        absl::StrCat("the store has schema version ", found,
                     "; this build knows up to ", schema_version));
  }
  if (found == schema_version) return absl::OkStatus();
  absl::Status status = SqliteExec(db, "BEGIN IMMEDIATE");
  if (!status.ok()) return status;
  for (const SchemaUpgrade& upgrade : upgrades) {
    // Version 0 is a new, empty file: `schema` makes every table whole.
    if (status.ok() && found != 0 && found >= upgrade.from) {
      status = SqliteExec(db, upgrade.sql);
    }
  }
  if (status.ok()) status = SqliteExec(db, schema);
  if (status.ok()) {
    status = SqliteExec(
        db, absl::StrCat("PRAGMA user_version = ", schema_version).c_str());
  }
  if (status.ok()) return SqliteExec(db, "COMMIT");
  SqliteExec(db, "ROLLBACK").IgnoreError();
  return status;
}

// A store made by an earlier version of the server, or copied in under a
// umask of 022, may be readable by group or others; the admin store holds
// token hashes and the audit log, and the graph is only for token holders.
// So it is made private before it is opened, with the -wal and -shm files a
// server that crashed leaves behind. Only warned about if that fails (a file
// of another user): refusing to start would not make it any less readable.
void RestrictExistingDatabase(const std::string& path) {
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    absl::StatusOr<absl::optional<mode_t>> was = RestrictToOwner(file);
    if (!was.ok()) {
      spdlog::warn("{} may be readable by other users: {}", file,
                   std::string(was.status().message()));
    } else if (was->has_value()) {
      spdlog::warn(
          "{} was readable by other users (mode {:04o}); set it to 0600: "
          "only token holders may read what the server keeps",
          file, static_cast<unsigned>(**was));
    }
  }
}

}  // namespace

absl::StatusOr<sqlite3*> OpenSqliteDatabase(
    const std::string& dir, const std::string& file_name, const char* schema,
    int schema_version, const std::vector<SchemaUpgrade>& upgrades) {
  if (absl::Status made = CreateOwnerOnlyDirectory(dir); !made.ok()) {
    return made;
  }
  const std::string path = (std::filesystem::path(dir) / file_name).string();
  RestrictExistingDatabase(path);
  if (absl::Status made = CreateOwnerOnlyFile(path); !made.ok()) return made;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(db, rc, absl::StrCat("open ", path));
    sqlite3_close(db);
    return status;
  }
  // SQLite opens a file this process may not write read-only, without an
  // error: the server would start, serve reads and fail every write with
  // "attempt to write a readonly database", naming no file.
  if (sqlite3_db_readonly(db, "main") == 1) {
    sqlite3_close(db);
    return absl::FailedPreconditionError(
        absl::StrCat(path,
                     " cannot be written by this process (its mode or owner?); "
                     "the store must be writable"));
  }
  // A writer that finds the file locked waits instead of failing at once.
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  absl::Status status = SqliteExec(
      db, absl::StrCat("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                       "PRAGMA journal_size_limit=",
                       kWalSizeLimit, ";")
              .c_str());
  // The first statement that writes; it fails in a directory where the -wal
  // and -shm files cannot be made, and SQLite's message names no file.
  if (!status.ok()) {
    status =
        absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
  }
  if (status.ok()) {
    SqliteStatement check(db, "PRAGMA quick_check");
    if (!check.Step()) {
      status = check.status();
    } else if (check.Text(0) != "ok") {
      status = absl::DataLossError(
          absl::StrCat(path, " failed its integrity check: ", check.Text(0)));
    }
  }
  if (status.ok()) status = Migrate(db, schema, schema_version, upgrades);
  if (!status.ok()) {
    sqlite3_close_v2(db);
    return status;
  }
  // A WAL left by a process that could not empty it (it was killed, or the
  // disk was full) starts empty; if it cannot (the disk is still full),
  // each commit tries again while it is larger than kWalSizeLimit.
  Checkpoint(db, SQLITE_CHECKPOINT_TRUNCATE);
  return db;
}

void SqliteCheckpoint(sqlite3* db) {
  Checkpoint(db, SQLITE_CHECKPOINT_PASSIVE);
}

void SqliteRollback(sqlite3* db) {
  // SQLite has already rolled back after some errors (a full disk); then
  // there is no transaction left to end.
  if (sqlite3_get_autocommit(db) == 0) {
    SqliteExec(db, "ROLLBACK").IgnoreError();
  }
  Checkpoint(db, SQLITE_CHECKPOINT_TRUNCATE);
}

void LimitWalAfterCommit(sqlite3* db) {
  if (WalTooLarge(db)) Checkpoint(db, SQLITE_CHECKPOINT_TRUNCATE);
}

SqliteStatement::SqliteStatement(sqlite3* db, const char* sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) status_ = SqliteError(db, rc, "prepare");
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement& SqliteStatement::Bind(int index, absl::string_view text) {
  if (status_.ok()) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
  }
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  if (status_.ok()) sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, double value) {
  if (status_.ok()) sqlite3_bind_double(stmt_, index, value);
  return *this;
}

bool SqliteStatement::Step() {
  if (!status_.ok()) return false;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status_ = SqliteError(db_, rc, "step");
  return false;
}

absl::Status SqliteStatement::Run() {
  while (Step()) {
  }
  absl::Status result = status_;
  Reset();
  return result;
}

void SqliteStatement::Reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string SqliteStatement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return text == nullptr
             ? std::string()
             : std::string(reinterpret_cast<const char*>(text), size);
}

int64_t SqliteStatement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double SqliteStatement::Double(int column) const {
  return sqlite3_column_double(stmt_, column);
}

}  // namespace citymatch
