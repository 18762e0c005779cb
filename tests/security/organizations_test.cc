// Admin.UpdateOrganization and DeleteOrganization end to end through an
// in-process server: what an update changes for the organisation's editors,
// the field violations of a bad update, the refusals of a delete while a
// token works or something is owned, owners that must name an existing
// organisation, the audit log, a restart, the races with DeleteCity and
// CreateProject that the graph's write lock decides, and a DeleteCity whose
// commit fails.
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "graph/storage/sqlite_admin_storage.h"
#include "graph/storage/sqlite_storage.h"
#include "graph/storage/sqlite_util.h"
#include "gtest/gtest.h"
#include "tests/security/security_testing.h"
#include "tests/server/in_process_server.h"

namespace citymatch {
namespace {

using ::citymatch::testing::IssuedToken;
using ::citymatch::testing::OpenStoreFile;
using ::citymatch::testing::ProjectOwnedBy;
using ::citymatch::testing::SecuredServer;
using ::citymatch::testing::SetDeadline;
using ::citymatch::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using Code = grpc::StatusCode;

class OrganizationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<SecuredServer>> server =
        SecuredServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_TRUE(server_->CreateOrganization("a", {"milano"}).ok());
    ASSERT_TRUE(server_->CreateOrganization("b", {}).ok());
  }

  IssuedToken MustCreateEditor(const std::string& org) {
    absl::StatusOr<IssuedToken> t =
        server_->CreateToken(v1::EDITOR, org, "editors of " + org);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *t : IssuedToken();
  }

  grpc::Status Update(const v1::UpdateOrganizationRequest& request,
                      v1::Organization* response = nullptr) {
    v1::Organization ignored;
    grpc::ClientContext context;
    SetDeadline(&context);
    return server_->admin()->UpdateOrganization(
        &context, request, response != nullptr ? response : &ignored);
  }

  static v1::UpdateOrganizationRequest Change(
      const std::string& org, const std::string& display_name,
      const std::vector<std::string>& add,
      const std::vector<std::string>& remove) {
    v1::UpdateOrganizationRequest r;
    r.set_name("organizations/" + org);
    r.set_display_name(display_name);
    for (const std::string& c : add) r.add_add_cities("cities/" + c);
    for (const std::string& c : remove) r.add_remove_cities("cities/" + c);
    return r;
  }

  grpc::Status Delete(const std::string& name,
                      v1::Organization* response = nullptr) {
    v1::DeleteOrganizationRequest r;
    r.set_name(name);
    v1::Organization ignored;
    grpc::ClientContext context;
    SetDeadline(&context);
    return server_->admin()->DeleteOrganization(
        &context, r, response != nullptr ? response : &ignored);
  }

  // The organisation `id` as ListOrganizations shows it; no name if absent.
  v1::Organization Listed(const std::string& id) {
    v1::ListOrganizationsResponse list;
    grpc::ClientContext context;
    SetDeadline(&context);
    EXPECT_TRUE(
        server_->admin()
            ->ListOrganizations(&context, v1::ListOrganizationsRequest(), &list)
            .ok());
    for (const v1::Organization& o : list.organizations()) {
      if (o.name() == "organizations/" + id) return o;
    }
    return v1::Organization();
  }

  // UpdateCity of `city`'s profile capacity as `token`.
  grpc::Status EditProfile(const std::string& token, const std::string& city,
                           int capacity) {
    std::unique_ptr<v1::Catalog::Stub> catalog =
        v1::Catalog::NewStub(server_->Channel(token));
    v1::UpdateCityRequest r;
    r.mutable_city()->set_name("cities/" + city);
    r.mutable_city()->mutable_profile()->set_capacity(capacity);
    r.mutable_update_mask()->add_paths("profile");
    v1::City response;
    grpc::ClientContext context;
    SetDeadline(&context);
    return catalog->UpdateCity(&context, r, &response);
  }

  // CreateProject as the admin.
  grpc::Status CreateProject(const std::string& id, const std::string& owner) {
    v1::CreateProjectRequest r;
    r.set_project_id(id);
    *r.mutable_project() = ProjectOwnedBy(owner);
    v1::Project response;
    grpc::ClientContext context;
    SetDeadline(&context);
    return server_->catalog()->CreateProject(&context, r, &response);
  }

  // A city that nothing refers to, so that DeleteCity deletes it.
  void CreateNapoli() {
    v1::CreateCityRequest r;
    r.set_city_id("napoli");
    r.mutable_city()->set_display_name("Napoli");
    r.mutable_city()->set_country_code("IT");
    r.mutable_city()->set_latitude(40.85);
    r.mutable_city()->set_longitude(14.27);
    v1::City response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status =
        server_->catalog()->CreateCity(&context, r, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status CreatePractice(const std::string& id, const std::string& owner) {
    v1::CreatePracticeRequest r;
    r.set_practice_id(id);
    v1::Practice* p = r.mutable_practice();
    p->set_title("Language cafes");
    p->set_city("cities/milano");
    p->add_themes("Migrants");
    p->set_start_year(2019);
    p->set_summary("Volunteers meet newcomers weekly.");
    if (!owner.empty()) p->set_owner("organizations/" + owner);
    v1::Practice response;
    grpc::ClientContext context;
    SetDeadline(&context);
    return server_->catalog()->CreatePractice(&context, r, &response);
  }

  // UpdateProject/UpdatePractice of the owner only ("" none).
  grpc::Status SetProjectOwner(const std::string& id,
                               const std::string& owner) {
    v1::UpdateProjectRequest r;
    r.mutable_project()->set_name("projects/" + id);
    if (!owner.empty())
      r.mutable_project()->set_owner("organizations/" + owner);
    r.mutable_update_mask()->add_paths("owner");
    v1::Project response;
    grpc::ClientContext context;
    SetDeadline(&context);
    return server_->catalog()->UpdateProject(&context, r, &response);
  }

  grpc::Status SetPracticeOwner(const std::string& id,
                                const std::string& owner) {
    v1::UpdatePracticeRequest r;
    r.mutable_practice()->set_name("practices/" + id);
    if (!owner.empty()) {
      r.mutable_practice()->set_owner("organizations/" + owner);
    }
    r.mutable_update_mask()->add_paths("owner");
    v1::Practice response;
    grpc::ClientContext context;
    SetDeadline(&context);
    return server_->catalog()->UpdatePractice(&context, r, &response);
  }

  grpc::Status DeleteCity(const std::string& id) {
    v1::DeleteCityRequest r;
    r.set_name("cities/" + id);
    v1::DeleteResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    return server_->catalog()->DeleteCity(&context, r, &response);
  }

  // Holds the graph's write lock (as every write takes it) while `call` runs
  // on another thread; once `call` has had time to reach the lock and wait
  // for it, `inside` runs under the lock and its mutation is applied with
  // `before_commit`. Returns what `call` returned. So a call that read what
  // it checks before taking the lock would see the world before `inside`.
  grpc::Status WhileLocked(
      const std::function<grpc::Status()>& call,
      const std::function<Mutation(const GraphSnapshot&)>& inside,
      const std::function<absl::Status()>& before_commit = nullptr) {
    absl::Notification held, go;
    std::thread holder([&] {
      absl::StatusOr<std::shared_ptr<const GraphSnapshot>> applied =
          server_->server()->store()->ApplyFrom(
              [&](const GraphSnapshot& graph) -> absl::StatusOr<Mutation> {
                held.Notify();
                go.WaitForNotification();
                return inside(graph);
              },
              before_commit);
      EXPECT_TRUE(applied.ok()) << applied.status();
    });
    held.WaitForNotification();
    grpc::Status status;
    std::thread caller([&] { status = call(); });
    absl::SleepFor(absl::Milliseconds(300));
    go.Notify();
    holder.join();
    caller.join();
    return status;
  }

  std::unique_ptr<SecuredServer> server_;
};

TEST_F(OrganizationsTest, UpdateChangesWhichProfilesItsEditorsMayChange) {
  const IssuedToken editor = MustCreateEditor("a");
  ASSERT_TRUE(EditProfile(editor.token, "milano", 1).ok());
  EXPECT_EQ(EditProfile(editor.token, "wien", 1).error_code(),
            Code::PERMISSION_DENIED);

  v1::Organization updated;
  grpc::Status status = Update(
      Change("a", "Comune di Milano", {"wien", "graz"}, {"milano"}), &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.name(), "organizations/a");
  EXPECT_EQ(updated.display_name(), "Comune di Milano");
  EXPECT_THAT(updated.cities(), ElementsAre("cities/wien", "cities/graz"));
  EXPECT_TRUE(updated.has_create_time());

  // At once, on the editor's next call.
  status = EditProfile(editor.token, "wien", 2);
  EXPECT_TRUE(status.ok()) << status.error_message();
  status = EditProfile(editor.token, "milano", 2);
  EXPECT_EQ(status.error_code(), Code::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("not attached to cities/milano"));

  // And after a restart.
  ASSERT_TRUE(server_->Restart().ok());
  const v1::Organization listed = Listed("a");
  EXPECT_EQ(listed.display_name(), "Comune di Milano");
  EXPECT_THAT(listed.cities(), ElementsAre("cities/wien", "cities/graz"));
  EXPECT_TRUE(EditProfile(editor.token, "graz", 3).ok());
  EXPECT_EQ(EditProfile(editor.token, "milano", 3).error_code(),
            Code::PERMISSION_DENIED);
}

TEST_F(OrganizationsTest, UpdateKeepsTheNameUnlessGivenAndAddingTwiceIsFine) {
  v1::Organization updated;
  ASSERT_TRUE(Update(Change("a", "", {"roma"}, {}), &updated).ok());
  EXPECT_EQ(updated.display_name(), "Organisation a");
  // A retry of the same change succeeds and changes nothing.
  ASSERT_TRUE(Update(Change("a", "", {"roma", "milano"}, {}), &updated).ok());
  EXPECT_THAT(updated.cities(), ElementsAre("cities/milano", "cities/roma"));
  // A rename alone; bare "organizations/{id}" resolves as CreateToken's.
  ASSERT_TRUE(Update(Change("a", "Renamed", {}, {}), &updated).ok());
  EXPECT_EQ(updated.display_name(), "Renamed");
  EXPECT_THAT(updated.cities(), ElementsAre("cities/milano", "cities/roma"));
}

TEST_F(OrganizationsTest, UpdateNamesEveryBadField) {
  v1::UpdateOrganizationRequest r =
      Change("a", std::string(300, 'x'), {"atlantis", "roma", "roma"},
             {"torino", "milano", "milano", "lyon"});
  r.add_add_cities("Milan");
  r.add_add_cities("cities/lyon");
  grpc::Status status = Update(r);
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
  // The fields that need no lookup, then the cities to add, then (only
  // once the request is well-formed) the organisation's own cities.
  EXPECT_THAT(
      ViolatedFields(status),
      ElementsAre("display_name", "remove_cities[2]", "remove_cities[3]",
                  "add_cities[0]", "add_cities[2]", "add_cities[3]"));
  std::vector<testing::Violation> violations = testing::FieldViolations(status);
  ASSERT_EQ(violations.size(), 6u);
  EXPECT_EQ(violations[1].description,
            "\"cities/milano\" is listed twice (first as remove_cities[1])");
  EXPECT_EQ(violations[2].description,
            "\"cities/lyon\" is also added (add_cities[4])");
  EXPECT_EQ(violations[3].description,
            "\"cities/atlantis\" is not an existing city");
  EXPECT_EQ(violations[4].description,
            "\"cities/roma\" is listed twice (first as add_cities[1])");
  EXPECT_THAT(violations[5].description, HasSubstr("Milan"));

  status = Update(Change("a", "", {}, {"torino", "milano"}));
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("remove_cities[0]"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("\"cities/torino\" is not one of the cities of "
                        "organizations/a"));

  status = Update(Change("a", "", {}, {}));
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request"));
  status = Update(Change("a", " ", {}, {}));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("display_name"));
  v1::UpdateOrganizationRequest bad_name = Change("a", "X", {}, {});
  bad_name.set_name("organisations/a");
  EXPECT_THAT(ViolatedFields(Update(bad_name)), ElementsAre("name"));

  // Nothing of any refused request was applied.
  const v1::Organization a = Listed("a");
  EXPECT_EQ(a.display_name(), "Organisation a");
  EXPECT_THAT(a.cities(), ElementsAre("cities/milano"));
}

TEST_F(OrganizationsTest, UpdateOrDeleteOfAnUnknownOrganizationIsNotFound) {
  grpc::Status status = Update(Change("nobody", "X", {"roma"}, {}));
  EXPECT_EQ(status.error_code(), Code::NOT_FOUND) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("organizations/nobody"));
  status = Delete("organizations/nobody");
  EXPECT_EQ(status.error_code(), Code::NOT_FOUND) << status.error_message();
  status = Delete("nobody");
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));
}

TEST_F(OrganizationsTest, DeleteWaitsForItsTokensAndWhatItOwns) {
  const IssuedToken editor = MustCreateEditor("a");
  ASSERT_TRUE(CreateProject("a-welcome", "a").ok());
  ASSERT_TRUE(CreateProject("a-housing", "a").ok());
  ASSERT_TRUE(CreatePractice("a-cafes", "a").ok());

  grpc::Status status = Delete("organizations/a");
  EXPECT_EQ(status.error_code(), Code::FAILED_PRECONDITION);
  // Every reason at once, each with what to do.
  EXPECT_THAT(status.error_message(), HasSubstr(editor.name));
  EXPECT_THAT(status.error_message(), HasSubstr("citymatch tokens revoke"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("2 projects (e.g. a-housing) and 1 practice "
                        "(e.g. a-cafes)"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("citymatch projects update a-housing --owner OTHER"));
  EXPECT_THAT(status.error_message(), HasSubstr("--owner \"\""));

  ASSERT_TRUE(server_->RevokeToken(editor.name).ok());
  status = Delete("organizations/a");
  EXPECT_EQ(status.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), Not(HasSubstr("token")));

  ASSERT_TRUE(SetProjectOwner("a-welcome", "b").ok());
  ASSERT_TRUE(SetProjectOwner("a-housing", "").ok());
  status = Delete("organizations/a");
  EXPECT_EQ(status.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("1 practice (e.g. a-cafes)"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("project")));

  ASSERT_TRUE(SetPracticeOwner("a-cafes", "b").ok());
  v1::Organization deleted;
  status = Delete("organizations/a", &deleted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(deleted.name(), "organizations/a");
  EXPECT_THAT(deleted.cities(), ElementsAre("cities/milano"));
  EXPECT_EQ(Listed("a").name(), "");
  EXPECT_EQ(Delete("organizations/a").error_code(), Code::NOT_FOUND);

  // Gone for good: nothing can be given to it, no token made for it.
  status = CreateProject("a-again", "a");
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("project.owner"));
  EXPECT_EQ(SetPracticeOwner("a-cafes", "a").error_code(),
            Code::INVALID_ARGUMENT);
  EXPECT_EQ(server_->CreateToken(v1::EDITOR, "a", "x").status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_EQ(Listed("a").name(), "");
  EXPECT_EQ(Listed("b").name(), "organizations/b");
}

TEST_F(OrganizationsTest, AnOwnerMustBeAnExistingOrganization) {
  grpc::Status status = CreateProject("ghost-owned", "ghost");
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("project.owner"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("organizations/ghost is not an existing organization"));
  status = CreatePractice("ghost-owned", "ghost");
  EXPECT_THAT(ViolatedFields(status), ElementsAre("practice.owner"));
  ASSERT_TRUE(CreateProject("b-owned", "b").ok());
  status = SetProjectOwner("b-owned", "ghost");
  EXPECT_THAT(ViolatedFields(status), ElementsAre("project.owner"));

  // An editor naming another organisation is refused for that, whether the
  // organisation exists or not: the refusal tells nothing of which exist.
  const IssuedToken editor = MustCreateEditor("a");
  std::unique_ptr<v1::Catalog::Stub> catalog =
      v1::Catalog::NewStub(server_->Channel(editor.token));
  for (const std::string owner : {"b", "ghost"}) {
    v1::CreateProjectRequest r;
    r.set_project_id("by-editor");
    *r.mutable_project() = ProjectOwnedBy(owner);
    v1::Project response;
    grpc::ClientContext context;
    SetDeadline(&context);
    EXPECT_EQ(catalog->CreateProject(&context, r, &response).error_code(),
              Code::PERMISSION_DENIED)
        << owner;
  }
}

TEST_F(OrganizationsTest, UpdatesAndDeletesAreAudited) {
  ASSERT_TRUE(Update(Change("b", "B", {}, {})).ok());
  ASSERT_EQ(Update(Change("b", "", {}, {})).error_code(),
            Code::INVALID_ARGUMENT);
  ASSERT_TRUE(Delete("organizations/b").ok());
  absl::StatusOr<std::vector<v1::AuditEvent>> events = server_->AuditEvents();
  ASSERT_TRUE(events.ok()) << events.status();
  std::vector<std::string> seen;
  for (const v1::AuditEvent& e : *events) {
    if (e.resource() == "organizations/b") {
      // The method may be given bare or as "/pkg.Service/Method".
      seen.push_back(absl::StrCat(e.method().substr(e.method().rfind('/') + 1),
                                  " ", e.result()));
    }
  }
  // Newest first.
  EXPECT_THAT(seen,
              ElementsAre("DeleteOrganization OK",
                          "UpdateOrganization INVALID_ARGUMENT",
                          "UpdateOrganization OK", "CreateOrganization OK"));
}

// A city deleted while an update attaches it: DeleteCity takes the city out
// of every organisation under the graph's write lock, and the update checks
// that its cities exist under that lock, so one of the two comes first. Here
// the deletion holds the lock while the update waits for it: the update must
// find the city gone, not attach a city that no longer exists.
TEST_F(OrganizationsTest, CityDeletedWhileAnUpdateWaitsIsNotAttached) {
  CreateNapoli();
  grpc::Status status = WhileLocked(
      [&] { return Update(Change("b", "", {"napoli"}, {})); },
      [](const GraphSnapshot&) {
        // What DeleteCity applies.
        Mutation m;
        m.delete_cities.push_back("napoli");
        return m;
      },
      [&]() -> absl::Status {
        return server_->server()->tokens()->DetachCity("napoli").status();
      });
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(ViolatedFields(status), ElementsAre("add_cities[0]"));
  EXPECT_THAT(Listed("b").cities(), IsEmpty());
}

// The other order: attached first, then deleted, which detaches it.
TEST_F(OrganizationsTest, CityDeletedAfterAnUpdateAttachedItLeavesIt) {
  CreateNapoli();
  ASSERT_TRUE(Update(Change("b", "", {"napoli"}, {})).ok());
  v1::DeleteCityRequest r;
  r.set_name("cities/napoli");
  v1::DeleteResponse response;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = server_->catalog()->DeleteCity(&context, r, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(Listed("b").cities(), IsEmpty());
}

// Makes the graph store fail every city deletion, as a full disk would fail
// any write: a real SQLite error at the commit, after every check passed.
constexpr char kRefuseCityDeletes[] =
    "CREATE TRIGGER refuse_city_deletes BEFORE DELETE ON cities "
    "BEGIN SELECT RAISE(ABORT, 'no city may be deleted'); END";

// DeleteCity takes the city out of its organisations before the commit; when
// the commit fails, the city is attached to them again, in the admin store
// too, so it is still theirs after a restart.
TEST_F(OrganizationsTest, ACityWhoseDeletionFailsStaysInItsOrganizations) {
  CreateNapoli();
  ASSERT_TRUE(Update(Change("b", "", {"napoli"}, {})).ok());
  sqlite3* graph_db =
      OpenStoreFile(server_->data_dir(), SqliteStorage::kFileName);
  ASSERT_TRUE(SqliteExec(graph_db, kRefuseCityDeletes).ok());

  grpc::Status status = DeleteCity("napoli");
  EXPECT_EQ(status.error_code(), Code::UNAVAILABLE) << status.error_message();
  EXPECT_THAT(Listed("b").cities(), ElementsAre("cities/napoli"));

  ASSERT_TRUE(SqliteExec(graph_db, "DROP TRIGGER refuse_city_deletes").ok());
  sqlite3_close(graph_db);
  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_THAT(Listed("b").cities(), ElementsAre("cities/napoli"));
  // Once the store takes it, the deletion goes through, and detaches it.
  status = DeleteCity("napoli");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(Listed("b").cities(), IsEmpty());
}

// The undo of a failed DeleteCity runs under the graph's write lock, before
// any other writer gets it. Here the deletion waits for the graph store
// (another connection holds its write lock) until the test lets it fail,
// and attaching the city again waits for the admin store the same way:
// that is the time another writer would have to get in and find the city
// out of the organisation. The writer waiting meanwhile does what
// UpdateOrganization does under the lock to take the city out of b; it must
// find it there, and its change must stay, not be undone after.
TEST_F(OrganizationsTest, NoWriteComesBetweenAFailedCityDeletionAndItsUndo) {
  CreateNapoli();
  ASSERT_TRUE(Update(Change("b", "", {"napoli"}, {})).ok());
  sqlite3* graph_db =
      OpenStoreFile(server_->data_dir(), SqliteStorage::kFileName);
  sqlite3* admin_db =
      OpenStoreFile(server_->data_dir(), SqliteAdminStorage::kFileName);
  // The trigger takes effect when the deletion can commit.
  ASSERT_TRUE(SqliteExec(graph_db, "BEGIN IMMEDIATE").ok());
  ASSERT_TRUE(SqliteExec(graph_db, kRefuseCityDeletes).ok());

  grpc::Status deleted;
  std::thread deleter([&] { deleted = DeleteCity("napoli"); });
  // Once napoli is out of b, the deletion holds the write lock and waits
  // for the graph store.
  const absl::Time deadline = absl::Now() + absl::Seconds(4);
  while (!Listed("b").cities().empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_THAT(Listed("b").cities(), IsEmpty());
  EXPECT_TRUE(SqliteExec(admin_db, "BEGIN IMMEDIATE").ok());

  absl::Notification writer_in;
  std::thread writer([&] {
    absl::StatusOr<std::shared_ptr<const GraphSnapshot>> applied =
        server_->server()->store()->ApplyFrom(
            [&](const GraphSnapshot&) -> absl::StatusOr<Mutation> {
              writer_in.Notify();
              absl::StatusOr<OrganizationRecord> updated =
                  server_->server()->tokens()->UpdateOrganization("b", "", {},
                                                                  {"napoli"});
              if (!updated.ok()) return updated.status();
              return Mutation();
            });
    EXPECT_TRUE(applied.ok()) << applied.status();
  });
  // The deletion fails now, and waits to attach napoli to b again.
  EXPECT_TRUE(SqliteExec(graph_db, "COMMIT").ok());
  EXPECT_FALSE(writer_in.WaitForNotificationWithTimeout(absl::Seconds(1)))
      << "a write got the lock between the failed deletion and its undo";
  EXPECT_TRUE(SqliteExec(admin_db, "ROLLBACK").ok());
  deleter.join();
  writer.join();
  sqlite3_close(admin_db);
  sqlite3_close(graph_db);

  EXPECT_EQ(deleted.error_code(), Code::UNAVAILABLE) << deleted.error_message();
  // Napoli came back to b before the writer took it out, not after.
  EXPECT_THAT(Listed("b").cities(), IsEmpty());
  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_THAT(Listed("b").cities(), IsEmpty());
}

// A project given to an organisation while it is being deleted: the delete
// holds the lock here, and the create, which checked the owner before
// waiting, must check it again under the lock and be refused.
TEST_F(OrganizationsTest, OrganizationDeletedWhileACreateWaitsOwnsNothing) {
  grpc::Status status = WhileLocked(
      [&] { return CreateProject("b-late", "b"); },
      [&](const GraphSnapshot&) {
        // What DeleteOrganization does under the lock.
        EXPECT_TRUE(server_->server()->tokens()->DeleteOrganization("b").ok());
        return Mutation();
      });
  EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(ViolatedFields(status), ElementsAre("project.owner"));
  v1::GetProjectRequest r;
  r.set_name("projects/b-late");
  v1::Project project;
  grpc::ClientContext context;
  SetDeadline(&context);
  EXPECT_EQ(server_->catalog()->GetProject(&context, r, &project).error_code(),
            Code::NOT_FOUND);
}

// The other way round: a project of the organisation committed while the
// delete waits for the lock; the delete must see it and refuse.
TEST_F(OrganizationsTest, ProjectCreatedWhileADeleteWaitsBlocksIt) {
  grpc::Status status = WhileLocked([&] { return Delete("organizations/b"); },
                                    [](const GraphSnapshot& graph) {
                                      Project p =
                                          *graph.FindProject("urbact-arrival");
                                      p.id = "b-early";
                                      p.owner = "b";
                                      Mutation m;
                                      m.put_projects.push_back(p);
                                      return m;
                                    });
  EXPECT_EQ(status.error_code(), Code::FAILED_PRECONDITION)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("1 project (e.g. b-early)"));
  EXPECT_EQ(Listed("b").name(), "organizations/b");
}

// A project handed to another organisation while its former owner's editor
// deletes it: the delete checked the owner before waiting for the lock, and
// must check it again under the lock and be refused.
TEST_F(OrganizationsTest, ProjectHandedOverWhileAnEditorsDeleteWaitsStays) {
  ASSERT_TRUE(CreateProject("a-handed", "a").ok());
  const IssuedToken editor = MustCreateEditor("a");
  std::unique_ptr<v1::Catalog::Stub> catalog =
      v1::Catalog::NewStub(server_->Channel(editor.token));
  grpc::Status status = WhileLocked(
      [&] {
        v1::DeleteProjectRequest r;
        r.set_name("projects/a-handed");
        v1::DeleteResponse response;
        grpc::ClientContext context;
        SetDeadline(&context);
        return catalog->DeleteProject(&context, r, &response);
      },
      [](const GraphSnapshot& graph) {
        // What UpdateProject --owner b applies.
        Project p = *graph.FindProject("a-handed");
        p.owner = "b";
        Mutation m;
        m.put_projects.push_back(p);
        return m;
      });
  EXPECT_EQ(status.error_code(), Code::PERMISSION_DENIED)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("organizations/b"));
  const Project* kept =
      server_->server()->store()->Snapshot()->FindProject("a-handed");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->owner, "b");
}

}  // namespace
}  // namespace citymatch
