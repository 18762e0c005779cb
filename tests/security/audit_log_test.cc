// The audit log's promise, through a real server in the process: no write is
// made that the log does not show. A write is recorded as "PENDING" before it
// is made and gets its result after; when the log cannot be written, the
// write is refused and nothing changes.
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
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
using ::citymatch::testing::OpenStoreFile;
using ::citymatch::testing::ProjectOwnedBy;
using ::citymatch::testing::SecuredServer;
using ::citymatch::testing::SetDeadline;
using ::citymatch::testing::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using Code = grpc::StatusCode;

// Holds admin.db's write lock from a second connection, as another process
// (a backup tool, an operator's sqlite3 shell) can: the server's audit
// writes then fail once their busy timeout runs out. Returns the
// connection, for ReleaseAdminDb.
sqlite3* LockAdminDb(const std::string& data_dir) {
  sqlite3* db = OpenStoreFile(data_dir, SqliteAdminStorage::kFileName);
  EXPECT_TRUE(SqliteExec(db, "BEGIN IMMEDIATE").ok());
  return db;
}

void ReleaseAdminDb(sqlite3* db) {
  EXPECT_TRUE(SqliteExec(db, "ROLLBACK").ok());
  sqlite3_close(db);
}

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

// A refused write records the name the client sent, cut to 512 bytes with
// its marker, on a character boundary.
TEST_F(AuditLogTest, LongResourceNameIsCutTo512Bytes) {
  for (const std::string& unit : {std::string("a"), std::string("\u00e9")}) {
    std::string name = "projects/";
    for (int i = 0; i < 2000; ++i) name += unit;
    v1::DeleteProjectRequest request;
    request.set_name(name);
    v1::DeleteResponse deleted;
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_FALSE(
        server_->catalog()->DeleteProject(&context, request, &deleted).ok());
    const std::string recorded = Newest().resource();
    EXPECT_LE(recorded.size(), 512u) << unit;
    EXPECT_GE(recorded.size(), 509u) << unit;
    EXPECT_TRUE(absl::EndsWith(recorded, "\u2026")) << recorded;
    EXPECT_TRUE(absl::StartsWith(name, recorded.substr(0, recorded.size() - 3)))
        << recorded;
  }
}

// A resource is recorded as the request named it, and a refused request
// may name anything: control characters are recorded escaped, so that a
// name cannot start a line of its own in `citymatch audit` (one that reads
// as another token's event) or send a terminal escape sequence.
TEST_F(AuditLogTest, ControlCharactersOfAResourceAreRecordedEscaped) {
  const std::string forged =
      "projects/x\n2026-01-01T00:00:00Z  0000000000000000  ADMIN  "
      "DeleteProject  projects/y  OK\r\t\x1b[2J\x7f\u009b\\ München";
  v1::DeleteProjectRequest request;
  request.set_name(forged);
  v1::DeleteResponse deleted;
  grpc::ClientContext context;
  SetDeadline(&context);
  ASSERT_FALSE(
      server_->catalog()->DeleteProject(&context, request, &deleted).ok());
  EXPECT_EQ(Newest().resource(),
            "projects/x\\n2026-01-01T00:00:00Z  0000000000000000  ADMIN  "
            "DeleteProject  projects/y  OK\\r\\t\\x1b[2J\\x7f\\u009b\\\\ "
            "München");
}

TEST_F(AuditLogTest, WriteIsRefusedWhenTheLogCannotBeWritten) {
  sqlite3* admin_db = LockAdminDb(server_->data_dir());
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
  sqlite3* admin_db = LockAdminDb(server_->data_dir());
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

// A validate-only import writes nothing, so it is not in the log: an
// "ImportDataset OK" there says that a data set was applied.
TEST_F(AuditLogTest, ValidateOnlyImportIsNotRecorded) {
  const std::map<std::string, std::string> files = {
      {"cities.csv",
       "id,name,country,lat,lon,population\n"
       "gent,Gent,BE,51.05,3.72,263000\n"},
  };
  absl::StatusOr<std::vector<v1::AuditEvent>> before = server_->AuditEvents();
  ASSERT_TRUE(before.ok()) << before.status();
  v1::ImportDatasetResponse response;
  grpc::Status checked = ImportFiles(server_->catalog(), files, &response,
                                     /*validate_only=*/true);
  ASSERT_TRUE(checked.ok()) << checked.error_message();
  grpc::Status bad = ImportFiles(server_->catalog(),
                                 {{"cities.csv", "id,name\nx\n"}}, &response,
                                 /*validate_only=*/true);
  ASSERT_EQ(bad.error_code(), Code::INVALID_ARGUMENT) << bad.error_message();
  absl::StatusOr<std::vector<v1::AuditEvent>> after = server_->AuditEvents();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->size(), before->size()) << after->front().DebugString();

  ASSERT_TRUE(ImportFiles(server_->catalog(), files, &response).ok());
  const v1::AuditEvent imported = Newest();
  EXPECT_THAT(imported.method(), HasSubstr("ImportDataset"));
  EXPECT_EQ(imported.result(), "OK");
}

// The ADMIN token a start makes is audited before it is stored, like any
// write: when the event cannot be written, the start is refused and no token
// is made. A first start then leaves no token and no admin.token, and the
// next start makes both.
TEST(AuditLogStartTest, FirstStartMakesNoAdminTokenWhenTheLogCannotBeWritten) {
  TempDir data;
  const std::string dir = data.File("store");
  // admin.db as a start that stopped before the token leaves it: no token.
  ASSERT_TRUE(SqliteAdminStorage::Open(dir).ok());
  ServerOptions options;
  options.data_dir = dir;
  options.grpc_addr = "127.0.0.1:0";
  options.drain_notice = absl::ZeroDuration();
  sqlite3* admin_db = LockAdminDb(dir);
  absl::StatusOr<std::unique_ptr<Server>> refused =
      Server::BuildAndStart(options);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(refused.status().message()),
              AllOf(HasSubstr("BootstrapAdminToken"), HasSubstr("audit log"),
                    HasSubstr("nothing was changed")));
  ReleaseAdminDb(admin_db);
  EXPECT_FALSE(std::filesystem::exists(dir + "/admin.token"));
  {
    absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> admin =
        SqliteAdminStorage::Open(dir);
    ASSERT_TRUE(admin.ok()) << admin.status();
    absl::StatusOr<std::vector<TokenRecord>> tokens = (*admin)->LoadTokens();
    ASSERT_TRUE(tokens.ok()) << tokens.status();
    EXPECT_TRUE(tokens->empty());
  }

  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::BuildAndStart(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_TRUE(std::filesystem::exists(dir + "/admin.token"));
  const std::vector<TokenRecord> tokens = (*server)->tokens()->Tokens();
  (*server)->Shutdown(absl::ZeroDuration());
  ASSERT_EQ(tokens.size(), 1u);
  absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> admin =
      SqliteAdminStorage::Open(dir);
  ASSERT_TRUE(admin.ok()) << admin.status();
  absl::StatusOr<std::vector<AuditRecord>> events = (*admin)->ListAudit(0, 10);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].method, "BootstrapAdminToken");
  EXPECT_EQ((*events)[0].resource, "tokens/" + tokens[0].id);
  EXPECT_EQ((*events)[0].token_id, tokens[0].id);
  EXPECT_EQ((*events)[0].result, "OK");
}

TEST_F(AuditLogTest, NewAdminTokenIsNotMadeWhenTheLogCannotBeWritten) {
  const std::string admin_token = server_->AdminToken();
  const size_t tokens = server_->server()->tokens()->Tokens().size();
  server_->Shutdown();
  ServerOptions options;
  options.data_dir = server_->data_dir();
  options.grpc_addr = "127.0.0.1:0";
  options.drain_notice = absl::ZeroDuration();
  options.new_admin_token = true;
  sqlite3* admin_db = LockAdminDb(server_->data_dir());
  absl::StatusOr<std::unique_ptr<Server>> refused =
      Server::BuildAndStart(options);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(refused.status().message()),
              AllOf(HasSubstr("NewAdminToken"), HasSubstr("audit log"),
                    HasSubstr("nothing was changed")));
  ReleaseAdminDb(admin_db);
  // admin.token still holds the token that works, and no other was stored.
  EXPECT_EQ(server_->AdminToken(), admin_token);
  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_EQ(server_->server()->tokens()->Tokens().size(), tokens);
  absl::StatusOr<std::vector<v1::AuditEvent>> events = server_->AuditEvents();
  ASSERT_TRUE(events.ok()) << events.status();
  for (const v1::AuditEvent& e : *events) {
    EXPECT_THAT(e.method(), Not(HasSubstr("NewAdminToken"))) << e.resource();
  }
}

}  // namespace
}  // namespace citymatch
