#include "graph/storage/sqlite_backup.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "graph/storage/sqlite_admin_storage.h"
#include "graph/storage/sqlite_storage.h"
#include "graph/storage/sqlite_util.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_data.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A store in `dir`: the sample graph as version 1, one organisation.
void MakeStore(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<SqliteStorage>> graph =
      SqliteStorage::Open(dir);
  ASSERT_TRUE(graph.ok()) << graph.status();
  Mutation seed;
  Dataset data = testing::SampleDataset();
  seed.put_cities = data.cities;
  seed.put_projects = data.projects;
  seed.put_practices = data.practices;
  seed.put_twinnings = data.twinnings;
  ASSERT_TRUE((*graph)->Apply(seed, 1).ok());
  absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> admin =
      SqliteAdminStorage::Open(dir);
  ASSERT_TRUE(admin.ok()) << admin.status();
  OrganizationRecord org;
  org.id = "comune-milano";
  org.display_name = "Comune di Milano";
  ASSERT_TRUE((*admin)->InsertOrganization(org).ok());
}

TEST(SqliteBackupTest, ABackupHoldsBothStoresAndLoads) {
  testing::TempDir data, backups;
  MakeStore(data.File("store"));
  if (HasFatalFailure()) return;
  absl::StatusOr<DataDirBackup> backup =
      BackupDataDir(data.File("store"), backups.File("b"));
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_EQ(backup->graph_version, 1);
  EXPECT_EQ(backup->cities, 8);
  EXPECT_EQ(backup->projects, 4);
  EXPECT_EQ(backup->organizations, 1);
  EXPECT_TRUE(fs::exists(backups.File("b/citymatch.db")));
  EXPECT_TRUE(fs::exists(backups.File("b/admin.db")));
  // Nothing is left beside it.
  EXPECT_EQ(testing::FileNames(backups.path()), std::vector<std::string>{"b"});
}

// The copy is marked so that the first server on it moves its version on;
// the store it was copied from is not, nor is the copy once moved.
TEST(SqliteBackupTest, OnlyTheCopyMovesItsVersionOnAndOnlyOnce) {
  testing::TempDir data, backups;
  MakeStore(data.File("store"));
  if (HasFatalFailure()) return;
  ASSERT_TRUE(BackupDataDir(data.File("store"), backups.File("b")).ok());
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> original =
        SqliteStorage::Open(data.File("store"));
    ASSERT_TRUE(original.ok()) << original.status();
    EXPECT_EQ((*original)->AdvanceBackupCopy(1000).value_or(-1), 0);
    EXPECT_EQ((*original)->Load()->version, 1);
  }
  absl::StatusOr<std::unique_ptr<SqliteStorage>> copy =
      SqliteStorage::Open(backups.File("b"));
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ((*copy)->AdvanceBackupCopy(1000).value_or(-1), 1000);
  EXPECT_EQ((*copy)->Load()->version, 1000);
  EXPECT_EQ((*copy)->AdvanceBackupCopy(5000).value_or(-1), 0);
  EXPECT_EQ((*copy)->Load()->version, 1000);
  // A floor below the version still moves it on by one.
  ASSERT_TRUE((*copy)->MarkBackupCopy().ok());
  EXPECT_EQ((*copy)->AdvanceBackupCopy(10).value_or(-1), 1001);
}

TEST(SqliteBackupTest, AFailedBackupLeavesNothingBehind) {
  testing::TempDir data, backups;
  MakeStore(data.File("store"));
  if (HasFatalFailure()) return;
  // The admin store is missing: the graph, copied first, must not stay.
  fs::remove(data.File("store/admin.db"));
  absl::StatusOr<DataDirBackup> backup =
      BackupDataDir(data.File("store"), backups.File("b"));
  EXPECT_EQ(backup.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(testing::FileNames(backups.path()), IsEmpty());
}

TEST(SqliteBackupTest, ABackupNeverOverwritesOne) {
  testing::TempDir data, backups;
  MakeStore(data.File("store"));
  if (HasFatalFailure()) return;
  ASSERT_TRUE(BackupDataDir(data.File("store"), backups.File("b")).ok());
  absl::StatusOr<DataDirBackup> again =
      BackupDataDir(data.File("store"), backups.File("b"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(testing::FileNames(backups.path()), std::vector<std::string>{"b"});
  // An empty directory made for it is fine.
  fs::create_directory(backups.File("empty"));
  EXPECT_TRUE(BackupDataDir(data.File("store"), backups.File("empty")).ok());
}

// A store written by an earlier build, which this one has not opened yet
// (a backup taken right after an upgrade), is copied, and the copy is
// brought to this build's schema.
TEST(SqliteBackupTest, AStoreOfAnEarlierSchemaIsBackedUp) {
  testing::TempDir data, backups;
  MakeStore(data.File("store"));
  if (HasFatalFailure()) return;
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
        SqliteStorage::Open(data.File("store"));
    ASSERT_TRUE(storage.ok()) << storage.status();
    ASSERT_TRUE(SqliteExec((*storage)->db(),
                           "DROP TABLE requests; PRAGMA user_version = 1")
                    .ok());
  }
  absl::StatusOr<DataDirBackup> backup =
      BackupDataDir(data.File("store"), backups.File("b"));
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_GT(backup->cities, 0);
  absl::StatusOr<std::unique_ptr<SqliteStorage>> copy =
      SqliteStorage::Open(backups.File("b"));
  ASSERT_TRUE(copy.ok()) << copy.status();
  SqliteStatement version((*copy)->db(), "PRAGMA user_version");
  ASSERT_TRUE(version.Step());
  EXPECT_EQ(version.Int(0), SqliteStorage::kSchemaVersion);
}

TEST(SqliteBackupTest, AnSqliteFileThatIsNotAStoreIsRefused) {
  testing::TempDir data, backups;
  MakeStore(data.File("store"));
  if (HasFatalFailure()) return;
  // Any SQLite database copies; only a citymatch store restores.
  fs::remove(data.File("store/admin.db"));
  fs::copy_file(data.File("store/citymatch.db"), data.File("store/admin.db"));
  absl::StatusOr<DataDirBackup> backup =
      BackupDataDir(data.File("store"), backups.File("b"));
  EXPECT_EQ(backup.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(backup.status().message(),
              HasSubstr("is not a citymatch store of this build"));
  EXPECT_THAT(testing::FileNames(backups.path()), IsEmpty());
}

}  // namespace
}  // namespace citymatch
