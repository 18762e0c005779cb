// SqliteAdminStorage keeps organisations, token hashes and the audit log in
// `<dir>/admin.db` (WAL, synchronous=FULL, like the graph store). Its
// transactions are small, so SQLite's own checkpoint every 1,000 pages
// keeps its WAL in bounds (kWalSizeLimit once started over); one that
// fails gives its WAL space back (SqliteRollback).
//
// Thread-safe: one mutex serialises every call.
#ifndef CITYMATCH_GRAPH_STORAGE_SQLITE_ADMIN_STORAGE_H_
#define CITYMATCH_GRAPH_STORAGE_SQLITE_ADMIN_STORAGE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "graph/storage/admin_storage.h"

struct sqlite3;

namespace citymatch {

class SqliteAdminStorage : public AdminStorage {
 public:
  static constexpr int kSchemaVersion = 1;
  static constexpr char kFileName[] = "admin.db";

  // Opens or creates `<dir>/admin.db`, mode 0600: an existing one that group
  // or others may read is set to 0600 first, and a warning logged. Errors as
  // SqliteStorage::Open.
  static absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> Open(
      const std::string& dir);
  ~SqliteAdminStorage() override;

  absl::StatusOr<std::vector<OrganizationRecord>> LoadOrganizations() override;
  absl::StatusOr<std::vector<TokenRecord>> LoadTokens() override;
  absl::Status InsertOrganization(const OrganizationRecord& org) override;
  absl::Status UpdateOrganizationCities(
      const std::vector<OrganizationRecord>& organizations) override;
  absl::Status UpdateOrganization(const OrganizationRecord& org) override;
  absl::Status DeleteOrganization(const std::string& id) override;
  absl::Status PutToken(const TokenRecord& token) override;
  absl::StatusOr<int64_t> AppendAudit(const AuditRecord& event) override;
  absl::Status SetAuditResult(int64_t sequence, const std::string& resource,
                              const std::string& result) override;
  absl::StatusOr<std::vector<AuditRecord>> ListAudit(int64_t before,
                                                     int limit) override;

 private:
  explicit SqliteAdminStorage(sqlite3* db) : db_(db) {}

  absl::Mutex mu_;
  sqlite3* const db_ ABSL_PT_GUARDED_BY(mu_);
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_STORAGE_SQLITE_ADMIN_STORAGE_H_
