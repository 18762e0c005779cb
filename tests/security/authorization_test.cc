// The scenarios of issue 4's "Done means", end to end through an in-process
// server: what viewers and editors may do, organisation scoping, revocation
// taking effect at once, the audit log, the bearer header and the per-token
// rate limit.
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "graph/storage/sqlite_admin_storage.h"
#include "gtest/gtest.h"
#include "tests/security/security_testing.h"

namespace citymatch {
namespace {

using ::citymatch::testing::ForgeToken;
using ::citymatch::testing::HealthCheck;
using ::citymatch::testing::IssuedToken;
using ::citymatch::testing::ListServicesByReflection;
using ::citymatch::testing::ProjectOwnedBy;
using ::citymatch::testing::SecuredServer;
using ::citymatch::testing::SetDeadline;
using ::testing::HasSubstr;
using Code = grpc::StatusCode;

// Stubs that call as one token.
struct Caller {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Catalog::Stub> catalog;
  std::unique_ptr<v1::Matching::Stub> matching;
  std::unique_ptr<v1::Admin::Stub> admin;
};

class AuthorizationTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(ServerOptions()); }

  void Start(ServerOptions options) {
    absl::StatusOr<std::unique_ptr<SecuredServer>> server =
        SecuredServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // Organisations A (attached to milano) and B, an editor of each, a viewer.
  void CreatePrincipals() {
    ASSERT_TRUE(server_->CreateOrganization("a", {"milano"}).ok());
    ASSERT_TRUE(server_->CreateOrganization("b", {}).ok());
    editor_a_ = MustCreate(v1::EDITOR, "a");
    editor_b_ = MustCreate(v1::EDITOR, "b");
    viewer_ = MustCreate(v1::VIEWER, "");
  }

  IssuedToken MustCreate(v1::TokenRole role, const std::string& org) {
    absl::StatusOr<IssuedToken> t = server_->CreateToken(role, org, "test");
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *t : IssuedToken();
  }

  Caller As(const std::string& token) {
    Caller c;
    c.channel = server_->Channel(token);
    c.catalog = v1::Catalog::NewStub(c.channel);
    c.matching = v1::Matching::NewStub(c.channel);
    c.admin = v1::Admin::NewStub(c.channel);
    return c;
  }

  static grpc::Status GetCity(Caller& c, const std::string& id,
                              v1::City* city = nullptr) {
    v1::GetCityRequest r;
    r.set_name("cities/" + id);
    v1::City ignored;
    grpc::ClientContext context;
    SetDeadline(&context);
    return c.catalog->GetCity(&context, r, city != nullptr ? city : &ignored);
  }

  static grpc::Status ListCities(Caller& c) {
    v1::ListCitiesResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    return c.catalog->ListCities(&context, v1::ListCitiesRequest(), &response);
  }

  static grpc::Status CreateCity(Caller& c, const std::string& id) {
    v1::CreateCityRequest r;
    r.set_city_id(id);
    r.mutable_city()->set_display_name("Bologna");
    r.mutable_city()->set_country_code("IT");
    r.mutable_city()->set_latitude(44.49);
    r.mutable_city()->set_longitude(11.34);
    r.mutable_city()->set_population(390000);
    v1::City response;
    grpc::ClientContext context;
    SetDeadline(&context);
    return c.catalog->CreateCity(&context, r, &response);
  }

  static grpc::Status CreateProject(Caller& c, const std::string& id,
                                    const std::string& owner,
                                    v1::Project* created = nullptr) {
    v1::CreateProjectRequest r;
    r.set_project_id(id);
    *r.mutable_project() = ProjectOwnedBy(owner);
    v1::Project ignored;
    grpc::ClientContext context;
    SetDeadline(&context);
    return c.catalog->CreateProject(&context, r,
                                    created != nullptr ? created : &ignored);
  }

  // The tokens ListTokens shows the admin (none if the call fails).
  std::vector<v1::Token> ListedTokens() {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::ListTokensResponse tokens;
    grpc::Status status = server_->admin()->ListTokens(
        &context, v1::ListTokensRequest(), &tokens);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {tokens.tokens().begin(), tokens.tokens().end()};
  }

  // The listed token named `name`, or nullopt.
  std::optional<v1::Token> ListedToken(const std::string& name) {
    for (const v1::Token& t : ListedTokens()) {
      if (t.name() == name) return t;
    }
    return std::nullopt;
  }

  static grpc::Status GetProject(Caller& c, const std::string& id,
                                 v1::Project* project) {
    v1::GetProjectRequest r;
    r.set_name("projects/" + id);
    grpc::ClientContext context;
    SetDeadline(&context);
    return c.catalog->GetProject(&context, r, project);
  }

  static grpc::Status DeleteProject(Caller& c, const std::string& id) {
    v1::DeleteProjectRequest r;
    r.set_name("projects/" + id);
    v1::DeleteResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    return c.catalog->DeleteProject(&context, r, &response);
  }

  static grpc::Status UpdateCity(Caller& c, const v1::City& city,
                                 const std::string& path) {
    v1::UpdateCityRequest r;
    *r.mutable_city() = city;
    r.mutable_update_mask()->add_paths(path);
    v1::City response;
    grpc::ClientContext context;
    SetDeadline(&context);
    return c.catalog->UpdateCity(&context, r, &response);
  }

  static grpc::Status Recommend(Caller& c,
                                v1::RecommendPartnersResponse* response) {
    v1::RecommendPartnersRequest r;
    r.set_project("projects/urbact-arrival");
    grpc::ClientContext context;
    SetDeadline(&context);
    return c.matching->RecommendPartners(&context, r, response);
  }

  static grpc::Status CreateToken(Caller& c, v1::TokenRole role,
                                  const std::string& org) {
    v1::CreateTokenRequest r;
    r.set_role(role);
    if (!org.empty()) r.set_organization("organizations/" + org);
    r.set_display_name("minted");
    v1::CreateTokenResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = c.admin->CreateToken(&context, r, &response);
    // A refused call hands out nothing.
    if (!status.ok()) EXPECT_EQ(response.token(), "");
    return status;
  }

  std::unique_ptr<SecuredServer> server_;
  IssuedToken editor_a_, editor_b_, viewer_;
};

TEST_F(AuthorizationTest, ViewerReadsAndGetsRecommendationsButCannotWrite) {
  CreatePrincipals();
  Caller viewer = As(viewer_.token);
  EXPECT_TRUE(GetCity(viewer, "milano").ok());
  EXPECT_TRUE(ListCities(viewer).ok());
  v1::RecommendPartnersResponse recommendations;
  grpc::Status status = Recommend(viewer, &recommendations);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(recommendations.recommendations().empty());

  status = CreateCity(viewer, "bologna");
  EXPECT_EQ(status.error_code(), Code::PERMISSION_DENIED) << status.error_message();
  EXPECT_EQ(GetCity(viewer, "bologna").error_code(), Code::NOT_FOUND);
  EXPECT_EQ(CreateToken(viewer, v1::VIEWER, "").error_code(),
            Code::PERMISSION_DENIED);
  EXPECT_EQ(CreateToken(viewer, v1::ADMIN, "").error_code(),
            Code::PERMISSION_DENIED);
}

TEST_F(AuthorizationTest, EditorsWriteOnlyTheirOrganizationsProjects) {
  CreatePrincipals();
  Caller a = As(editor_a_.token);
  Caller b = As(editor_b_.token);

  v1::Project created;
  grpc::Status status = CreateProject(a, "milano-arrival", "a", &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.owner(), "organizations/a");

  // B can neither delete A's project nor create one in A's name.
  status = DeleteProject(b, "milano-arrival");
  EXPECT_EQ(status.error_code(), Code::PERMISSION_DENIED) << status.error_message();
  status = CreateProject(b, "in-a-name", "a");
  EXPECT_EQ(status.error_code(), Code::PERMISSION_DENIED) << status.error_message();

  v1::Project still;
  ASSERT_TRUE(GetProject(b, "milano-arrival", &still).ok());
  EXPECT_EQ(still.owner(), "organizations/a");
  EXPECT_EQ(GetProject(a, "in-a-name", &still).error_code(), Code::NOT_FOUND);

  // Nor can A delete reference data; A can delete its own.
  EXPECT_EQ(DeleteProject(a, "urbact-arrival").error_code(),
            Code::PERMISSION_DENIED);
  EXPECT_TRUE(DeleteProject(a, "milano-arrival").ok());
}

TEST_F(AuthorizationTest, EditorsProjectWithoutOwnerBelongsToItsOrganization) {
  CreatePrincipals();
  Caller b = As(editor_b_.token);
  v1::Project created;
  grpc::Status status = CreateProject(b, "b-project", "", &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.owner(), "organizations/b");
  // ... and so A may not delete it.
  Caller a = As(editor_a_.token);
  EXPECT_EQ(DeleteProject(a, "b-project").error_code(), Code::PERMISSION_DENIED);
}

TEST_F(AuthorizationTest, EditorsCannotMintTokensOrOrganizations) {
  CreatePrincipals();
  Caller a = As(editor_a_.token);
  for (const auto& [role, org] :
       {std::pair<v1::TokenRole, std::string>{v1::EDITOR, "a"},
        {v1::VIEWER, ""},
        {v1::ADMIN, ""}}) {
    EXPECT_EQ(CreateToken(a, role, org).error_code(), Code::PERMISSION_DENIED)
        << v1::TokenRole_Name(role);
  }
  v1::CreateOrganizationRequest r;
  r.set_organization_id("a2");
  r.mutable_organization()->set_display_name("A, again");
  r.mutable_organization()->add_cities("cities/roma");
  v1::Organization response;
  grpc::ClientContext context;
  SetDeadline(&context);
  EXPECT_EQ(a.admin->CreateOrganization(&context, r, &response).error_code(),
            Code::PERMISSION_DENIED);
  // Nothing was minted: the admin sees the bootstrap token and ours only.
  v1::ListTokensResponse tokens;
  grpc::ClientContext list_context;
  SetDeadline(&list_context);
  ASSERT_TRUE(server_->admin()
                  ->ListTokens(&list_context, v1::ListTokensRequest(), &tokens)
                  .ok());
  EXPECT_EQ(tokens.tokens_size(), 4);
}

TEST_F(AuthorizationTest, RevokedTokenStopsWorkingAtOnce) {
  CreatePrincipals();
  // The caller's channel is open and has been used before the revocation.
  Caller viewer = As(viewer_.token);
  ASSERT_TRUE(GetCity(viewer, "milano").ok());
  Caller a = As(editor_a_.token);
  ASSERT_TRUE(GetCity(a, "milano").ok());

  ASSERT_TRUE(server_->RevokeToken(viewer_.name).ok());
  grpc::Status status = GetCity(viewer, "milano");
  EXPECT_EQ(status.error_code(), Code::UNAUTHENTICATED) << status.error_message();
  v1::RecommendPartnersResponse response;
  EXPECT_EQ(Recommend(viewer, &response).error_code(), Code::UNAUTHENTICATED);
  // Other tokens are unaffected.
  EXPECT_TRUE(GetCity(a, "milano").ok());

  // ListTokens shows it revoked.
  v1::ListTokensResponse tokens;
  grpc::ClientContext context;
  SetDeadline(&context);
  ASSERT_TRUE(
      server_->admin()->ListTokens(&context, v1::ListTokensRequest(), &tokens).ok());
  bool seen = false;
  for (const v1::Token& t : tokens.tokens()) {
    if (t.name() == viewer_.name) {
      seen = true;
      EXPECT_TRUE(t.revoked());
    } else {
      EXPECT_FALSE(t.revoked()) << t.name();
    }
  }
  EXPECT_TRUE(seen);
}

TEST_F(AuthorizationTest, TokenStopsWorkingAtItsExpireTime) {
  const absl::Time expiry = absl::Now() + absl::Seconds(3);
  v1::CreateTokenRequest r;
  r.set_role(v1::VIEWER);
  r.set_display_name("short-lived");
  r.mutable_expire_time()->set_seconds(absl::ToUnixSeconds(expiry));
  r.mutable_expire_time()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(expiry - absl::FromUnixSeconds(
                                            absl::ToUnixSeconds(expiry)))));
  v1::CreateTokenResponse created;
  grpc::ClientContext context;
  SetDeadline(&context);
  ASSERT_TRUE(server_->admin()->CreateToken(&context, r, &created).ok());
  EXPECT_TRUE(created.metadata().has_expire_time());

  Caller shortlived = As(created.token());
  grpc::Status status = GetCity(shortlived, "milano");
  ASSERT_TRUE(absl::Now() < expiry) << "the machine is too slow for this test";
  EXPECT_TRUE(status.ok()) << status.error_message();
  // Wait for the refusal (a real condition, bounded), then check it did not
  // come early.
  const absl::Time give_up = expiry + absl::Seconds(10);
  while ((status = GetCity(shortlived, "milano")).ok() &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(status.error_code(), Code::UNAUTHENTICATED);
  EXPECT_GE(absl::Now(), expiry);
}

TEST_F(AuthorizationTest, TokenCannotBeCreatedAlreadyExpired) {
  v1::CreateTokenRequest r;
  r.set_role(v1::VIEWER);
  r.set_display_name("stillborn");
  r.mutable_expire_time()->set_seconds(
      absl::ToUnixSeconds(absl::Now() - absl::Minutes(1)));
  v1::CreateTokenResponse created;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = server_->admin()->CreateToken(&context, r, &created);
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_EQ(created.token(), "");
}

// An expiry beyond what a Timestamp holds used to be stored, after which
// every ListTokens failed converting it back, and so did the reply.
TEST_F(AuthorizationTest, TokenExpiryOutsideTheTimestampRangeIsRefused) {
  for (const auto& [seconds, nanos] :
       std::vector<std::pair<int64_t, int32_t>>{{int64_t{1} << 50, 0},
                                                {253402300800, 0},
                                                {4102444800, -1},
                                                {4102444800, 1000000000}}) {
    v1::CreateTokenRequest r;
    r.set_role(v1::VIEWER);
    r.set_display_name("far future");
    r.mutable_expire_time()->set_seconds(seconds);
    r.mutable_expire_time()->set_nanos(nanos);
    v1::CreateTokenResponse created;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = server_->admin()->CreateToken(&context, r, &created);
    EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT)
        << seconds << " " << nanos << ": " << status.error_message();
    google::rpc::Status details;
    ASSERT_TRUE(details.ParseFromString(status.error_details()));
    ASSERT_EQ(details.details_size(), 1);
    google::rpc::BadRequest bad_request;
    ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
    ASSERT_EQ(bad_request.field_violations_size(), 1);
    EXPECT_EQ(bad_request.field_violations(0).field(), "expire_time");
  }
  for (const v1::Token& t : ListedTokens()) {
    EXPECT_NE(t.display_name(), "far future");
  }
}

// The last instant a Timestamp holds, 9999-12-31T23:59:59.999999999Z, is
// inside "years 1 to 9999": accepted, and listed back as it was asked for
// (to the millisecond the store keeps).
TEST_F(AuthorizationTest, TokenExpiryAtTheEndOfYear9999IsAccepted) {
  v1::CreateTokenRequest r;
  r.set_role(v1::VIEWER);
  r.set_display_name("end of 9999");
  r.mutable_expire_time()->set_seconds(253402300799);
  r.mutable_expire_time()->set_nanos(999999999);
  v1::CreateTokenResponse created;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = server_->admin()->CreateToken(&context, r, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  const std::optional<v1::Token> listed = ListedToken(created.name());
  ASSERT_TRUE(listed.has_value());
  EXPECT_EQ(listed->expire_time().seconds(), 253402300799);
  EXPECT_EQ(listed->expire_time().nanos(), 999000000);
}

// A store written before CreateToken refused such expiries may hold one.
TEST_F(AuthorizationTest, StoredExpiryOutsideTheTimestampRangeIsListed) {
  server_->Shutdown();
  {
    absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> storage =
        SqliteAdminStorage::Open(server_->data_dir());
    ASSERT_TRUE(storage.ok()) << storage.status();
    TokenRecord token;
    token.id = "feedfacefeedface";
    token.display_name = "far future";
    token.role = TokenRole::kViewer;
    token.salt = "salt";
    token.hash = std::string(32, 'h');
    token.create_time_ms = absl::ToUnixMillis(absl::Now());
    token.expire_time_ms = int64_t{1} << 60;
    ASSERT_TRUE((*storage)->PutToken(token).ok());
  }
  ASSERT_TRUE(server_->Restart().ok());
  const std::optional<v1::Token> listed =
      ListedToken("tokens/feedfacefeedface");
  ASSERT_TRUE(listed.has_value());
  EXPECT_EQ(listed->expire_time().seconds(), 253402300799);
}

TEST_F(AuthorizationTest, RevokingAMalformedTokenNameIsInvalidArgument) {
  for (const std::string& name :
       {std::string("tokens/a/b"), std::string("tokens/ABC"),
        std::string("tokens/") + std::string(100, 'a'), std::string("tokens/"),
        std::string("cities/3173435")}) {
    v1::RevokeTokenRequest r;
    r.set_name(name);
    v1::Token revoked;
    grpc::ClientContext context;
    SetDeadline(&context);
    EXPECT_EQ(server_->admin()->RevokeToken(&context, r, &revoked).error_code(),
              Code::INVALID_ARGUMENT)
        << name;
  }
  v1::RevokeTokenRequest r;
  r.set_name("tokens/0123456789abcdef");
  v1::Token revoked;
  grpc::ClientContext context;
  SetDeadline(&context);
  EXPECT_EQ(server_->admin()->RevokeToken(&context, r, &revoked).error_code(),
            Code::NOT_FOUND);
}

TEST_F(AuthorizationTest, RevocationAndTokensSurviveARestart) {
  CreatePrincipals();
  ASSERT_TRUE(server_->RevokeToken(viewer_.name).ok());
  ASSERT_TRUE(server_->Restart().ok());
  Caller viewer = As(viewer_.token);
  EXPECT_EQ(GetCity(viewer, "milano").error_code(), Code::UNAUTHENTICATED);
  Caller a = As(editor_a_.token);
  EXPECT_TRUE(GetCity(a, "milano").ok());
  // Still scoped to A after the restart.
  EXPECT_TRUE(CreateProject(a, "after-restart", "a").ok());
  EXPECT_EQ(CreateProject(a, "for-b", "b").error_code(),
            Code::PERMISSION_DENIED);
}

TEST_F(AuthorizationTest, EditorChangesTheProfileOfItsCityButNotItsPopulation) {
  CreatePrincipals();
  Caller a = As(editor_a_.token);
  v1::City before;
  ASSERT_TRUE(GetCity(a, "milano", &before).ok());

  v1::City patch = before;
  patch.clear_etag();
  patch.mutable_profile()->add_seeking_themes("Housing");
  patch.mutable_profile()->set_capacity(3);
  patch.set_population(before.population() * 2);
  grpc::Status status = UpdateCity(a, patch, "profile");
  ASSERT_TRUE(status.ok()) << status.error_message();
  status = UpdateCity(a, patch, "population");
  EXPECT_EQ(status.error_code(), Code::PERMISSION_DENIED) << status.error_message();

  v1::City after;
  ASSERT_TRUE(GetCity(a, "milano", &after).ok());
  EXPECT_EQ(after.profile().capacity(), 3);
  EXPECT_THAT(after.profile().seeking_themes(),
              ::testing::ElementsAre("Housing"));
  EXPECT_EQ(after.population(), before.population());

  // Not another city's profile, and not as B (attached to no city).
  v1::City roma;
  ASSERT_TRUE(GetCity(a, "roma", &roma).ok());
  roma.clear_etag();
  roma.mutable_profile()->set_capacity(1);
  EXPECT_EQ(UpdateCity(a, roma, "profile").error_code(),
            Code::PERMISSION_DENIED);
  Caller b = As(editor_b_.token);
  EXPECT_EQ(UpdateCity(b, patch, "profile").error_code(),
            Code::PERMISSION_DENIED);
}

TEST_F(AuthorizationTest, DeletedCityLeavesItsOrganizationsForGood) {
  Caller admin = As(server_->AdminToken());
  ASSERT_TRUE(CreateCity(admin, "bologna").ok());
  ASSERT_TRUE(server_->CreateOrganization("c", {"milano", "bologna"}).ok());
  ASSERT_TRUE(server_->CreateOrganization("d", {"bologna"}).ok());
  const IssuedToken editor_c = MustCreate(v1::EDITOR, "c");
  Caller c = As(editor_c.token);
  v1::City bologna;
  ASSERT_TRUE(GetCity(c, "bologna", &bologna).ok());
  bologna.clear_etag();
  bologna.mutable_profile()->set_capacity(2);
  ASSERT_TRUE(UpdateCity(c, bologna, "profile").ok());

  v1::DeleteCityRequest remove;
  remove.set_name("cities/bologna");
  v1::DeleteResponse removed;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = admin.catalog->DeleteCity(&context, remove, &removed);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Gone from both organisations, the other cities kept.
  auto organizations = [&]() {
    std::map<std::string, std::vector<std::string>> cities;
    v1::ListOrganizationsResponse list;
    grpc::ClientContext list_context;
    SetDeadline(&list_context);
    EXPECT_TRUE(admin.admin
                    ->ListOrganizations(&list_context,
                                        v1::ListOrganizationsRequest(), &list)
                    .ok());
    for (const v1::Organization& o : list.organizations()) {
      cities[o.name()] = {o.cities().begin(), o.cities().end()};
    }
    return cities;
  };
  using Cities = std::map<std::string, std::vector<std::string>>;
  const Cities expected = {{"organizations/c", {"cities/milano"}},
                           {"organizations/d", {}}};
  EXPECT_EQ(organizations(), expected);

  // A city created again under the id is not the old organisation's to
  // edit, not even after a restart (the admin store kept the change).
  ASSERT_TRUE(CreateCity(admin, "bologna").ok());
  ASSERT_TRUE(GetCity(c, "bologna", &bologna).ok());
  bologna.clear_etag();
  bologna.mutable_profile()->set_capacity(9);
  status = UpdateCity(c, bologna, "profile");
  EXPECT_EQ(status.error_code(), Code::PERMISSION_DENIED)
      << status.error_message();
  EXPECT_THAT(status.error_message(),
              HasSubstr("not attached to cities/bologna"));
  ASSERT_TRUE(server_->Restart().ok());
  admin = As(server_->AdminToken());
  c = As(editor_c.token);
  EXPECT_EQ(organizations(), expected);
  EXPECT_EQ(UpdateCity(c, bologna, "profile").error_code(),
            Code::PERMISSION_DENIED);
  // Milano is still theirs.
  v1::City milano;
  ASSERT_TRUE(GetCity(c, "milano", &milano).ok());
  milano.clear_etag();
  milano.mutable_profile()->set_capacity(4);
  EXPECT_TRUE(UpdateCity(c, milano, "profile").ok());
}

// An organisation created while one of its cities is deleted either is
// refused the city or loses it with the deletion: it never ends up holding
// the id of a city that does not exist.
TEST_F(AuthorizationTest,
       CityDeletedWhileAnOrganizationIsCreatedIsNotLeftInIt) {
  Caller admin = As(server_->AdminToken());
  constexpr int kRounds = 40;
  for (int i = 0; i < kRounds; ++i) {
    const std::string city = absl::StrCat("race-", i);
    ASSERT_TRUE(CreateCity(admin, city).ok());
    std::thread remover([&] {
      v1::DeleteCityRequest remove;
      remove.set_name("cities/" + city);
      v1::DeleteResponse removed;
      grpc::ClientContext context;
      SetDeadline(&context);
      EXPECT_TRUE(admin.catalog->DeleteCity(&context, remove, &removed).ok());
    });
    // Refused if the city is already gone.
    const grpc::Status created =
        server_->CreateOrganization(absl::StrCat("org-", i), {city});
    EXPECT_TRUE(created.ok() || created.error_code() == Code::INVALID_ARGUMENT)
        << created.error_message();
    remover.join();
  }
  v1::ListOrganizationsRequest request;
  request.set_page_size(1000);
  v1::ListOrganizationsResponse list;
  grpc::ClientContext context;
  SetDeadline(&context);
  ASSERT_TRUE(admin.admin->ListOrganizations(&context, request, &list).ok());
  for (const v1::Organization& o : list.organizations()) {
    EXPECT_THAT(o.cities(), ::testing::IsEmpty()) << o.name();
  }
}

TEST_F(AuthorizationTest, RefusedCityDeletionKeepsItsOrganizations) {
  Caller admin = As(server_->AdminToken());
  ASSERT_TRUE(CreateCity(admin, "bologna").ok());
  ASSERT_TRUE(server_->CreateOrganization("c", {"milano", "bologna"}).ok());
  auto delete_city = [&](const std::string& id, const std::string& etag) {
    v1::DeleteCityRequest remove;
    remove.set_name("cities/" + id);
    remove.set_etag(etag);
    v1::DeleteResponse removed;
    grpc::ClientContext context;
    SetDeadline(&context);
    return admin.catalog->DeleteCity(&context, remove, &removed).error_code();
  };
  // Milano leads a project; Bologna's etag is stale.
  EXPECT_EQ(delete_city("milano", ""), Code::FAILED_PRECONDITION);
  EXPECT_EQ(delete_city("bologna", "0000000000000000"), Code::ABORTED);

  v1::ListOrganizationsResponse list;
  grpc::ClientContext list_context;
  SetDeadline(&list_context);
  ASSERT_TRUE(admin.admin
                  ->ListOrganizations(&list_context,
                                      v1::ListOrganizationsRequest(), &list)
                  .ok());
  ASSERT_EQ(list.organizations_size(), 1);
  EXPECT_THAT(list.organizations(0).cities(),
              ::testing::ElementsAre("cities/milano", "cities/bologna"));
}

TEST_F(AuthorizationTest, AuditLogShowsWritesWithWhoMethodResourceAndResult) {
  CreatePrincipals();
  Caller a = As(editor_a_.token);
  Caller b = As(editor_b_.token);
  Caller viewer = As(viewer_.token);
  ASSERT_TRUE(CreateProject(a, "audited", "a").ok());
  ASSERT_EQ(DeleteProject(b, "audited").error_code(), Code::PERMISSION_DENIED);
  ASSERT_EQ(CreateCity(viewer, "bologna").error_code(),
            Code::PERMISSION_DENIED);
  // Reads are not audited; calls without a valid token have no "who".
  ASSERT_TRUE(GetCity(a, "milano").ok());
  Caller nobody = As("");
  ASSERT_EQ(CreateCity(nobody, "nobody").error_code(), Code::UNAUTHENTICATED);

  absl::StatusOr<std::vector<v1::AuditEvent>> events = server_->AuditEvents();
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_GE(events->size(), 3u);
  // Newest first: the last three writes, in reverse.
  const v1::AuditEvent& refused_viewer = (*events)[0];
  const v1::AuditEvent& refused_b = (*events)[1];
  const v1::AuditEvent& created = (*events)[2];

  EXPECT_EQ(created.token(), editor_a_.name);
  EXPECT_EQ(created.role(), v1::EDITOR);
  EXPECT_EQ(created.organization(), "organizations/a");
  EXPECT_THAT(created.method(), HasSubstr("CreateProject"));
  EXPECT_EQ(created.resource(), "projects/audited");
  EXPECT_EQ(created.result(), "OK");

  EXPECT_EQ(refused_b.token(), editor_b_.name);
  EXPECT_EQ(refused_b.organization(), "organizations/b");
  EXPECT_THAT(refused_b.method(), HasSubstr("DeleteProject"));
  EXPECT_EQ(refused_b.resource(), "projects/audited");
  EXPECT_EQ(refused_b.result(), "PERMISSION_DENIED");

  EXPECT_EQ(refused_viewer.token(), viewer_.name);
  EXPECT_EQ(refused_viewer.role(), v1::VIEWER);
  EXPECT_EQ(refused_viewer.organization(), "");
  EXPECT_THAT(refused_viewer.method(), HasSubstr("CreateCity"));
  EXPECT_EQ(refused_viewer.resource(), "cities/bologna");
  EXPECT_EQ(refused_viewer.result(), "PERMISSION_DENIED");

  EXPECT_GT(refused_viewer.sequence(), refused_b.sequence());
  EXPECT_GT(refused_b.sequence(), created.sequence());
  EXPECT_GE(absl::FromUnixSeconds(refused_viewer.time().seconds()),
            absl::FromUnixSeconds(created.time().seconds()));
  EXPECT_GT(created.time().seconds(), 1600000000);

  // The admin's own writes (organisations, tokens) are there too, each
  // naming the token it created.
  std::vector<std::string> created_tokens;
  for (const v1::AuditEvent& e : *events) {
    if (e.role() == v1::ADMIN && e.method().find("CreateToken") !=
                                     std::string::npos) {
      EXPECT_EQ(e.result(), "OK");
      created_tokens.push_back(e.resource());
    }
  }
  EXPECT_THAT(created_tokens,
              ::testing::UnorderedElementsAre(editor_a_.name, editor_b_.name,
                                              viewer_.name));
}

// Refused writes are audited with the resource the client named; a client
// must not be able to write megabytes into the audit log that way.
TEST_F(AuthorizationTest, AuditedResourceNamesAreBounded) {
  CreatePrincipals();
  Caller viewer = As(viewer_.token);
  // 2-byte UTF-8 characters, so that a cut in the middle of one would show.
  std::string long_name = "cities/";
  for (int i = 0; i < 100000; ++i) long_name += "\xc3\xa9";
  v1::City city;
  city.set_name(long_name);
  grpc::Status status = UpdateCity(viewer, city, "profile");
  ASSERT_EQ(status.error_code(), Code::PERMISSION_DENIED)
      << status.error_message();

  absl::StatusOr<std::vector<v1::AuditEvent>> events = server_->AuditEvents();
  ASSERT_TRUE(events.ok()) << events.status();  // still valid UTF-8
  ASSERT_FALSE(events->empty());
  const v1::AuditEvent& refused = (*events)[0];
  EXPECT_EQ(refused.token(), viewer_.name);
  EXPECT_EQ(refused.result(), "PERMISSION_DENIED");
  EXPECT_LE(refused.resource().size(), 1024u);
  EXPECT_EQ(refused.resource().substr(0, 9), "cities/\xc3\xa9");
}

TEST_F(AuthorizationTest, AuditLogPagesNewestFirst) {
  // The server's own ADMIN token, then 2 organisations + 3 tokens.
  CreatePrincipals();
  std::vector<int64_t> sequences;
  std::string page_token;
  int pages = 0;
  do {
    v1::ListAuditEventsRequest r;
    r.set_page_size(2);
    r.set_page_token(page_token);
    v1::ListAuditEventsResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status =
        server_->admin()->ListAuditEvents(&context, r, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_LE(response.events_size(), 2);
    for (const v1::AuditEvent& e : response.events()) {
      sequences.push_back(e.sequence());
    }
    page_token = response.next_page_token();
    ASSERT_LT(++pages, 10);
  } while (!page_token.empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(sequences.size(), 6u);
  for (size_t i = 1; i < sequences.size(); ++i) {
    EXPECT_LT(sequences[i], sequences[i - 1]);
  }
}

// A create's request_id makes a retry answer with what the first call
// made; a caller of another organisation that sends the same id did not
// make it and is not told (or audited as) having done so.
TEST_F(AuthorizationTest, RequestIdOfAnotherOrganisationsCreateIsNotAReplay) {
  CreatePrincipals();
  Caller a = As(editor_a_.token);
  Caller b = As(editor_b_.token);
  auto create = [](Caller& c, const std::string& owner) {
    v1::CreateProjectRequest r;
    r.set_project_id("retried");
    r.set_request_id("7f1c2a9e-request");
    *r.mutable_project() = ProjectOwnedBy(owner);
    v1::Project created;
    grpc::ClientContext context;
    SetDeadline(&context);
    return c.catalog->CreateProject(&context, r, &created);
  };
  ASSERT_TRUE(create(a, "a").ok());
  // A's own retry gets the project it made.
  EXPECT_TRUE(create(a, "a").ok());
  const grpc::Status other = create(b, "b");
  EXPECT_EQ(other.error_code(), Code::PERMISSION_DENIED)
      << other.error_message();
  absl::StatusOr<std::vector<v1::AuditEvent>> events = server_->AuditEvents();
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_FALSE(events->empty());
  EXPECT_EQ((*events)[0].token(), editor_b_.name);
  EXPECT_EQ((*events)[0].result(), "PERMISSION_DENIED");
}

TEST_F(AuthorizationTest, BearerHeaderMustCarryAValidToken) {
  CreatePrincipals();
  Caller raw = As("");  // adds no header: each call sets its own
  struct Row {
    std::string header;
    Code code;
  };
  const std::vector<Row> rows = {
      {"Bearer " + viewer_.token, Code::OK},
      {"bearer " + viewer_.token, Code::OK},  // the scheme is case-insensitive
      {viewer_.token, Code::UNAUTHENTICATED},
      {"Basic " + viewer_.token, Code::UNAUTHENTICATED},
      {"Bearer", Code::UNAUTHENTICATED},
      {"Bearer ", Code::UNAUTHENTICATED},
      // Spaces around the token are not part of it (RFC 6750, RFC 9110).
      {"Bearer  " + viewer_.token, Code::OK},
      {"Bearer " + viewer_.token + " ", Code::OK},
      {"Bearer " + viewer_.token + " x", Code::UNAUTHENTICATED},
      {"Bearer   ", Code::UNAUTHENTICATED},
      {"Bearer " + viewer_.token + "x", Code::UNAUTHENTICATED},
      {"Bearer " + ForgeToken(viewer_.token), Code::UNAUTHENTICATED},
      {"Bearer " + ForgeToken(server_->AdminToken()), Code::UNAUTHENTICATED},
      {"Bearer cm_0123456789abcdef_notatoken", Code::UNAUTHENTICATED},
  };
  for (const Row& row : rows) {
    v1::GetCityRequest r;
    r.set_name("cities/milano");
    v1::City city;
    grpc::ClientContext context;
    SetDeadline(&context);
    context.AddMetadata("authorization", row.header);
    grpc::Status status = raw.catalog->GetCity(&context, r, &city);
    EXPECT_EQ(status.error_code(), row.code) << "authorization: " << row.header;
  }
}

TEST_F(AuthorizationTest, HealthCheckNeedsNoToken) {
  Caller nobody = As("");
  int serving = 0;
  grpc::Status status = HealthCheck(nobody.channel.get(), &serving);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(serving, 1);
  // ... while the API does.
  EXPECT_EQ(GetCity(nobody, "milano").error_code(), Code::UNAUTHENTICATED);
}

TEST_F(AuthorizationTest, ReflectionNeedsNoToken) {
  Caller nobody = As("");
  std::vector<std::string> services;
  grpc::Status status =
      ListServicesByReflection(nobody.channel.get(), &services);
  ASSERT_TRUE(status.ok()) << status.error_code() << " "
                           << status.error_message();
  EXPECT_THAT(services, ::testing::IsSupersetOf(
                            {"citymatch.v1.Catalog", "citymatch.v1.Matching",
                             "citymatch.v1.Admin", "grpc.health.v1.Health"}));
}

class RateLimitTest : public AuthorizationTest {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.rate_limit_qps = 1;
    options.rate_limit_burst = 2;
    Start(options);
  }
};

TEST_F(RateLimitTest, ThirdImmediateCallIsResourceExhaustedWithRetryInfo) {
  Caller admin = As(server_->AdminToken());
  ASSERT_TRUE(ListCities(admin).ok());
  ASSERT_TRUE(ListCities(admin).ok());
  grpc::Status status = ListCities(admin);
  ASSERT_EQ(status.error_code(), Code::RESOURCE_EXHAUSTED)
      << status.error_message();

  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(Code::RESOURCE_EXHAUSTED));
  bool has_retry_info = false;
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::RetryInfo retry;
    if (!any.UnpackTo(&retry)) continue;
    has_retry_info = true;
    const int64_t delay_ms = retry.retry_delay().seconds() * 1000 +
                             retry.retry_delay().nanos() / 1000000;
    EXPECT_GT(delay_ms, 0);
    EXPECT_LE(delay_ms, 1001);  // one token at 1 qps
  }
  EXPECT_TRUE(has_retry_info) << details.DebugString();

  // The limit is per token: another token is not affected. (Created without
  // a call, since the admin's bucket is empty.)
  absl::StatusOr<TokenRegistry::Created> viewer =
      server_->server()->tokens()->CreateToken(TokenRole::kViewer, "", "v", 0);
  ASSERT_TRUE(viewer.ok()) << viewer.status();
  Caller other = As(viewer->token);
  EXPECT_TRUE(ListCities(other).ok());
  // Health checks are never limited.
  int serving = 0;
  EXPECT_TRUE(HealthCheck(admin.channel.get(), &serving).ok());
}

}  // namespace
}  // namespace citymatch
