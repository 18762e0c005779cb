// The modes of the files and directories the stores create, and the admin
// store's repair of a file that other users may read.
#include "graph/storage/file_modes.h"

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/storage/data_dir_lock.h"
#include "graph/storage/sqlite_admin_storage.h"
#include "graph/storage/sqlite_backup.h"
#include "graph/storage/sqlite_storage.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "tests/testing/sample_data.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The permission bits of `path`; -1 if it does not exist.
int Mode(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) return -1;
  return static_cast<int>(info.st_mode & 07777);
}

std::string Octal(int mode) {
  std::ostringstream out;
  out << std::oct << mode;
  return out.str();
}

// Routes spdlog's default logger into a string while alive.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

// Writes to both stores of `dir`, so that each has its -wal and -shm file.
void WriteBoth(SqliteStorage* graph, SqliteAdminStorage* admin) {
  Mutation seed;
  seed.put_cities = testing::SampleDataset().cities;
  ASSERT_TRUE(graph->Apply(seed, 1).ok());
  AuditRecord event;
  event.time_ms = 1;
  event.method = "CreateCity";
  event.result = "OK";
  ASSERT_TRUE(admin->AppendAudit(event).ok());
}

TEST(FileModesTest, NewStoresAndTheirWalFilesAreOwnerOnly) {
  testing::TempDir root;
  const std::string dir = root.File("store");
  absl::StatusOr<std::unique_ptr<SqliteStorage>> graph =
      SqliteStorage::Open(dir);
  ASSERT_TRUE(graph.ok()) << graph.status();
  absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> admin =
      SqliteAdminStorage::Open(dir);
  ASSERT_TRUE(admin.ok()) << admin.status();
  WriteBoth(graph->get(), admin->get());
  if (HasFatalFailure()) return;

  EXPECT_EQ(Octal(Mode(dir)), "700");
  for (const char* db :
       {SqliteStorage::kFileName, SqliteAdminStorage::kFileName}) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const std::string path = absl::StrCat(dir, "/", db, suffix);
      EXPECT_EQ(Octal(Mode(path)), "600") << path;
    }
  }
}

TEST(FileModesTest, AnExistingDirectoryKeepsTheModeItsOwnerGaveIt) {
  testing::TempDir root;
  ASSERT_EQ(::chmod(root.path().c_str(), 0751), 0);
  ASSERT_TRUE(DataDirLock::Acquire(root.path()).ok());
  ASSERT_TRUE(SqliteAdminStorage::Open(root.path()).ok());
  EXPECT_EQ(Octal(Mode(root.path())), "751");
  EXPECT_EQ(Octal(Mode(root.File(SqliteAdminStorage::kFileName))), "600");
}

TEST(FileModesTest, TheLockCreatesAMissingDataDirectoryOwnerOnly) {
  testing::TempDir root;
  // With a trailing slash, as a shell's completion writes it.
  absl::StatusOr<std::unique_ptr<DataDirLock>> lock =
      DataDirLock::Acquire(root.File("parent/data/"));
  ASSERT_TRUE(lock.ok()) << lock.status();
  EXPECT_EQ(Octal(Mode(root.File("parent/data"))), "700");
  // A parent is made as mkdir -p makes one: not the store's to restrict.
  EXPECT_NE(Mode(root.File("parent")), -1);
}

TEST(FileModesTest, APathThatIsAFileIsNoDirectory) {
  testing::TempDir root;
  root.Write("plain", "x");
  const absl::Status status = CreateOwnerOnlyDirectory(root.File("plain"));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(root.File("plain")));
}

TEST(FileModesTest, AReadableAdminStoreIsMadeOwnerOnlyWhenOpened) {
  testing::TempDir root;
  const std::string db = root.File(SqliteAdminStorage::kFileName);
  {
    absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> admin =
        SqliteAdminStorage::Open(root.path());
    ASSERT_TRUE(admin.ok()) << admin.status();
  }
  // As a store made before, or copied in with cp under umask 022, is; with
  // the empty WAL a crashed server may leave.
  ASSERT_EQ(::chmod(db.c_str(), 0644), 0);
  root.Write(absl::StrCat(SqliteAdminStorage::kFileName, "-wal"), "");
  ASSERT_EQ(::chmod((db + "-wal").c_str(), 0664), 0);

  CapturedLog log;
  absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> admin =
      SqliteAdminStorage::Open(root.path());
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(Octal(Mode(db)), "600");
  EXPECT_EQ(Octal(Mode(db + "-wal")), "600");
  EXPECT_THAT(log.text(),
              HasSubstr(db + " was readable by other users (mode 0644); set "
                             "it to 0600"));
  EXPECT_THAT(log.text(), HasSubstr(db + "-wal was readable by other users "
                                         "(mode 0664)"));

  // Once private, opening it again says nothing.
  admin->reset();
  CapturedLog quiet;
  ASSERT_TRUE(SqliteAdminStorage::Open(root.path()).ok());
  EXPECT_THAT(quiet.text(), IsEmpty());
}

TEST(FileModesTest, TheCopiesOfABackupAreOwnerOnly) {
  testing::TempDir data, backups;
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> graph =
        SqliteStorage::Open(data.path());
    ASSERT_TRUE(graph.ok()) << graph.status();
    absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> admin =
        SqliteAdminStorage::Open(data.path());
    ASSERT_TRUE(admin.ok()) << admin.status();
    WriteBoth(graph->get(), admin->get());
    if (HasFatalFailure()) return;
  }
  CapturedLog log;
  absl::StatusOr<DataDirBackup> backup =
      BackupDataDir(data.path(), backups.File("b"));
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_EQ(Octal(Mode(backups.File("b"))), "700");
  EXPECT_EQ(Octal(Mode(backups.File("b/citymatch.db"))), "600");
  EXPECT_EQ(Octal(Mode(backups.File("b/admin.db"))), "600");
  // Made private from the start, not repaired when the copy is loaded.
  EXPECT_THAT(log.text(), IsEmpty());
}

}  // namespace
}  // namespace citymatch
