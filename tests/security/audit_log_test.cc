// The audit log's promise, through a real server in the process: no write is
// made that the log does not show. A write is recorded as "PENDING" before it
// is made and gets its result after; when the log cannot be written, the
// write is refused and nothing changes.
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "graph/storage/sqlite_admin_storage.h"
#include "graph/storage/sqlite_util.h"
#include "gtest/gtest.h"
#include "sqlite3.h"
#include "tests/security/security_testing.h"
#include "tests/server/in_process_server.h"

namespace citymatch {
namespace {

using ::citymatch::testing::ImportFiles;
using ::citymatch::testing::ProjectOwnedBy;
using ::citymatch::testing::SecuredServer;
using ::citymatch::testing::SetDeadline;
using ::testing::HasSubstr;
using Code = grpc::StatusCode;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<SecuredServer>> server =
        SecuredServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  grpc::Status CreateProject(const std::string& id) {
    v1::CreateProjectRequest request;
    request.set_project_id(id);
    *request.mutable_project() = ProjectOwnedBy("");
    v1::Project created;
    grpc::ClientContext context;
    SetDeadline(&context, absl::Seconds(30));
    return server_->catalog()->CreateProject(&context, request, &created);
  }

  grpc::StatusCode GetProject(const std::string& id) {
    v1::GetProjectRequest request;
    request.set_name("projects/" + id);
    v1::Project project;
    grpc::ClientContext context;
    SetDeadline(&context);
    return server_->catalog()
        ->GetProject(&context, request, &project)
        .error_code();
  }

  // The newest audit event.
  v1::AuditEvent Newest() {
    absl::StatusOr<std::vector<v1::AuditEvent>> events = server_->AuditEvents();
    EXPECT_TRUE(events.ok()) << events.status();
    if (!events.ok() || events->empty()) return v1::AuditEvent();
    return events->front();
  }

  // Events on `resource`, newest first.
  std::vector<v1::AuditEvent> EventsOn(const std::string& resource) {
    absl::StatusOr<std::vector<v1::AuditEvent>> events = server_->AuditEvents();
    EXPECT_TRUE(events.ok()) << events.status();
    std::vector<v1::AuditEvent> out;
    if (!events.ok()) return out;
    for (const v1::AuditEvent& e : *events) {
      if (e.resource() == resource) out.push_back(e);
    }
    return out;
  }

  // Holds admin.db's write lock from a second connection, as another
  // process (a backup tool, an operator's sqlite3 shell) can: the server's
  // audit writes then fail once their busy timeout runs out. Returns the
  // connection, for ReleaseAdminDb.
  sqlite3* LockAdminDb() {
    sqlite3* db = server_->OpenStoreFile(SqliteAdminStorage::kFileName);
    EXPECT_TRUE(SqliteExec(db, "BEGIN IMMEDIATE").ok());
    return db;
  }
  static void ReleaseAdminDb(sqlite3* db) {
    EXPECT_TRUE(SqliteExec(db, "ROLLBACK").ok());
    sqlite3_close(db);
  }

  std::unique_ptr<SecuredServer> server_;
};

TEST_F(AuditLogTest, WriteIsRecordedAsPendingBeforeItIsMade) {
  // The graph's write lock is held, so the call stops inside its write.
  absl::Notification held, go;
  std::thread holder([&] {
    absl::StatusOr<std::shared_ptr<const GraphSnapshot>> applied =
        server_->server()->store()->ApplyFrom(
            [&](const GraphSnapshot&) -> absl::StatusOr<Mutation> {
              held.Notify();
              go.WaitForNotification();
              return Mutation();
            });
    EXPECT_TRUE(applied.ok()) << applied.status();
  });
  held.WaitForNotification();
  grpc::Status status;
  std::thread caller([&] { status = CreateProject("audited-first"); });
  absl::SleepFor(absl::Milliseconds(300));

  const v1::AuditEvent pending = Newest();
  EXPECT_THAT(pending.method(), HasSubstr("CreateProject"));
  EXPECT_EQ(pending.resource(), "projects/audited-first");
  EXPECT_EQ(pending.result(), "PENDING");
  EXPECT_EQ(GetProject("audited-first"), Code::NOT_FOUND);

  go.Notify();
  holder.join();
  caller.join();
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::vector<v1::AuditEvent> events = EventsOn("projects/audited-first");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].sequence(), pending.sequence());
  EXPECT_EQ(events[0].result(), "OK");
}

TEST_F(AuditLogTest, WriteIsRefusedWhenTheLogCannotBeWritten) {
  sqlite3* admin_db = LockAdminDb();
  grpc::Status refused = CreateProject("unaudited");
  EXPECT_EQ(refused.error_code(), Code::UNAVAILABLE);
  EXPECT_THAT(refused.error_message(), HasSubstr("audit log"));
  EXPECT_THAT(refused.error_message(), HasSubstr("nothing was changed"));
  EXPECT_EQ(GetProject("unaudited"), Code::NOT_FOUND);
  ReleaseAdminDb(admin_db);
  // Once the log can be written again, so can the graph.
  grpc::Status status = CreateProject("unaudited");
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::vector<v1::AuditEvent> events = EventsOn("projects/unaudited");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].result(), "OK");
}

TEST_F(AuditLogTest, ImportIsRefusedWhenTheLogCannotBeWritten) {
  const std::map<std::string, std::string> files = {
      {"cities.csv",
       "id,name,country,lat,lon,population\n"
       "gent,Gent,BE,51.05,3.72,263000\n"},
  };
  v1::ImportDatasetResponse response;
  sqlite3* admin_db = LockAdminDb();
  grpc::Status refused = ImportFiles(server_->catalog(), files, &response);
  EXPECT_EQ(refused.error_code(), Code::UNAVAILABLE);
  EXPECT_THAT(refused.error_message(), HasSubstr("audit log"));
  ReleaseAdminDb(admin_db);
  v1::GetCityRequest get;
  get.set_name("cities/gent");
  v1::City city;
  grpc::ClientContext context;
  SetDeadline(&context);
  EXPECT_EQ(server_->catalog()->GetCity(&context, get, &city).error_code(),
            Code::NOT_FOUND);

  grpc::Status status = ImportFiles(server_->catalog(), files, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::AuditEvent imported = Newest();
  EXPECT_THAT(imported.method(), HasSubstr("ImportDataset"));
  EXPECT_EQ(imported.result(), "OK");
}

}  // namespace
}  // namespace citymatch
