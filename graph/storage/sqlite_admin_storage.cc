#include "graph/storage/sqlite_admin_storage.h"

#include <filesystem>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "graph/storage/sqlite_util.h"
#include "sqlite3.h"

namespace citymatch {

namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS organizations (
  id TEXT PRIMARY KEY, display_name TEXT NOT NULL, city_ids TEXT NOT NULL,
  create_time_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY, display_name TEXT NOT NULL, role INTEGER NOT NULL,
  organization_id TEXT NOT NULL, salt BLOB NOT NULL, hash BLOB NOT NULL,
  create_time_ms INTEGER NOT NULL, expire_time_ms INTEGER NOT NULL,
  revoked INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit_events (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL,
  token_id TEXT NOT NULL, role INTEGER NOT NULL, organization_id TEXT NOT NULL,
  method TEXT NOT NULL, resource TEXT NOT NULL, result TEXT NOT NULL);
)sql";

// The outcome of a statement that writes one row found by its key:
// `status`, or NotFound naming `what` if it succeeded but matched no row.
absl::Status OneRowWritten(sqlite3* db, absl::Status status,
                           absl::string_view what) {
  if (status.ok() && sqlite3_changes(db) == 0) {
    return absl::NotFoundError(absl::StrCat(what, " not found"));
  }
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> SqliteAdminStorage::Open(
    const std::string& dir) {
  absl::StatusOr<sqlite3*> db =
      OpenSqliteDatabase(dir, kFileName, kSchema, kSchemaVersion);
  if (!db.ok()) return db.status();
  return std::unique_ptr<SqliteAdminStorage>(new SqliteAdminStorage(*db));
}

SqliteAdminStorage::~SqliteAdminStorage() { sqlite3_close_v2(db_); }

absl::StatusOr<std::vector<OrganizationRecord>>
SqliteAdminStorage::LoadOrganizations() {
  absl::MutexLock lock(&mu_);
  SqliteStatement q(db_,
                    "SELECT id, display_name, city_ids, create_time_ms "
                    "FROM organizations ORDER BY id");
  std::vector<OrganizationRecord> out;
  while (q.Step()) {
    OrganizationRecord org;
    org.id = q.Text(0);
    org.display_name = q.Text(1);
    const std::string cities = q.Text(2);
    if (!cities.empty()) org.city_ids = absl::StrSplit(cities, ',');
    org.create_time_ms = q.Int(3);
    out.push_back(std::move(org));
  }
  if (!q.status().ok()) return q.status();
  return out;
}

absl::StatusOr<std::vector<TokenRecord>> SqliteAdminStorage::LoadTokens() {
  absl::MutexLock lock(&mu_);
  SqliteStatement q(db_,
                    "SELECT id, display_name, role, organization_id, salt, "
                    "hash, create_time_ms, expire_time_ms, revoked "
                    "FROM tokens ORDER BY id");
  std::vector<TokenRecord> out;
  while (q.Step()) {
    TokenRecord t;
    t.id = q.Text(0);
    t.display_name = q.Text(1);
    t.role = static_cast<TokenRole>(q.Int(2));
    t.organization_id = q.Text(3);
    t.salt = q.Text(4);
    t.hash = q.Text(5);
    t.create_time_ms = q.Int(6);
    t.expire_time_ms = q.Int(7);
    t.revoked = q.Int(8) != 0;
    out.push_back(std::move(t));
  }
  if (!q.status().ok()) return q.status();
  return out;
}

absl::Status SqliteAdminStorage::InsertOrganization(
    const OrganizationRecord& org) {
  absl::MutexLock lock(&mu_);
  SqliteStatement q(db_,
                    "INSERT INTO organizations (id, display_name, city_ids, "
                    "create_time_ms) VALUES (?1, ?2, ?3, ?4)");
  absl::Status status = q.Bind(1, org.id)
                            .Bind(2, org.display_name)
                            .Bind(3, absl::StrJoin(org.city_ids, ","))
                            .Bind(4, org.create_time_ms)
                            .Run();
  if (absl::IsFailedPrecondition(status)) {
    return absl::AlreadyExistsError(
        absl::StrCat("organization ", org.id, " already exists"));
  }
  return status;
}

absl::Status SqliteAdminStorage::UpdateOrganizationCities(
    const std::vector<OrganizationRecord>& organizations) {
  absl::MutexLock lock(&mu_);
  absl::Status status = SqliteExec(db_, "BEGIN IMMEDIATE");
  if (!status.ok()) return status;
  {
    SqliteStatement q(db_,
                      "UPDATE organizations SET city_ids = ?2 WHERE id = ?1");
    for (const OrganizationRecord& org : organizations) {
      status =
          q.Bind(1, org.id).Bind(2, absl::StrJoin(org.city_ids, ",")).Run();
      status = OneRowWritten(db_, std::move(status),
                             absl::StrCat("organization ", org.id));
      if (!status.ok()) break;
    }
  }
  if (status.ok()) status = SqliteExec(db_, "COMMIT");
  if (!status.ok()) SqliteRollback(db_);
  return status;
}

// One statement each: SQLite runs it in a transaction of its own.
absl::Status SqliteAdminStorage::UpdateOrganization(
    const OrganizationRecord& org) {
  absl::MutexLock lock(&mu_);
  SqliteStatement q(db_,
                    "UPDATE organizations SET display_name = ?2, city_ids = ?3 "
                    "WHERE id = ?1");
  absl::Status status = q.Bind(1, org.id)
                            .Bind(2, org.display_name)
                            .Bind(3, absl::StrJoin(org.city_ids, ","))
                            .Run();
  return OneRowWritten(db_, std::move(status),
                       absl::StrCat("organization ", org.id));
}

absl::Status SqliteAdminStorage::DeleteOrganization(const std::string& id) {
  absl::MutexLock lock(&mu_);
  SqliteStatement q(db_, "DELETE FROM organizations WHERE id = ?1");
  absl::Status status = q.Bind(1, id).Run();
  return OneRowWritten(db_, std::move(status),
                       absl::StrCat("organization ", id));
}

absl::Status SqliteAdminStorage::PutToken(const TokenRecord& t) {
  absl::MutexLock lock(&mu_);
  SqliteStatement q(db_,
                    "INSERT OR REPLACE INTO tokens (id, display_name, role, "
                    "organization_id, salt, hash, create_time_ms, "
                    "expire_time_ms, revoked) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  return q.Bind(1, t.id)
      .Bind(2, t.display_name)
      .Bind(3, static_cast<int64_t>(t.role))
      .Bind(4, t.organization_id)
      .Bind(5, t.salt)
      .Bind(6, t.hash)
      .Bind(7, t.create_time_ms)
      .Bind(8, t.expire_time_ms)
      .Bind(9, static_cast<int64_t>(t.revoked ? 1 : 0))
      .Run();
}

absl::StatusOr<int64_t> SqliteAdminStorage::AppendAudit(const AuditRecord& e) {
  absl::MutexLock lock(&mu_);
  SqliteStatement q(db_,
                    "INSERT INTO audit_events (time_ms, token_id, role, "
                    "organization_id, method, resource, result) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  absl::Status status = q.Bind(1, e.time_ms)
                            .Bind(2, e.token_id)
                            .Bind(3, static_cast<int64_t>(e.role))
                            .Bind(4, e.organization_id)
                            .Bind(5, e.method)
                            .Bind(6, e.resource)
                            .Bind(7, e.result)
                            .Run();
  if (!status.ok()) return status;
  return sqlite3_last_insert_rowid(db_);
}

absl::Status SqliteAdminStorage::SetAuditResult(int64_t sequence,
                                                const std::string& resource,
                                                const std::string& result) {
  absl::MutexLock lock(&mu_);
  SqliteStatement q(db_,
                    "UPDATE audit_events SET resource = ?1, result = ?2 "
                    "WHERE sequence = ?3");
  absl::Status status =
      q.Bind(1, resource).Bind(2, result).Bind(3, sequence).Run();
  return OneRowWritten(db_, std::move(status),
                       absl::StrCat("audit event ", sequence));
}

absl::StatusOr<std::vector<AuditRecord>> SqliteAdminStorage::ListAudit(
    int64_t before, int limit) {
  absl::MutexLock lock(&mu_);
  SqliteStatement q(db_,
                    "SELECT sequence, time_ms, token_id, role, "
                    "organization_id, method, resource, result "
                    "FROM audit_events WHERE ?1 = 0 OR sequence < ?1 "
                    "ORDER BY sequence DESC LIMIT ?2");
  q.Bind(1, before).Bind(2, static_cast<int64_t>(limit));
  std::vector<AuditRecord> out;
  while (q.Step()) {
    AuditRecord e;
    e.sequence = q.Int(0);
    e.time_ms = q.Int(1);
    e.token_id = q.Text(2);
    e.role = static_cast<TokenRole>(q.Int(3));
    e.organization_id = q.Text(4);
    e.method = q.Text(5);
    e.resource = q.Text(6);
    e.result = q.Text(7);
    out.push_back(std::move(e));
  }
  if (!q.status().ok()) return q.status();
  return out;
}

}  // namespace citymatch
