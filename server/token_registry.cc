#include "server/token_registry.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/audit_log.h"
#include "server/status_util.h"
#include "server/token_secrets.h"

namespace citymatch {

namespace {

// Whether `t` is accepted at `now_ms`: neither revoked nor expired.
bool Works(const TokenRecord& t, int64_t now_ms) {
  return !t.revoked && (t.expire_time_ms == 0 || now_ms < t.expire_time_ms);
}

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

absl::StatusOr<std::unique_ptr<TokenRegistry>> TokenRegistry::Open(
    AdminStorage* storage) {
  std::unique_ptr<TokenRegistry> registry(new TokenRegistry(storage));
  absl::StatusOr<std::vector<OrganizationRecord>> orgs =
      storage->LoadOrganizations();
  if (!orgs.ok()) return orgs.status();
  absl::StatusOr<std::vector<TokenRecord>> tokens = storage->LoadTokens();
  if (!tokens.ok()) return tokens.status();
  absl::MutexLock lock(&registry->mu_);
  for (OrganizationRecord& o : *orgs) {
    registry->organizations_[o.id] = std::move(o);
  }
  for (TokenRecord& t : *tokens) registry->tokens_[t.id] = std::move(t);
  return registry;
}

absl::StatusOr<Principal> TokenRegistry::Authenticate(absl::string_view token,
                                                      absl::Time now) const {
  const absl::Status refused =
      absl::UnauthenticatedError("missing, invalid, revoked or expired token");
  std::optional<PresentedToken> presented = ParseToken(token);
  if (!presented.has_value()) return refused;
  absl::MutexLock lock(&mu_);
  auto it = tokens_.find(presented->id);
  if (it == tokens_.end()) return refused;
  const TokenRecord& record = it->second;
  if (!VerifySecret(presented->secret, record.salt, record.hash)) {
    return refused;
  }
  if (record.revoked) return refused;
  if (record.expire_time_ms != 0 &&
      absl::ToUnixMillis(now) >= record.expire_time_ms) {
    return refused;
  }
  Principal principal;
  principal.token_id = record.id;
  principal.role = record.role;
  principal.organization_id = record.organization_id;
  if (auto org = organizations_.find(record.organization_id);
      org != organizations_.end()) {
    principal.organization_city_ids = org->second.city_ids;
  }
  return principal;
}

absl::StatusOr<OrganizationRecord> TokenRegistry::CreateOrganization(
    OrganizationRecord organization) {
  organization.create_time_ms = absl::ToUnixMillis(absl::Now());
  absl::MutexLock lock(&mu_);
  if (organizations_.contains(organization.id)) {
    return absl::AlreadyExistsError(
        absl::StrCat("organization ", organization.id, " already exists"));
  }
  absl::Status status = storage_->InsertOrganization(organization);
  if (!status.ok()) return status;
  organizations_[organization.id] = organization;
  return organization;
}

absl::StatusOr<TokenRegistry::Created> TokenRegistry::CreateToken(
    TokenRole role, const std::string& organization_id,
    const std::string& display_name, int64_t expire_time_ms,
    const std::function<absl::Status(const Created& created)>& before_store) {
  if (role == TokenRole::kEditor && organization_id.empty()) {
    return absl::InvalidArgumentError("an EDITOR token needs an organization");
  }
  if (role != TokenRole::kEditor && !organization_id.empty()) {
    return absl::InvalidArgumentError(
        "only EDITOR tokens act for an organization");
  }
  NewToken fresh = GenerateToken();
  Created created;
  created.token = std::move(fresh.token);
  TokenRecord& record = created.record;
  record.id = std::move(fresh.id);
  record.display_name = display_name;
  record.role = role;
  record.organization_id = organization_id;
  record.salt = std::move(fresh.salt);
  record.hash = std::move(fresh.hash);
  record.create_time_ms = absl::ToUnixMillis(absl::Now());
  record.expire_time_ms = expire_time_ms;
  absl::MutexLock lock(&mu_);
  if (!organization_id.empty() && !organizations_.contains(organization_id)) {
    return absl::NotFoundError(
        absl::StrCat("organization ", organization_id, " not found"));
  }
  if (before_store) {
    if (absl::Status done = before_store(created); !done.ok()) {
      return done;
    }
  }
  absl::Status status = storage_->PutToken(record);
  if (!status.ok()) return status;
  tokens_[record.id] = record;
  return created;
}

absl::StatusOr<TokenRecord> TokenRegistry::RevokeToken(const std::string& id,
                                                      absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = tokens_.find(id);
  if (it == tokens_.end()) {
    return absl::NotFoundError(absl::StrCat("token ", id, " not found"));
  }
  // The last ADMIN token that works cannot be revoked: no call could create
  // another, so nobody could administer the store until someone with access
  // to its directory restarted the server with --new_admin_token.
  const int64_t now_ms = absl::ToUnixMillis(now);
  auto works = [now_ms](const TokenRecord& t) { return Works(t, now_ms); };
  if (it->second.role == TokenRole::kAdmin && works(it->second)) {
    bool another = false;
    for (const auto& [other_id, other] : tokens_) {
      if (other_id != id && other.role == TokenRole::kAdmin && works(other)) {
        another = true;
        break;
      }
    }
    if (!another) {
      return absl::FailedPreconditionError(absl::StrCat(
          "token ", id,
          " is the last ADMIN token that works; revoking it would leave "
          "nobody able to administer this store: create another first "
          "(citymatch tokens create --role admin --name ...)"));
    }
  }
  TokenRecord revoked = it->second;
  revoked.revoked = true;
  absl::Status status = storage_->PutToken(revoked);
  if (!status.ok()) return status;
  it->second = revoked;
  return revoked;
}

absl::StatusOr<std::vector<std::string>> TokenRegistry::DetachCity(
    const std::string& city_id) {
  absl::MutexLock lock(&mu_);
  std::vector<OrganizationRecord> changed;
  for (const auto& [id, org] : organizations_) {
    if (std::find(org.city_ids.begin(), org.city_ids.end(), city_id) ==
        org.city_ids.end()) {
      continue;
    }
    OrganizationRecord without = org;
    without.city_ids.erase(
        std::remove(without.city_ids.begin(), without.city_ids.end(), city_id),
        without.city_ids.end());
    changed.push_back(std::move(without));
  }
  std::vector<std::string> ids;
  if (changed.empty()) return ids;
  absl::Status status = storage_->UpdateOrganizationCities(changed);
  if (!status.ok()) return status;
  for (OrganizationRecord& org : changed) {
    ids.push_back(org.id);
    organizations_[org.id] = std::move(org);
  }
  return ids;
}

absl::Status TokenRegistry::ReattachCity(
    const std::string& city_id,
    const std::vector<std::string>& organization_ids) {
  absl::MutexLock lock(&mu_);
  std::vector<OrganizationRecord> changed;
  for (const std::string& id : organization_ids) {
    auto it = organizations_.find(id);
    if (it == organizations_.end()) continue;
    const std::vector<std::string>& cities = it->second.city_ids;
    if (std::find(cities.begin(), cities.end(), city_id) != cities.end()) {
      continue;
    }
    OrganizationRecord with = it->second;
    with.city_ids.push_back(city_id);
    changed.push_back(std::move(with));
  }
  if (changed.empty()) return absl::OkStatus();
  absl::Status status = storage_->UpdateOrganizationCities(changed);
  if (!status.ok()) return status;
  for (OrganizationRecord& org : changed) {
    organizations_[org.id] = std::move(org);
  }
  return absl::OkStatus();
}

absl::StatusOr<OrganizationRecord> TokenRegistry::UpdateOrganization(
    const std::string& id, const std::string& display_name,
    const std::vector<std::string>& add_city_ids,
    const std::vector<std::string>& remove_city_ids) {
  absl::MutexLock lock(&mu_);
  auto it = organizations_.find(id);
  if (it == organizations_.end()) {
    return absl::NotFoundError(absl::StrCat("organization ", id, " not found"));
  }
  OrganizationRecord changed = it->second;
  if (!display_name.empty()) changed.display_name = display_name;
  // Checked again here, under the registry's lock, though callers check
  // first to name the field: a removal that finds nothing to remove must
  // not be reported as done.
  for (const std::string& city : remove_city_ids) {
    if (Contains(add_city_ids, city)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "city ", city, " cannot be both added to and removed from ", id));
    }
    if (!Contains(changed.city_ids, city)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "city ", city, " is not one of the cities of organization ", id));
    }
  }
  changed.city_ids.erase(
      std::remove_if(changed.city_ids.begin(), changed.city_ids.end(),
                     [&](const std::string& city) {
                       return Contains(remove_city_ids, city);
                     }),
      changed.city_ids.end());
  for (const std::string& city : add_city_ids) {
    if (!Contains(changed.city_ids, city)) changed.city_ids.push_back(city);
  }
  // A retry of an update that was applied finds nothing left to write.
  if (changed.display_name == it->second.display_name &&
      changed.city_ids == it->second.city_ids) {
    return changed;
  }
  absl::Status status = storage_->UpdateOrganization(changed);
  if (!status.ok()) return status;
  it->second = changed;
  return changed;
}

absl::StatusOr<OrganizationRecord> TokenRegistry::DeleteOrganization(
    const std::string& id, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = organizations_.find(id);
  if (it == organizations_.end()) {
    return absl::NotFoundError(absl::StrCat("organization ", id, " not found"));
  }
  // Checked under the same lock as CreateToken's check that the
  // organisation exists, so no token can be created for it meanwhile.
  const std::vector<std::string> working = WorkingTokensLocked(id, now);
  if (!working.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "organization ", id, " still has tokens that work: tokens/",
        absl::StrJoin(working, ", tokens/"),
        "; revoke them first (citymatch tokens revoke ", working[0], ")"));
  }
  absl::Status status = storage_->DeleteOrganization(id);
  if (!status.ok()) return status;
  OrganizationRecord deleted = std::move(it->second);
  organizations_.erase(it);
  return deleted;
}

absl::optional<OrganizationRecord> TokenRegistry::FindOrganization(
    const std::string& id) const {
  absl::MutexLock lock(&mu_);
  auto it = organizations_.find(id);
  if (it == organizations_.end()) return absl::nullopt;
  return it->second;
}

std::vector<std::string> TokenRegistry::WorkingTokens(
    const std::string& organization_id, absl::Time now) const {
  absl::MutexLock lock(&mu_);
  return WorkingTokensLocked(organization_id, now);
}

std::vector<std::string> TokenRegistry::WorkingTokensLocked(
    const std::string& organization_id, absl::Time now) const {
  const int64_t now_ms = absl::ToUnixMillis(now);
  std::vector<std::string> ids;
  for (const auto& [token_id, token] : tokens_) {
    if (token.organization_id == organization_id && Works(token, now_ms)) {
      ids.push_back(token_id);
    }
  }
  return ids;
}

std::vector<OrganizationRecord> TokenRegistry::Organizations() const {
  absl::MutexLock lock(&mu_);
  std::vector<OrganizationRecord> out;
  for (const auto& [id, org] : organizations_) out.push_back(org);
  return out;
}

std::vector<TokenRecord> TokenRegistry::Tokens() const {
  absl::MutexLock lock(&mu_);
  std::vector<TokenRecord> out;
  for (const auto& [id, token] : tokens_) out.push_back(token);
  return out;
}

bool TokenRegistry::HasOrganization(const std::string& id) const {
  absl::MutexLock lock(&mu_);
  return organizations_.contains(id);
}

bool TokenRegistry::empty() const {
  absl::MutexLock lock(&mu_);
  return tokens_.empty();
}

namespace {

// A token's secret written beside `path` (mode 0600 from the start, so it is
// never readable by others) and put in place by one rename, once the token
// is stored: a crash or a full disk leaves either the old file or the new
// one whole, and a file that cannot be written stops the token from being
// stored, so no token exists whose secret nobody knows. Removed unless
// Publish() succeeds.
class StagedTokenFile {
 public:
  explicit StagedTokenFile(std::string path) : path_(std::move(path)) {}
  StagedTokenFile(const StagedTokenFile&) = delete;
  StagedTokenFile& operator=(const StagedTokenFile&) = delete;
  ~StagedTokenFile() {
    if (!staged_.empty()) unlink(staged_.c_str());
  }

  // Writes `token` to a new file beside the path and syncs it.
  absl::Status Stage(const std::string& token) {
    // A rename cannot replace a directory; said now, before the token is
    // stored, rather than after.
    std::error_code error;
    if (std::filesystem::is_directory(path_, error)) {
      return absl::UnavailableError(
          absl::StrCat("cannot write ", path_, ": it is a directory"));
    }
    std::string temp = path_ + ".XXXXXX";
    const int fd = mkstemp(temp.data());
    if (fd < 0) return Error(errno);
    staged_ = temp;
    const std::string content = token + "\n";
    bool written = fchmod(fd, 0600) == 0 &&
                   write(fd, content.data(), content.size()) ==
                       static_cast<ssize_t>(content.size()) &&
                   fsync(fd) == 0;
    const int cause = errno;
    if (close(fd) != 0) written = false;
    return written ? absl::OkStatus() : Error(cause);
  }

  // Renames the staged file into place and syncs the directory, so that the
  // rename survives a power loss too.
  absl::Status Publish() {
    if (rename(staged_.c_str(), path_.c_str()) != 0) {
      return absl::UnavailableError(absl::StrCat("cannot rename ", staged_,
                                                 " to ", path_, ": ",
                                                 std::strerror(errno)));
    }
    staged_.clear();
    const std::filesystem::path target(path_);
    const std::string dir =
        target.has_parent_path() ? target.parent_path().string() : ".";
    if (const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        dir_fd >= 0) {
      fsync(dir_fd);
      close(dir_fd);
    }
    return absl::OkStatus();
  }

  // The staged file, kept where it is: its secret is the token's only copy.
  std::string Keep() { return std::exchange(staged_, ""); }

 private:
  absl::Status Error(int cause) const {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path_, ": ", std::strerror(cause)));
  }

  const std::string path_;
  std::string staged_;  // "" when there is nothing to remove
};

// Publishes `file`, staged for the stored token `record`; if it cannot be
// put in place, the error says where the token's secret is.
absl::Status PublishStored(StagedTokenFile* file, const TokenRecord& record) {
  absl::Status published = file->Publish();
  if (published.ok()) return published;
  return absl::UnavailableError(
      absl::StrCat(published.message(), " (ADMIN token tokens/", record.id,
                   " was created; its secret is in ", file->Keep(), ")"));
}

// The audit event of an ADMIN token the server makes at start, under
// `method`: begun just before the token is stored and finished with whether
// it was, as every write is audited (see AuditLog), so that no ADMIN token
// exists that the log does not show. No token called for it, so the event
// names the new token as its own principal: the operator who started the
// server acts through it.
class StartTokenEvent {
 public:
  StartTokenEvent(AuditLog* audit, absl::string_view method)
      : audit_(audit), method_(method) {}

  // Unavailable, naming the audit log, if the event cannot be written; the
  // token must then not be stored.
  absl::Status Begin(const TokenRecord& token) {
    resource_ = absl::StrCat("tokens/", token.id);
    Principal creator;
    creator.token_id = token.id;
    creator.role = TokenRole::kAdmin;
    absl::StatusOr<int64_t> sequence =
        audit_->Begin(creator, method_, resource_);
    if (!sequence.ok()) {
      return absl::Status(
          sequence.status().code(),
          absl::StrCat("cannot create an ADMIN token (", method_,
                       "): ", sequence.status().message()));
    }
    sequence_ = *sequence;
    return absl::OkStatus();
  }

  // Sets the event's result, if it was begun, to `stored`.
  void Finish(const absl::Status& stored) {
    if (sequence_.has_value()) {
      audit_->Finish(*sequence_, resource_, ToGrpcStatus(stored));
    }
  }

 private:
  AuditLog* const audit_;
  const std::string method_;
  std::string resource_;
  absl::optional<int64_t> sequence_;
};

}  // namespace

std::string AdminTokenPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "admin.token").string();
}

absl::StatusOr<absl::optional<NewAdminTokenResult>> BootstrapAdminToken(
    TokenRegistry* registry, AuditLog* audit, const std::string& data_dir) {
  if (!registry->empty()) return absl::nullopt;
  NewAdminTokenResult result;
  result.path = AdminTokenPath(data_dir);
  StartTokenEvent event(audit, "BootstrapAdminToken");
  StagedTokenFile file(result.path);
  absl::StatusOr<TokenRegistry::Created> created = registry->CreateToken(
      TokenRole::kAdmin, "", "bootstrap admin (admin.token)", 0,
      [&](const TokenRegistry::Created& fresh) {
        // Audited before the file is written: an event that cannot be
        // written then leaves no file naming a token that was never stored,
        // and a file that cannot be written is in the log as refused.
        if (absl::Status begun = event.Begin(fresh.record); !begun.ok()) {
          return begun;
        }
        return file.Stage(fresh.token);
      });
  event.Finish(created.status());
  if (!created.ok()) return created.status();
  result.record = created->record;
  if (absl::Status published = PublishStored(&file, result.record);
      !published.ok()) {
    return published;
  }
  return result;
}

absl::StatusOr<NewAdminTokenResult> NewAdminToken(TokenRegistry* registry,
                                                  AuditLog* audit,
                                                  const std::string& data_dir) {
  NewAdminTokenResult result;
  result.path = AdminTokenPath(data_dir);
  // Which token the file held, so that the caller can say it stays valid;
  // read before the new token replaces it.
  if (std::ifstream old(result.path); old.is_open()) {
    result.replaced = true;
    std::string token;
    if (old >> token) {
      if (absl::StatusOr<Principal> holder = registry->Authenticate(token);
          holder.ok()) {
        result.replaced_token_id = holder->token_id;
      }
    }
  }
  // The secret is staged beside the file before the token is stored, and
  // put in place after: a file that cannot be written stores no token, and
  // the file never names a token that was not stored in place of one that
  // worked.
  StartTokenEvent event(audit, "NewAdminToken");
  StagedTokenFile file(result.path);
  absl::StatusOr<TokenRegistry::Created> created = registry->CreateToken(
      TokenRole::kAdmin, "", kNewAdminTokenName, 0,
      [&](const TokenRegistry::Created& fresh) {
        if (absl::Status begun = event.Begin(fresh.record); !begun.ok()) {
          return begun;
        }
        return file.Stage(fresh.token);
      });
  event.Finish(created.status());
  if (!created.ok()) return created.status();
  result.record = created->record;
  if (absl::Status published = PublishStored(&file, result.record);
      !published.ok()) {
    return published;
  }
  return result;
}

}  // namespace citymatch
