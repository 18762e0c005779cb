// AdminStorage keeps who may do what: organisations, access tokens (as salted
// hashes only) and the audit log of writes. It is separate from the graph's
// Storage because it changes on a different rhythm (every write appends an
// audit event) and never feeds the ranking.
//
// Thread-safe: implementations serialise calls internally.
#ifndef CITYMATCH_GRAPH_STORAGE_ADMIN_STORAGE_H_
#define CITYMATCH_GRAPH_STORAGE_ADMIN_STORAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace citymatch {

enum class TokenRole { kUnspecified = 0, kAdmin = 1, kEditor = 2, kViewer = 3 };

struct OrganizationRecord {
  std::string id;
  std::string display_name;
  std::vector<std::string> city_ids;
  int64_t create_time_ms = 0;
};

struct TokenRecord {
  std::string id;
  std::string display_name;
  TokenRole role = TokenRole::kUnspecified;
  std::string organization_id;  // editors only
  std::string salt;             // random bytes
  std::string hash;             // SHA-256(salt || secret)
  int64_t create_time_ms = 0;
  int64_t expire_time_ms = 0;  // 0: never
  bool revoked = false;
};

struct AuditRecord {
  int64_t sequence = 0;  // assigned by the storage
  int64_t time_ms = 0;
  std::string token_id;
  TokenRole role = TokenRole::kUnspecified;
  std::string organization_id;
  std::string method;
  std::string resource;
  std::string result;  // gRPC code name
};

class AdminStorage {
 public:
  virtual ~AdminStorage() = default;

  virtual absl::StatusOr<std::vector<OrganizationRecord>>
  LoadOrganizations() = 0;
  virtual absl::StatusOr<std::vector<TokenRecord>> LoadTokens() = 0;

  // Insert; AlreadyExists if the id is taken. Unavailable on I/O failure.
  virtual absl::Status InsertOrganization(const OrganizationRecord& org) = 0;
  // Sets the cities of each of `organizations` (found by id; their other
  // fields are not written), all in one transaction. NotFound if one does
  // not exist, Unavailable on I/O failure; either way nothing changed.
  virtual absl::Status UpdateOrganizationCities(
      const std::vector<OrganizationRecord>& organizations) = 0;
  // Sets the display name and the cities of `org` (found by id; its
  // create time is not written) in one transaction. NotFound if it does not
  // exist, Unavailable on I/O failure; either way nothing changed.
  virtual absl::Status UpdateOrganization(const OrganizationRecord& org) = 0;
  // Deletes the organisation `id` in one transaction. Its tokens are not
  // touched: whoever deletes it checks that none of them works any more.
  // NotFound if it does not exist, Unavailable on I/O failure.
  virtual absl::Status DeleteOrganization(const std::string& id) = 0;
  // Insert or replace by id.
  virtual absl::Status PutToken(const TokenRecord& token) = 0;

  // Appends `event` (its sequence is assigned); returns the sequence.
  virtual absl::StatusOr<int64_t> AppendAudit(const AuditRecord& event) = 0;
  // Sets the resource and the result of the event `sequence`. NotFound if
  // there is none, Unavailable on I/O failure.
  virtual absl::Status SetAuditResult(int64_t sequence,
                                      const std::string& resource,
                                      const std::string& result) = 0;
  // Up to `limit` events with sequence < `before` (0: from the newest),
  // newest first.
  virtual absl::StatusOr<std::vector<AuditRecord>> ListAudit(int64_t before,
                                                             int limit) = 0;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_STORAGE_ADMIN_STORAGE_H_
