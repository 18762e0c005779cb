// The real server binary keeps its data directory to its own user: the
// admin store (token hashes, audit log) and the graph store are 0600, WAL
// files included, and a data directory the server creates is 0700. An
// existing store that others may read is made 0600 at start, and the server
// says so.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/security/security_testing.h"
#include "tests/testing/sample_data.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::citymatch::testing::ReadFileBytes;
using ::citymatch::testing::SampleFiles;
using ::citymatch::testing::ServerProcess;
using ::citymatch::testing::StderrToFile;
using ::citymatch::testing::TempDir;
using ::testing::HasSubstr;

// The permission bits of `path` in octal ("600"); "missing" if none.
std::string Mode(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) return "missing";
  std::ostringstream out;
  out << std::oct << (info.st_mode & 07777);
  return out.str();
}

// Stops `server` with SIGTERM and expects a clean exit.
void Stop(ServerProcess* server) {
  server->Kill(SIGTERM);
  absl::StatusOr<int> exit = server->Wait();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0) << *exit;
}

TEST(DataDirModesTest, AFreshServerKeepsItsStoreToItsUser) {
  TempDir root, seed;
  seed.WriteAll(SampleFiles());
  const std::string dir = root.File("data");
  ServerProcess server(dir, {"--seed_dir=" + seed.path()});
  const absl::Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started;

  EXPECT_EQ(Mode(dir), "700");
  EXPECT_EQ(Mode(dir + "/admin.token"), "600");
  EXPECT_EQ(Mode(dir + "/LOCK"), "600");
  // While it runs, each store has its WAL and shared-memory index beside it
  // (the seed wrote the graph, the bootstrap token the admin store).
  for (const char* file : {"admin.db", "citymatch.db"}) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const std::string path = absl::StrCat(dir, "/", file, suffix);
      EXPECT_EQ(Mode(path), "600") << path;
    }
  }
  Stop(&server);
}

TEST(DataDirModesTest, ADataDirectoryTheOperatorMadeKeepsItsMode) {
  TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0750), 0);
  ServerProcess server(dir.path());
  const absl::Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started;
  EXPECT_EQ(Mode(dir.path()), "750");
  EXPECT_EQ(Mode(dir.File("admin.db")), "600");
  EXPECT_EQ(Mode(dir.File("citymatch.db")), "600");
  Stop(&server);
}

TEST(DataDirModesTest, ReadableStoresAreMadePrivateAtStart) {
  TempDir dir, logs;
  {
    ServerProcess first(dir.path());
    const absl::Status started = first.Start();
    ASSERT_TRUE(started.ok()) << started;
    Stop(&first);
  }
  // As stores made by an earlier version, or copied in with cp, are.
  const std::vector<std::string> stores = {dir.File("admin.db"),
                                           dir.File("citymatch.db")};
  for (const std::string& store : stores) {
    ASSERT_EQ(::chmod(store.c_str(), 0644), 0) << store;
  }

  const std::string log_path = logs.File("server.log");
  {
    StderrToFile capture(log_path);
    ASSERT_TRUE(capture.ok());
    ServerProcess again(dir.path());
    const absl::Status started = again.Start();
    capture.Restore();
    ASSERT_TRUE(started.ok()) << started << "\n" << ReadFileBytes(log_path);
    for (const std::string& store : stores) {
      EXPECT_EQ(Mode(store), "600") << store;
    }
    Stop(&again);
  }
  const std::string log = ReadFileBytes(log_path);
  for (const std::string& store : stores) {
    EXPECT_THAT(
        log, HasSubstr(store + " was readable by other users (mode 0644); set "
                               "it to 0600"));
  }
}

}  // namespace
}  // namespace citymatch
