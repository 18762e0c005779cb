// TokenRegistry over the real SQLite admin store: who a token is, creation
// rules, revocation and expiry that take effect at once, persistence across
// a reopen, and that a failed write changes nothing.
#include "server/token_registry.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "graph/storage/sqlite_admin_storage.h"
#include "gtest/gtest.h"
#include "server/audit_log.h"
#include "server/token_secrets.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::citymatch::testing::FileNames;
using ::citymatch::testing::TempDir;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Delegates to a real store; writes fail while `fail_writes` is set, so the
// registry's "persist first, then take effect" order can be observed.
class FlakyAdminStorage : public AdminStorage {
 public:
  explicit FlakyAdminStorage(AdminStorage* inner) : inner_(inner) {}
  bool fail_writes = false;
  bool fail_token_writes = false;  // PutToken only

  absl::StatusOr<std::vector<OrganizationRecord>> LoadOrganizations() override {
    return inner_->LoadOrganizations();
  }
  absl::StatusOr<std::vector<TokenRecord>> LoadTokens() override {
    return inner_->LoadTokens();
  }
  absl::Status InsertOrganization(const OrganizationRecord& org) override {
    if (fail_writes) return absl::UnavailableError("disk full");
    return inner_->InsertOrganization(org);
  }
  absl::Status UpdateOrganizationCities(
      const std::vector<OrganizationRecord>& organizations) override {
    if (fail_writes) return absl::UnavailableError("disk full");
    return inner_->UpdateOrganizationCities(organizations);
  }
  absl::Status UpdateOrganization(const OrganizationRecord& org) override {
    if (fail_writes) return absl::UnavailableError("disk full");
    return inner_->UpdateOrganization(org);
  }
  absl::Status DeleteOrganization(const std::string& id) override {
    if (fail_writes) return absl::UnavailableError("disk full");
    return inner_->DeleteOrganization(id);
  }
  absl::Status PutToken(const TokenRecord& token) override {
    if (fail_writes || fail_token_writes)
      return absl::UnavailableError("disk full");
    return inner_->PutToken(token);
  }
  absl::StatusOr<int64_t> AppendAudit(const AuditRecord& event) override {
    if (fail_writes) return absl::UnavailableError("disk full");
    return inner_->AppendAudit(event);
  }
  absl::Status SetAuditResult(int64_t sequence, const std::string& resource,
                              const std::string& result) override {
    if (fail_writes) return absl::UnavailableError("disk full");
    return inner_->SetAuditResult(sequence, resource, result);
  }
  absl::StatusOr<std::vector<AuditRecord>> ListAudit(int64_t before,
                                                     int limit) override {
    return inner_->ListAudit(before, limit);
  }

 private:
  AdminStorage* const inner_;
};

class TokenRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    registry_.reset();
    audit_.reset();
    storage_.reset();
    absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> storage =
        SqliteAdminStorage::Open(dir_.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
    storage_ = std::move(*storage);
    audit_ = std::make_unique<AuditLog>(storage_.get());
    absl::StatusOr<std::unique_ptr<TokenRegistry>> registry =
        TokenRegistry::Open(storage_.get());
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = std::move(*registry);
  }

  void CreateOrganization(const std::string& id,
                          std::vector<std::string> cities) {
    OrganizationRecord org;
    org.id = id;
    org.display_name = "Organisation " + id;
    org.city_ids = std::move(cities);
    absl::StatusOr<OrganizationRecord> created =
        registry_->CreateOrganization(org);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  TokenRegistry::Created MustCreateToken(TokenRole role,
                                         const std::string& org = "",
                                         int64_t expire_time_ms = 0) {
    absl::StatusOr<TokenRegistry::Created> created =
        registry_->CreateToken(role, org, "test token", expire_time_ms);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : TokenRegistry::Created();
  }

  // The audit log, newest first.
  std::vector<AuditRecord> Events() {
    absl::StatusOr<std::vector<AuditRecord>> events =
        storage_->ListAudit(0, 100);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? *events : std::vector<AuditRecord>();
  }

  TempDir dir_;
  std::unique_ptr<SqliteAdminStorage> storage_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<TokenRegistry> registry_;
};

TEST_F(TokenRegistryTest, AuthenticatesEachRole) {
  CreateOrganization("milano-council", {"milano", "torino"});
  const TokenRegistry::Created admin = MustCreateToken(TokenRole::kAdmin);
  const TokenRegistry::Created editor =
      MustCreateToken(TokenRole::kEditor, "milano-council");
  const TokenRegistry::Created viewer = MustCreateToken(TokenRole::kViewer);

  absl::StatusOr<Principal> p = registry_->Authenticate(admin.token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, TokenRole::kAdmin);
  EXPECT_EQ(p->token_id, admin.record.id);
  EXPECT_EQ(p->organization_id, "");

  p = registry_->Authenticate(editor.token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, TokenRole::kEditor);
  EXPECT_EQ(p->token_id, editor.record.id);
  EXPECT_EQ(p->organization_id, "milano-council");
  EXPECT_THAT(p->organization_city_ids, ElementsAre("milano", "torino"));

  p = registry_->Authenticate(viewer.token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, TokenRole::kViewer);
  EXPECT_EQ(p->token_id, viewer.record.id);
}

TEST_F(TokenRegistryTest, CreatedRecordHoldsNoSecret) {
  const TokenRegistry::Created viewer = MustCreateToken(TokenRole::kViewer);
  const std::string secret = ParseToken(viewer.token)->secret;
  for (const TokenRecord& r : registry_->Tokens()) {
    for (const std::string& field :
         {r.id, r.display_name, r.salt, r.hash, r.organization_id}) {
      EXPECT_THAT(field, Not(HasSubstr(secret)));
    }
  }
}

TEST_F(TokenRegistryTest, RefusesWrongUnknownAndMalformedTokens) {
  const TokenRegistry::Created viewer = MustCreateToken(TokenRole::kViewer);
  const NewToken stranger = GenerateToken();  // well-formed, never stored
  std::string wrong_secret = viewer.token;
  wrong_secret.back() = wrong_secret.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {std::string(), std::string("garbage"), wrong_secret, stranger.token,
        absl::StrCat("cm_", viewer.record.id, "_"),
        absl::StrCat("cm_", viewer.record.id, "_",
                     ParseToken(stranger.token)->secret),
        viewer.token + " ", viewer.token.substr(0, viewer.token.size() - 1)}) {
    absl::StatusOr<Principal> p = registry_->Authenticate(bad);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated)
        << "token: " << bad;
    // The refusal never echoes what was presented.
    if (!bad.empty()) {
      EXPECT_THAT(p.status().message(), Not(HasSubstr(bad)));
    }
  }
}

TEST_F(TokenRegistryTest, RevokeTakesEffectAtOnce) {
  const TokenRegistry::Created viewer = MustCreateToken(TokenRole::kViewer);
  const TokenRegistry::Created other = MustCreateToken(TokenRole::kViewer);
  ASSERT_TRUE(registry_->Authenticate(viewer.token).ok());

  absl::StatusOr<TokenRecord> revoked = registry_->RevokeToken(viewer.record.id);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_TRUE(revoked->revoked);
  EXPECT_EQ(registry_->Authenticate(viewer.token).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Only that token.
  EXPECT_TRUE(registry_->Authenticate(other.token).ok());
  // Revoking twice is fine and changes nothing.
  EXPECT_TRUE(registry_->RevokeToken(viewer.record.id).ok());
  EXPECT_EQ(registry_->Authenticate(viewer.token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenRegistryTest, TheLastWorkingAdminTokenCannotBeRevoked) {
  const TokenRegistry::Created admin = MustCreateToken(TokenRole::kAdmin);
  const TokenRegistry::Created viewer = MustCreateToken(TokenRole::kViewer);
  absl::StatusOr<TokenRecord> refused = registry_->RevokeToken(admin.record.id);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("create another first"));
  EXPECT_TRUE(registry_->Authenticate(admin.token).ok());

  // An admin token that has expired does not count as another.
  const int64_t expiry_ms = absl::ToUnixMillis(absl::Now()) + 3600 * 1000;
  const TokenRegistry::Created expiring =
      MustCreateToken(TokenRole::kAdmin, "", expiry_ms);
  EXPECT_EQ(registry_
                ->RevokeToken(admin.record.id,
                              absl::FromUnixMillis(expiry_ms) + absl::Hours(1))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);

  // With another one that works, either may go; then the other is the last.
  ASSERT_TRUE(registry_->RevokeToken(admin.record.id).ok());
  EXPECT_EQ(registry_->Authenticate(admin.token).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(registry_->RevokeToken(expiring.record.id).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Revoking again what is revoked already stays fine.
  EXPECT_TRUE(registry_->RevokeToken(admin.record.id).ok());
  EXPECT_TRUE(registry_->RevokeToken(viewer.record.id).ok());
}

TEST_F(TokenRegistryTest, RevokeUnknownIsNotFound) {
  EXPECT_EQ(registry_->RevokeToken("0123456789abcdef").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TokenRegistryTest, ExpiredTokenIsRefused) {
  const int64_t expiry_ms = absl::ToUnixMillis(absl::Now()) + 3600 * 1000;
  const TokenRegistry::Created t =
      MustCreateToken(TokenRole::kViewer, "", expiry_ms);
  const absl::Time expiry = absl::FromUnixMillis(expiry_ms);
  EXPECT_TRUE(registry_->Authenticate(t.token, expiry - absl::Milliseconds(1)).ok());
  EXPECT_EQ(registry_->Authenticate(t.token, expiry).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(registry_->Authenticate(t.token, expiry + absl::Hours(24))
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  // A token without expiry works at any time.
  const TokenRegistry::Created forever = MustCreateToken(TokenRole::kViewer);
  EXPECT_TRUE(
      registry_->Authenticate(forever.token, expiry + absl::Hours(24 * 3650))
          .ok());
}

TEST_F(TokenRegistryTest, EditorNeedsAnOrganizationAndOnlyEditorsHaveOne) {
  CreateOrganization("a", {});
  EXPECT_EQ(registry_->CreateToken(TokenRole::kEditor, "", "x", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->CreateToken(TokenRole::kViewer, "a", "x", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->CreateToken(TokenRole::kAdmin, "a", "x", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(registry_->Tokens().empty());
  EXPECT_TRUE(registry_->empty());
}

TEST_F(TokenRegistryTest, UnknownOrganizationIsNotFound) {
  EXPECT_EQ(registry_->CreateToken(TokenRole::kEditor, "nowhere", "x", 0)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(registry_->Tokens().empty());
}

TEST_F(TokenRegistryTest, DuplicateOrganizationIsAlreadyExists) {
  CreateOrganization("a", {"milano"});
  OrganizationRecord again;
  again.id = "a";
  again.display_name = "Someone else";
  EXPECT_EQ(registry_->CreateOrganization(again).status().code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_EQ(registry_->Organizations().size(), 1u);
  EXPECT_EQ(registry_->Organizations()[0].display_name, "Organisation a");
}

TEST_F(TokenRegistryTest, EverythingSurvivesAReopen) {
  CreateOrganization("a", {"milano"});
  const TokenRegistry::Created editor = MustCreateToken(TokenRole::kEditor, "a");
  const TokenRegistry::Created viewer = MustCreateToken(TokenRole::kViewer);
  const TokenRegistry::Created admin = MustCreateToken(TokenRole::kAdmin);
  const TokenRegistry::Created revoked = MustCreateToken(TokenRole::kAdmin);
  ASSERT_TRUE(registry_->RevokeToken(revoked.record.id).ok());

  Open();  // a new storage and registry on the same directory

  EXPECT_FALSE(registry_->empty());
  EXPECT_TRUE(registry_->HasOrganization("a"));
  ASSERT_EQ(registry_->Organizations().size(), 1u);
  EXPECT_THAT(registry_->Organizations()[0].city_ids, ElementsAre("milano"));
  EXPECT_EQ(registry_->Tokens().size(), 4u);
  EXPECT_TRUE(registry_->Authenticate(admin.token).ok());

  absl::StatusOr<Principal> p = registry_->Authenticate(editor.token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, TokenRole::kEditor);
  EXPECT_EQ(p->organization_id, "a");
  EXPECT_THAT(p->organization_city_ids, ElementsAre("milano"));
  p = registry_->Authenticate(viewer.token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, TokenRole::kViewer);
  EXPECT_EQ(registry_->Authenticate(revoked.token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenRegistryTest, FailedWritesChangeNothing) {
  FlakyAdminStorage flaky(storage_.get());
  absl::StatusOr<std::unique_ptr<TokenRegistry>> opened =
      TokenRegistry::Open(&flaky);
  ASSERT_TRUE(opened.ok()) << opened.status();
  TokenRegistry& registry = **opened;
  absl::StatusOr<TokenRegistry::Created> viewer =
      registry.CreateToken(TokenRole::kViewer, "", "v", 0);
  ASSERT_TRUE(viewer.ok()) << viewer.status();

  flaky.fail_writes = true;
  // A token that could not be stored is not handed out and does not work.
  EXPECT_EQ(registry.CreateToken(TokenRole::kAdmin, "", "x", 0).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(registry.Tokens().size(), 1u);
  // A revocation that could not be stored is reported, not half-applied.
  EXPECT_EQ(registry.RevokeToken(viewer->record.id).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(registry.Authenticate(viewer->token).ok());
  OrganizationRecord org;
  org.id = "a";
  org.display_name = "A";
  EXPECT_EQ(registry.CreateOrganization(org).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_FALSE(registry.HasOrganization("a"));
}

// The cities of each organisation, by id.
std::map<std::string, std::vector<std::string>> CitiesByOrganization(
    const TokenRegistry& registry) {
  std::map<std::string, std::vector<std::string>> cities;
  for (const OrganizationRecord& org : registry.Organizations()) {
    cities[org.id] = org.city_ids;
  }
  return cities;
}

TEST_F(TokenRegistryTest, DetachCityTakesItFromEveryOrganizationForGood) {
  CreateOrganization("a", {"milano", "bologna", "torino"});
  CreateOrganization("b", {"bologna"});
  CreateOrganization("c", {"roma"});
  const TokenRegistry::Created editor =
      MustCreateToken(TokenRole::kEditor, "a");

  absl::StatusOr<std::vector<std::string>> left =
      registry_->DetachCity("bologna");
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_THAT(*left, ElementsAre("a", "b"));
  using Cities = std::map<std::string, std::vector<std::string>>;
  const Cities expected = {
      {"a", {"milano", "torino"}}, {"b", {}}, {"c", {"roma"}}};
  EXPECT_EQ(CitiesByOrganization(*registry_), expected);
  // Editors lose it at once...
  absl::StatusOr<Principal> p = registry_->Authenticate(editor.token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->organization_city_ids, ElementsAre("milano", "torino"));
  // ... and after a restart.
  Open();
  EXPECT_EQ(CitiesByOrganization(*registry_), expected);

  // A city no organisation holds: nothing to do.
  left = registry_->DetachCity("wien");
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_THAT(*left, ::testing::IsEmpty());
}

TEST_F(TokenRegistryTest, ReattachCityUndoesDetachCity) {
  CreateOrganization("a", {"milano", "bologna"});
  CreateOrganization("b", {"bologna"});
  absl::StatusOr<std::vector<std::string>> left =
      registry_->DetachCity("bologna");
  ASSERT_TRUE(left.ok()) << left.status();
  ASSERT_TRUE(registry_->ReattachCity("bologna", *left).ok());
  using Cities = std::map<std::string, std::vector<std::string>>;
  const Cities expected = {{"a", {"milano", "bologna"}}, {"b", {"bologna"}}};
  EXPECT_EQ(CitiesByOrganization(*registry_), expected);
  // Twice changes nothing more.
  ASSERT_TRUE(registry_->ReattachCity("bologna", *left).ok());
  Open();
  EXPECT_EQ(CitiesByOrganization(*registry_), expected);
}

TEST_F(TokenRegistryTest, DetachCityThatCannotBeStoredChangesNothing) {
  CreateOrganization("a", {"milano", "bologna"});
  FlakyAdminStorage flaky(storage_.get());
  absl::StatusOr<std::unique_ptr<TokenRegistry>> opened =
      TokenRegistry::Open(&flaky);
  ASSERT_TRUE(opened.ok()) << opened.status();
  flaky.fail_writes = true;
  EXPECT_EQ((*opened)->DetachCity("bologna").status().code(),
            absl::StatusCode::kUnavailable);
  using Cities = std::map<std::string, std::vector<std::string>>;
  const Cities expected = {{"a", {"milano", "bologna"}}};
  EXPECT_EQ(CitiesByOrganization(**opened), expected);
  Open();
  EXPECT_EQ(CitiesByOrganization(*registry_), expected);
}

TEST_F(TokenRegistryTest, UpdateOrganizationCitiesIsAllOrNothing) {
  CreateOrganization("a", {"milano", "bologna"});
  OrganizationRecord a;
  a.id = "a";
  a.city_ids = {"milano"};
  OrganizationRecord missing;
  missing.id = "nobody";
  EXPECT_EQ(storage_->UpdateOrganizationCities({a, missing}).code(),
            absl::StatusCode::kNotFound);
  Open();
  EXPECT_THAT(registry_->Organizations()[0].city_ids,
              ElementsAre("milano", "bologna"));
}

TEST_F(TokenRegistryTest, UpdateOrganizationRenamesAndChangesCitiesForGood) {
  CreateOrganization("a", {"milano", "bologna"});
  CreateOrganization("b", {"bologna"});
  const TokenRegistry::Created editor =
      MustCreateToken(TokenRole::kEditor, "a");

  absl::StatusOr<OrganizationRecord> updated = registry_->UpdateOrganization(
      "a", "Comune di Milano", {"torino", "milano"}, {"bologna"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->display_name, "Comune di Milano");
  // Kept in order, the new one appended; milano it had already.
  EXPECT_THAT(updated->city_ids, ElementsAre("milano", "torino"));
  // Its editors have the new cities at once...
  absl::StatusOr<Principal> p = registry_->Authenticate(editor.token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->organization_city_ids, ElementsAre("milano", "torino"));
  // ... and after a restart; b is as it was.
  Open();
  using Cities = std::map<std::string, std::vector<std::string>>;
  const Cities expected = {{"a", {"milano", "torino"}}, {"b", {"bologna"}}};
  EXPECT_EQ(CitiesByOrganization(*registry_), expected);
  EXPECT_EQ(registry_->FindOrganization("a")->display_name, "Comune di Milano");

  // "" keeps the name; the same change again changes nothing.
  updated = registry_->UpdateOrganization("a", "", {"torino"}, {});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->display_name, "Comune di Milano");
  EXPECT_THAT(updated->city_ids, ElementsAre("milano", "torino"));
}

TEST_F(TokenRegistryTest, UpdateOrganizationRefusesWhatItCannotDo) {
  CreateOrganization("a", {"milano"});
  EXPECT_EQ(
      registry_->UpdateOrganization("nobody", "X", {}, {}).status().code(),
      absl::StatusCode::kNotFound);
  // A city to remove that it does not have is not quietly done.
  absl::StatusOr<OrganizationRecord> updated =
      registry_->UpdateOrganization("a", "Renamed", {"roma"}, {"torino"});
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(updated.status().message(), HasSubstr("torino"));
  updated = registry_->UpdateOrganization("a", "", {"milano"}, {"milano"});
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument);
  // Nothing of the refused changes was applied.
  Open();
  EXPECT_EQ(registry_->FindOrganization("a")->display_name, "Organisation a");
  EXPECT_THAT(registry_->FindOrganization("a")->city_ids,
              ElementsAre("milano"));
}

TEST_F(TokenRegistryTest, UpdateOrganizationThatCannotBeStoredChangesNothing) {
  CreateOrganization("a", {"milano"});
  FlakyAdminStorage flaky(storage_.get());
  absl::StatusOr<std::unique_ptr<TokenRegistry>> opened =
      TokenRegistry::Open(&flaky);
  ASSERT_TRUE(opened.ok()) << opened.status();
  TokenRegistry& registry = **opened;
  flaky.fail_writes = true;
  EXPECT_EQ(registry.UpdateOrganization("a", "Renamed", {"roma"}, {"milano"})
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(registry.FindOrganization("a")->display_name, "Organisation a");
  EXPECT_THAT(registry.FindOrganization("a")->city_ids, ElementsAre("milano"));
  EXPECT_EQ(registry.DeleteOrganization("a").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(registry.HasOrganization("a"));
  Open();
  EXPECT_TRUE(registry_->HasOrganization("a"));
}

TEST_F(TokenRegistryTest, DeleteOrganizationWaitsForItsTokensToStopWorking) {
  CreateOrganization("a", {"milano"});
  CreateOrganization("b", {});
  const TokenRegistry::Created first = MustCreateToken(TokenRole::kEditor, "a");
  const TokenRegistry::Created second =
      MustCreateToken(TokenRole::kEditor, "a");
  const absl::Time now = absl::Now();
  const TokenRegistry::Created expiring = MustCreateToken(
      TokenRole::kEditor, "a", absl::ToUnixMillis(now + absl::Hours(1)));
  MustCreateToken(TokenRole::kEditor, "b");

  std::vector<std::string> working = {first.record.id, second.record.id,
                                      expiring.record.id};
  std::sort(working.begin(), working.end());
  EXPECT_EQ(registry_->WorkingTokens("a", now), working);
  absl::StatusOr<OrganizationRecord> deleted =
      registry_->DeleteOrganization("a", now);
  EXPECT_EQ(deleted.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(deleted.status().message(),
              HasSubstr("tokens/" + first.record.id));
  EXPECT_THAT(deleted.status().message(), HasSubstr("citymatch tokens revoke"));

  ASSERT_TRUE(registry_->RevokeToken(first.record.id).ok());
  ASSERT_TRUE(registry_->RevokeToken(second.record.id).ok());
  // The last one still works now, but not once it has expired.
  EXPECT_THAT(registry_->WorkingTokens("a", now),
              ElementsAre(expiring.record.id));
  EXPECT_EQ(registry_->DeleteOrganization("a", now).status().code(),
            absl::StatusCode::kFailedPrecondition);
  deleted = registry_->DeleteOrganization("a", now + absl::Hours(2));
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(deleted->id, "a");
  EXPECT_THAT(deleted->city_ids, ElementsAre("milano"));
  EXPECT_FALSE(registry_->HasOrganization("a"));
  // No token can be made for it any more; its old ones are kept.
  EXPECT_EQ(
      registry_->CreateToken(TokenRole::kEditor, "a", "x", 0).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(registry_->Tokens().size(), 4u);
  EXPECT_EQ(registry_->DeleteOrganization("a").status().code(),
            absl::StatusCode::kNotFound);
  Open();
  EXPECT_FALSE(registry_->HasOrganization("a"));
  EXPECT_TRUE(registry_->HasOrganization("b"));
  EXPECT_EQ(registry_->Tokens().size(), 4u);
}

TEST_F(TokenRegistryTest, BootstrapWritesAnAdminTokenOnceWithMode0600) {
  absl::StatusOr<absl::optional<NewAdminTokenResult>> created =
      BootstrapAdminToken(registry_.get(), audit_.get(), dir_.path());
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(created->has_value());
  const std::string path = (*created)->path;
  EXPECT_EQ(path, dir_.File("admin.token"));
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  const std::string token(absl::StripAsciiWhitespace(content.str()));
  absl::StatusOr<Principal> p = registry_->Authenticate(token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, TokenRole::kAdmin);
  EXPECT_EQ(p->token_id, (*created)->record.id);
  // Audited as any token creation, with the new token as its own principal.
  std::vector<AuditRecord> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].method, "BootstrapAdminToken");
  EXPECT_EQ(events[0].resource, "tokens/" + p->token_id);
  EXPECT_EQ(events[0].token_id, p->token_id);
  EXPECT_EQ(events[0].role, TokenRole::kAdmin);
  EXPECT_EQ(events[0].result, "OK");

  // Tokens exist now: a second start writes nothing and keeps the file.
  absl::StatusOr<absl::optional<NewAdminTokenResult>> again =
      BootstrapAdminToken(registry_.get(), audit_.get(), dir_.path());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->has_value());
  std::ifstream in2(path);
  std::stringstream content2;
  content2 << in2.rdbuf();
  EXPECT_EQ(content2.str(), content.str());
  EXPECT_EQ(registry_->Tokens().size(), 1u);
  EXPECT_EQ(Events().size(), 1u);
}

// The whole of `path`, whitespace stripped ("" if it cannot be read).
std::string ReadToken(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(content.str()));
}

// A first start that cannot write admin.token must not leave a store whose
// only ADMIN token nobody knows: the next start, with the cause fixed,
// writes one.
TEST_F(TokenRegistryTest, BootstrapStoresNoTokenIfTheFileCannotBeWritten) {
  const std::string path = dir_.File("admin.token");
  ASSERT_TRUE(std::filesystem::create_directory(path));
  absl::StatusOr<absl::optional<NewAdminTokenResult>> failed =
      BootstrapAdminToken(registry_.get(), audit_.get(), dir_.path());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.status().message(), HasSubstr(path));
  EXPECT_TRUE(registry_->empty());
  // Audited first, so the log shows the attempt, refused.
  std::vector<AuditRecord> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].method, "BootstrapAdminToken");
  EXPECT_EQ(events[0].result, "UNAVAILABLE");
  Open();
  EXPECT_TRUE(registry_->empty());

  ASSERT_TRUE(std::filesystem::remove(path));
  absl::StatusOr<absl::optional<NewAdminTokenResult>> created =
      BootstrapAdminToken(registry_.get(), audit_.get(), dir_.path());
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(created->has_value());
  absl::StatusOr<Principal> admin = registry_->Authenticate(ReadToken(path));
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(admin->role, TokenRole::kAdmin);
  events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].resource, "tokens/" + admin->token_id);
  EXPECT_EQ(events[0].result, "OK");
}

TEST_F(TokenRegistryTest, BootstrapDoesNothingWhenTokensExist) {
  MustCreateToken(TokenRole::kViewer);
  absl::StatusOr<absl::optional<NewAdminTokenResult>> created =
      BootstrapAdminToken(registry_.get(), audit_.get(), dir_.path());
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(created->has_value());
  EXPECT_FALSE(std::filesystem::exists(dir_.File("admin.token")));
}

TEST_F(TokenRegistryTest, NewAdminTokenAfterTheFileWasLost) {
  ASSERT_TRUE(
      BootstrapAdminToken(registry_.get(), audit_.get(), dir_.path()).ok());
  const std::string lost = ReadToken(dir_.File("admin.token"));
  ASSERT_TRUE(std::filesystem::remove(dir_.File("admin.token")));

  absl::StatusOr<NewAdminTokenResult> created =
      NewAdminToken(registry_.get(), audit_.get(), dir_.path());
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->path, dir_.File("admin.token"));
  EXPECT_FALSE(created->replaced);
  EXPECT_EQ(created->record.display_name, kNewAdminTokenName);
  struct stat st;
  ASSERT_EQ(stat(created->path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  const std::string token = ReadToken(created->path);
  absl::StatusOr<Principal> p = registry_->Authenticate(token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, TokenRole::kAdmin);
  EXPECT_EQ(p->token_id, created->record.id);
  const std::vector<AuditRecord> events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].method, "NewAdminToken");
  EXPECT_EQ(events[0].resource, "tokens/" + p->token_id);
  EXPECT_EQ(events[0].token_id, p->token_id);
  EXPECT_EQ(events[0].role, TokenRole::kAdmin);
  EXPECT_EQ(events[0].result, "OK");
  // The lost token was not revoked: whoever still has it keeps working.
  EXPECT_TRUE(registry_->Authenticate(lost).ok());
  EXPECT_EQ(registry_->Tokens().size(), 2u);

  // Stored, like any token.
  Open();
  EXPECT_TRUE(registry_->Authenticate(token).ok());
}

TEST_F(TokenRegistryTest, NewAdminTokenReplacesTheFileAndNamesTheOldToken) {
  ASSERT_TRUE(
      BootstrapAdminToken(registry_.get(), audit_.get(), dir_.path()).ok());
  const std::string old = ReadToken(dir_.File("admin.token"));
  absl::StatusOr<Principal> old_principal = registry_->Authenticate(old);
  ASSERT_TRUE(old_principal.ok());

  absl::StatusOr<NewAdminTokenResult> created =
      NewAdminToken(registry_.get(), audit_.get(), dir_.path());
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->replaced);
  EXPECT_EQ(created->replaced_token_id, old_principal->token_id);
  const std::string token = ReadToken(created->path);
  EXPECT_NE(token, old);
  EXPECT_TRUE(registry_->Authenticate(token).ok());
  EXPECT_TRUE(registry_->Authenticate(old).ok());
  struct stat st;
  ASSERT_EQ(stat(created->path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  // Replaced by a rename: no temporary file is left beside it.
  for (const std::string& name : FileNames(dir_.path())) {
    EXPECT_THAT(name, Not(HasSubstr("admin.token."))) << name;
  }
}

TEST_F(TokenRegistryTest, NewAdminTokenReplacesAFileHoldingNoWorkingToken) {
  ASSERT_TRUE(
      BootstrapAdminToken(registry_.get(), audit_.get(), dir_.path()).ok());
  {
    std::ofstream out(dir_.File("admin.token"), std::ios::trunc);
    // Well-formed, but never stored here (another store's token, say).
    out << GenerateToken().token << "\n";
  }
  absl::StatusOr<NewAdminTokenResult> created =
      NewAdminToken(registry_.get(), audit_.get(), dir_.path());
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->replaced);
  EXPECT_EQ(created->replaced_token_id, "");
  EXPECT_TRUE(registry_->Authenticate(ReadToken(created->path)).ok());
}

TEST_F(TokenRegistryTest, NewAdminTokenNeedsAWritableStore) {
  FlakyAdminStorage flaky(storage_.get());
  absl::StatusOr<std::unique_ptr<TokenRegistry>> registry =
      TokenRegistry::Open(&flaky);
  ASSERT_TRUE(registry.ok());
  AuditLog audit(&flaky);
  flaky.fail_writes = true;
  absl::StatusOr<NewAdminTokenResult> created =
      NewAdminToken(registry->get(), &audit, dir_.path());
  EXPECT_TRUE(absl::IsUnavailable(created.status())) << created.status();
  // The audit event is written first, and fails first.
  EXPECT_THAT(created.status().message(), HasSubstr("audit log"));
  EXPECT_TRUE(registry->get()->empty());
  // No file names a token that was never stored.
  EXPECT_FALSE(std::filesystem::exists(dir_.File("admin.token")));
}

// An admin.token that cannot be replaced (here a directory in its place)
// must not leave an ADMIN token whose secret nobody knows: none is stored,
// the log shows the attempt refused, and the old token keeps working.
TEST_F(TokenRegistryTest, NewAdminTokenStoresNoTokenIfTheFileCannotBeWritten) {
  ASSERT_TRUE(
      BootstrapAdminToken(registry_.get(), audit_.get(), dir_.path()).ok());
  const std::string path = dir_.File("admin.token");
  const std::string old = ReadToken(path);
  ASSERT_TRUE(std::filesystem::remove(path));
  ASSERT_TRUE(std::filesystem::create_directory(path));

  absl::StatusOr<NewAdminTokenResult> failed =
      NewAdminToken(registry_.get(), audit_.get(), dir_.path());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.status().message(),
              AllOf(HasSubstr(path), HasSubstr("directory")));
  EXPECT_EQ(registry_->Tokens().size(), 1u);
  EXPECT_TRUE(registry_->Authenticate(old).ok());
  const std::vector<AuditRecord> events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].method, "NewAdminToken");
  EXPECT_EQ(events[0].result, "UNAVAILABLE");
  Open();
  EXPECT_EQ(registry_->Tokens().size(), 1u);
}

// A token that cannot be stored leaves admin.token as it was, and no staged
// copy of a secret that works nowhere.
TEST_F(TokenRegistryTest, NewAdminTokenThatCannotBeStoredLeavesTheFile) {
  ASSERT_TRUE(
      BootstrapAdminToken(registry_.get(), audit_.get(), dir_.path()).ok());
  const std::string old = ReadToken(dir_.File("admin.token"));
  FlakyAdminStorage flaky(storage_.get());
  absl::StatusOr<std::unique_ptr<TokenRegistry>> registry =
      TokenRegistry::Open(&flaky);
  ASSERT_TRUE(registry.ok());
  AuditLog audit(&flaky);
  flaky.fail_token_writes = true;
  absl::StatusOr<NewAdminTokenResult> failed =
      NewAdminToken(registry->get(), &audit, dir_.path());
  EXPECT_TRUE(absl::IsUnavailable(failed.status())) << failed.status();
  EXPECT_EQ(ReadToken(dir_.File("admin.token")), old);
  EXPECT_EQ(registry->get()->Tokens().size(), 1u);
  EXPECT_THAT(FileNames(dir_.path()), Not(Contains(HasSubstr("admin.token."))));
}

}  // namespace
}  // namespace citymatch
