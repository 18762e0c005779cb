// No token secret ever reaches the store or the log: after tokens have been
// created and used (well, revoked, forged), every byte of every file in the
// data directory except admin.token, the SQLite WAL included, and everything
// the real server binary printed, is searched for each whole token and for
// its secret part.
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/security/security_testing.h"
#include "tests/testing/sample_data.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::citymatch::testing::ForgeToken;
using ::citymatch::testing::IssuedToken;
using ::citymatch::testing::ReadFileBytes;
using ::citymatch::testing::ReadTree;
using ::citymatch::testing::SampleFiles;
using ::citymatch::testing::SecretOf;
using ::citymatch::testing::SecuredServer;
using ::citymatch::testing::ServerProcess;
using ::citymatch::testing::SetDeadline;
using ::citymatch::testing::StderrToFile;
using ::citymatch::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;
using Code = grpc::StatusCode;

// The strings that must never appear: each whole token and its secret part.
std::vector<std::string> Needles(const std::vector<std::string>& tokens) {
  std::vector<std::string> needles;
  for (const std::string& token : tokens) {
    EXPECT_FALSE(SecretOf(token).empty()) << "not a token: " << token;
    needles.push_back(token);
    needles.push_back(SecretOf(token));
  }
  return needles;
}

// Where each needle occurs in `haystacks` (name -> bytes), as messages.
std::vector<std::string> Leaks(
    const std::map<std::string, std::string>& haystacks,
    const std::vector<std::string>& needles) {
  std::vector<std::string> leaks;
  for (const auto& [name, bytes] : haystacks) {
    for (const std::string& needle : needles) {
      if (bytes.find(needle) != std::string::npos) {
        leaks.push_back(absl::StrCat(name, " contains \"", needle, "\""));
      }
    }
  }
  return leaks;
}

// The data directory's files, except the one that is meant to hold the
// bootstrap admin's token.
std::map<std::string, std::string> StoreFiles(const std::string& data_dir) {
  std::map<std::string, std::string> files = ReadTree(data_dir);
  files.erase((std::filesystem::path(data_dir) / "admin.token").string());
  return files;
}

bool AnyContains(const std::map<std::string, std::string>& files,
                 const std::string& needle) {
  for (const auto& [name, bytes] : files) {
    if (bytes.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(SecretLeakTest, StoreAndRepliesNeverHoldASecret) {
  absl::StatusOr<std::unique_ptr<SecuredServer>> started =
      SecuredServer::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  SecuredServer& server = **started;
  ASSERT_TRUE(server.CreateOrganization("a", {"milano"}).ok());
  std::vector<std::string> tokens = {server.AdminToken()};
  std::vector<std::string> ids;
  std::map<std::string, IssuedToken> issued;
  for (const auto& [label, role, org] :
       {std::tuple<std::string, v1::TokenRole, std::string>{"viewer",
                                                            v1::VIEWER, ""},
        {"editor", v1::EDITOR, "a"},
        {"admin", v1::ADMIN, ""},
        {"revoked", v1::VIEWER, ""}}) {
    absl::StatusOr<IssuedToken> t = server.CreateToken(role, org, label);
    ASSERT_TRUE(t.ok()) << t.status();
    tokens.push_back(t->token);
    ids.push_back(t->name.substr(t->name.find('/') + 1));
    issued[label] = *t;
  }
  ASSERT_TRUE(server.RevokeToken(issued["revoked"].name).ok());

  // Use them: reads, an audited write, refusals of every kind.
  std::vector<grpc::Status> refusals;
  auto get_city = [&](const std::string& token) {
    std::unique_ptr<v1::Catalog::Stub> catalog =
        v1::Catalog::NewStub(server.Channel(token));
    v1::GetCityRequest r;
    r.set_name("cities/milano");
    v1::City city;
    grpc::ClientContext context;
    SetDeadline(&context);
    return catalog->GetCity(&context, r, &city);
  };
  EXPECT_TRUE(get_city(issued["viewer"].token).ok());
  for (const std::string& bad :
       {issued["revoked"].token, ForgeToken(issued["admin"].token),
        ForgeToken(server.AdminToken()), issued["viewer"].token + "x"}) {
    grpc::Status status = get_city(bad);
    EXPECT_EQ(status.error_code(), Code::UNAUTHENTICATED);
    refusals.push_back(status);
  }
  {
    std::unique_ptr<v1::Catalog::Stub> editor =
        v1::Catalog::NewStub(server.Channel(issued["editor"].token));
    v1::CreateCityRequest r;  // refused: editors create no cities
    r.set_city_id("bologna");
    r.mutable_city()->set_display_name("Bologna");
    r.mutable_city()->set_country_code("IT");
    v1::City city;
    grpc::ClientContext context;
    SetDeadline(&context);
    refusals.push_back(editor->CreateCity(&context, r, &city));
    EXPECT_EQ(refusals.back().error_code(), Code::PERMISSION_DENIED);
  }

  const std::vector<std::string> needles = Needles(tokens);
  // Errors never echo a token.
  for (const grpc::Status& s : refusals) {
    for (const std::string& needle : needles) {
      EXPECT_THAT(s.error_message(), Not(HasSubstr(needle)));
      EXPECT_THAT(s.error_details(), Not(HasSubstr(needle)));
    }
  }
  // Nor do the admin's listings.
  v1::ListTokensResponse listed;
  grpc::ClientContext list_context;
  SetDeadline(&list_context);
  ASSERT_TRUE(server.admin()
                  ->ListTokens(&list_context, v1::ListTokensRequest(), &listed)
                  .ok());
  EXPECT_EQ(listed.tokens_size(), 5);
  absl::StatusOr<std::vector<v1::AuditEvent>> events = server.AuditEvents();
  ASSERT_TRUE(events.ok()) << events.status();
  std::map<std::string, std::string> replies = {
      {"ListTokens", listed.SerializeAsString()}};
  for (const v1::AuditEvent& e : *events) {
    replies["ListAuditEvents"] += e.SerializeAsString();
  }
  EXPECT_THAT(Leaks(replies, needles), ::testing::IsEmpty());

  // The store while the server runs: the admin database's WAL holds the
  // recent writes.
  std::map<std::string, std::string> files = StoreFiles(server.data_dir());
  const std::string wal =
      (std::filesystem::path(server.data_dir()) / "admin.db-wal").string();
  ASSERT_TRUE(files.count(wal) == 1 && !files[wal].empty())
      << "expected a non-empty " << wal;
  // The scan does see what the store keeps: every token's id is there.
  for (const std::string& id : ids) {
    EXPECT_TRUE(AnyContains(files, id)) << "token id " << id << " not found";
  }
  EXPECT_THAT(Leaks(files, needles), ::testing::IsEmpty());

  // And after a clean shutdown has checkpointed the WAL.
  server.Shutdown();
  files = StoreFiles(server.data_dir());
  EXPECT_THAT(Leaks(files, needles), ::testing::IsEmpty());
  for (const std::string& id : ids) {
    EXPECT_TRUE(AnyContains(files, id)) << "token id " << id << " not found";
  }
  // admin.token holds exactly the bootstrap token.
  EXPECT_EQ(absl::StripAsciiWhitespace(ReadFileBytes(
                (std::filesystem::path(server.data_dir()) / "admin.token")
                    .string())),
            tokens[0]);
}

// Calls the server at `address` over plaintext, with `token` ("": none).
class RemoteCaller {
 public:
  RemoteCaller(const std::string& address, std::string token)
      : channel_(grpc::CreateChannel(address,
                                     grpc::InsecureChannelCredentials())),
        catalog_(v1::Catalog::NewStub(channel_)),
        matching_(v1::Matching::NewStub(channel_)),
        admin_(v1::Admin::NewStub(channel_)),
        token_(std::move(token)) {}

  void Prepare(grpc::ClientContext* context) const {
    SetDeadline(context);
    if (!token_.empty()) {
      context->AddMetadata("authorization", "Bearer " + token_);
    }
  }
  grpc::Status GetCity(const std::string& id) const {
    v1::GetCityRequest r;
    r.set_name("cities/" + id);
    v1::City city;
    grpc::ClientContext context;
    Prepare(&context);
    return catalog_->GetCity(&context, r, &city);
  }
  grpc::Status Recommend() const {
    v1::RecommendPartnersRequest r;
    r.set_project("projects/urbact-arrival");
    v1::RecommendPartnersResponse response;
    grpc::ClientContext context;
    Prepare(&context);
    return matching_->RecommendPartners(&context, r, &response);
  }
  grpc::Status CreateProject(const std::string& id,
                             const std::string& owner) const {
    v1::CreateProjectRequest r;
    r.set_project_id(id);
    r.mutable_project()->set_title("Leak check");
    r.mutable_project()->add_themes("Migrants");
    v1::Membership* m = r.mutable_project()->add_members();
    m->set_city("cities/milano");
    m->set_role(v1::LEAD);
    r.mutable_project()->set_owner("organizations/" + owner);
    v1::Project project;
    grpc::ClientContext context;
    Prepare(&context);
    return catalog_->CreateProject(&context, r, &project);
  }
  grpc::Status CreateOrganization(const std::string& id) const {
    v1::CreateOrganizationRequest r;
    r.set_organization_id(id);
    r.mutable_organization()->set_display_name("Org " + id);
    r.mutable_organization()->add_cities("cities/milano");
    v1::Organization org;
    grpc::ClientContext context;
    Prepare(&context);
    return admin_->CreateOrganization(&context, r, &org);
  }
  absl::StatusOr<IssuedToken> CreateToken(v1::TokenRole role,
                                          const std::string& org) const {
    v1::CreateTokenRequest r;
    r.set_role(role);
    if (!org.empty()) r.set_organization("organizations/" + org);
    r.set_display_name("leak check");
    v1::CreateTokenResponse response;
    grpc::ClientContext context;
    Prepare(&context);
    grpc::Status s = admin_->CreateToken(&context, r, &response);
    if (!s.ok()) return absl::InternalError(s.error_message());
    return IssuedToken{response.name(), response.token()};
  }
  grpc::Status RevokeToken(const std::string& name) const {
    v1::RevokeTokenRequest r;
    r.set_name(name);
    v1::Token token;
    grpc::ClientContext context;
    Prepare(&context);
    return admin_->RevokeToken(&context, r, &token);
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Catalog::Stub> catalog_;
  std::unique_ptr<v1::Matching::Stub> matching_;
  std::unique_ptr<v1::Admin::Stub> admin_;
  const std::string token_;
};

TEST(SecretLeakTest, ServerBinaryNeverLogsOrStoresASecret) {
  TempDir seed, data, logs;
  seed.WriteAll(SampleFiles());
  const std::string log_path = logs.File("server.log");
  std::vector<std::string> tokens;
  std::vector<std::string> presented;  // forged and malformed ones too
  {
    StderrToFile capture(log_path);
    ASSERT_TRUE(capture.ok());
    ServerProcess process(data.path(), {"--seed_dir=" + seed.path()});
    absl::Status started = process.Start(absl::Seconds(60));
    if (!started.ok()) {
      capture.Restore();
      FAIL() << started << "\n" << ReadFileBytes(log_path);
    }
    const std::string admin_token(
        absl::StripAsciiWhitespace(ReadFileBytes(data.File("admin.token"))));
    tokens.push_back(admin_token);
    RemoteCaller admin(process.address(), admin_token);

    std::vector<std::string> failures;
    auto expect = [&](const grpc::Status& s, Code code, const char* what) {
      if (s.error_code() != code) {
        failures.push_back(absl::StrCat(what, ": got ", s.error_code(), " ",
                                        s.error_message()));
      }
    };
    expect(admin.CreateOrganization("a"), Code::OK, "CreateOrganization");
    absl::StatusOr<IssuedToken> viewer = admin.CreateToken(v1::VIEWER, "");
    absl::StatusOr<IssuedToken> editor = admin.CreateToken(v1::EDITOR, "a");
    absl::StatusOr<IssuedToken> revoked = admin.CreateToken(v1::ADMIN, "");
    if (viewer.ok() && editor.ok() && revoked.ok()) {
      tokens.insert(tokens.end(),
                    {viewer->token, editor->token, revoked->token});
      // Good tokens.
      expect(RemoteCaller(process.address(), viewer->token).GetCity("milano"),
             Code::OK, "viewer GetCity");
      expect(RemoteCaller(process.address(), viewer->token).Recommend(),
             Code::OK, "viewer Recommend");
      RemoteCaller editor_caller(process.address(), editor->token);
      expect(editor_caller.CreateProject("leak-a", "a"), Code::OK,
             "editor CreateProject");
      expect(editor_caller.CreateProject("leak-b", "b"),
             Code::PERMISSION_DENIED, "editor CreateProject for b");
      // A revoked token, before and after.
      RemoteCaller revoked_caller(process.address(), revoked->token);
      expect(revoked_caller.GetCity("milano"), Code::OK, "before revocation");
      expect(admin.RevokeToken(revoked->name), Code::OK, "RevokeToken");
      expect(revoked_caller.GetCity("milano"), Code::UNAUTHENTICATED,
             "revoked GetCity");
      expect(revoked_caller.CreateOrganization("z"), Code::UNAUTHENTICATED,
             "revoked CreateOrganization");
      // Forged and malformed tokens.
      for (const std::string& bad :
           {ForgeToken(admin_token), ForgeToken(viewer->token),
            viewer->token + "x", std::string("cm_") + SecretOf(editor->token)}) {
        presented.push_back(bad);
        RemoteCaller forger(process.address(), bad);
        expect(forger.GetCity("milano"), Code::UNAUTHENTICATED, "forged");
        if (forger.CreateToken(v1::ADMIN, "").ok()) {
          failures.push_back("a forged token minted a token");
        }
      }
      expect(RemoteCaller(process.address(), "").GetCity("milano"),
             Code::UNAUTHENTICATED, "no token");
    } else {
      failures.push_back("CreateToken failed");
    }

    // A clean stop: the server logs its shutdown and checkpoints the WAL.
    process.Kill(SIGTERM);
    absl::StatusOr<int> exit = process.Wait(absl::Seconds(30));
    capture.Restore();
    ASSERT_TRUE(exit.ok()) << exit.status();
    EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0) << *exit;
    ASSERT_TRUE(failures.empty()) << absl::StrJoin(failures, "\n") << "\n"
                                  << ReadFileBytes(log_path);
  }

  const std::string log = ReadFileBytes(log_path);
  // The capture worked: the log holds the server's own lines.
  ASSERT_THAT(log, HasSubstr("listening on port"));
  ASSERT_THAT(log, HasSubstr("shutting down"));
  ASSERT_EQ(tokens.size(), 4u);

  std::vector<std::string> needles = Needles(tokens);
  for (const std::string& bad : presented) needles.push_back(bad);
  EXPECT_THAT(Leaks({{"the server log", log}}, needles), ::testing::IsEmpty());
  EXPECT_THAT(Leaks(StoreFiles(data.path()), needles), ::testing::IsEmpty());
}

}  // namespace
}  // namespace citymatch
