// TokenRegistry knows every organisation and token (hashes only), answers
// "who is this bearer token?" and creates and revokes tokens. It keeps an
// in-memory copy of AdminStorage so that authentication never touches disk,
// and writes through to storage before a change takes effect, so a revoked
// token stops working at once and stays revoked after a restart.
//
// Thread-safe.
#ifndef CITYMATCH_SERVER_TOKEN_REGISTRY_H_
#define CITYMATCH_SERVER_TOKEN_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/types/optional.h"
#include "graph/storage/admin_storage.h"
#include "server/principal.h"

namespace citymatch {

class AuditLog;

class TokenRegistry {
 public:
  // Loads everything from `storage` (which must outlive the registry).
  static absl::StatusOr<std::unique_ptr<TokenRegistry>> Open(
      AdminStorage* storage);

  // The principal of a bearer token. Unauthenticated (never saying why in
  // detail, so that probing learns nothing) if it is malformed, unknown,
  // wrong, revoked or expired.
  absl::StatusOr<Principal> Authenticate(absl::string_view token,
                                         absl::Time now = absl::Now()) const;

  // AlreadyExists if the id is taken; Unavailable if storage failed.
  absl::StatusOr<OrganizationRecord> CreateOrganization(
      OrganizationRecord organization);

  struct Created {
    TokenRecord record;
    std::string token;  // the secret token, to show once
  };
  // InvalidArgument if an editor has no organisation (or another role has
  // one); NotFound if the organisation does not exist. `before_store`, if
  // given, is called with the new token (its record and its secret) just
  // before the token is stored (under the registry's lock); if it fails,
  // nothing is stored and its error is returned.
  absl::StatusOr<Created> CreateToken(
      TokenRole role, const std::string& organization_id,
      const std::string& display_name, int64_t expire_time_ms,
      const std::function<absl::Status(const Created& created)>& before_store =
          nullptr);

  // NotFound if unknown. Revoking twice is fine. FailedPrecondition for the
  // last ADMIN token that is neither revoked nor expired at `now`, which
  // would leave the store without an administrator.
  absl::StatusOr<TokenRecord> RevokeToken(const std::string& id,
                                          absl::Time now = absl::Now());

  // Removes `city_id` from every organisation attached to it, in storage
  // (one transaction) and then here, and returns their ids: the city is
  // being deleted, and a city created later with the same id must not be
  // theirs to edit. Unavailable if storage failed; then nothing changed.
  absl::StatusOr<std::vector<std::string>> DetachCity(
      const std::string& city_id);
  // Attaches `city_id` again to each of `organization_ids` that lacks it:
  // undoes DetachCity when the city was not deleted after all (under the
  // graph's write lock, as DetachCity runs).
  absl::Status ReattachCity(const std::string& city_id,
                            const std::vector<std::string>& organization_ids);

  // Changes the organisation `id`: its display name unless `display_name`
  // is empty; the cities of `add_city_ids` it lacks are appended, those of
  // `remove_city_ids` taken out; in storage (one transaction) and then here,
  // and returns it as it is then. Adding a city it has already changes
  // nothing, so a retry succeeds. NotFound if unknown; InvalidArgument if a
  // city to remove is not one of its cities or is also added; Unavailable if
  // storage failed. On error nothing changed. The caller checks that the
  // added cities exist (under the graph's write lock, as DetachCity runs).
  absl::StatusOr<OrganizationRecord> UpdateOrganization(
      const std::string& id, const std::string& display_name,
      const std::vector<std::string>& add_city_ids,
      const std::vector<std::string>& remove_city_ids);

  // Deletes the organisation `id`, in storage and then here, and returns it.
  // NotFound if unknown; FailedPrecondition, naming them, while tokens act
  // for it that still work at `now` (neither revoked nor expired): they
  // would keep writing for an organisation that no longer exists, and for
  // any organisation created later with the id. Its revoked and expired
  // tokens are kept, as the record of who acted for it. Unavailable if
  // storage failed; then nothing changed. The caller checks that it owns
  // nothing in the graph.
  absl::StatusOr<OrganizationRecord> DeleteOrganization(
      const std::string& id, absl::Time now = absl::Now());

  // The organisation `id`, if it exists.
  absl::optional<OrganizationRecord> FindOrganization(
      const std::string& id) const;
  // The ids of the tokens that act for organisation `id` and still work at
  // `now`, by id.
  std::vector<std::string> WorkingTokens(const std::string& organization_id,
                                         absl::Time now = absl::Now()) const;

  std::vector<OrganizationRecord> Organizations() const;
  std::vector<TokenRecord> Tokens() const;
  bool HasOrganization(const std::string& id) const;

  // True if no token was ever created (a new store).
  bool empty() const;

 private:
  explicit TokenRegistry(AdminStorage* storage) : storage_(storage) {}

  std::vector<std::string> WorkingTokensLocked(
      const std::string& organization_id, absl::Time now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  AdminStorage* const storage_;
  mutable absl::Mutex mu_;
  absl::btree_map<std::string, OrganizationRecord> organizations_
      ABSL_GUARDED_BY(mu_);
  absl::btree_map<std::string, TokenRecord> tokens_ ABSL_GUARDED_BY(mu_);
};

// `<data_dir>/admin.token`, where the server writes an ADMIN token's secret.
std::string AdminTokenPath(const std::string& data_dir);

// The display name of the tokens NewAdminToken creates.
inline constexpr char kNewAdminTokenName[] =
    "recovery admin (--new_admin_token)";

struct NewAdminTokenResult {
  TokenRecord record;  // the new token, without its secret
  std::string path;    // where its secret was written
  // True if the file was there before; then the id of the token it held if
  // that token works in this store ("" if not): it stays valid.
  bool replaced = false;
  std::string replaced_token_id;
};

// Creates an ADMIN token and writes it to `<data_dir>/admin.token` (mode
// 0600) if `registry` has no token yet, so that a new installation needs no
// configuration. Returns the token and the path written, nullopt if tokens
// existed. The file is written (beside its name) first: if it cannot be, no
// token is stored, and the next start tries again instead of serving a store
// whose only ADMIN token nobody knows; it is renamed into place once the
// token is stored. Before either, the creation is recorded in
// `audit` (method "BootstrapAdminToken", the new token as its principal):
// if that fails, Unavailable naming the audit log, and neither is written.
absl::StatusOr<absl::optional<NewAdminTokenResult>> BootstrapAdminToken(
    TokenRegistry* registry, AuditLog* audit, const std::string& data_dir);

// Creates an ADMIN token and writes its secret to `<data_dir>/admin.token`
// (mode 0600), atomically replacing a file already there: the way back in
// for whoever has no ADMIN token left, because the file was deleted or the
// store was restored from a backup (which never holds the secret). It needs
// no other authentication, since whoever can open the store can read every
// secret it guards. The token the file held before is not revoked. The
// creation is recorded in `audit` (method "NewAdminToken", the new token as
// its principal) before the token is stored. The secret is written beside
// the file before the token is stored and renamed over it after, as at
// bootstrap. Errors of the registry as they are; Unavailable, naming the
// audit log, if the event cannot be written, or naming the file if it
// cannot be written (nothing is then stored, and the file is as it was).
absl::StatusOr<NewAdminTokenResult> NewAdminToken(TokenRegistry* registry,
                                                  AuditLog* audit,
                                                  const std::string& data_dir);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_TOKEN_REGISTRY_H_
