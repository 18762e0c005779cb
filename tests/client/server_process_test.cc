// Tests of ServerProcess, the test harness that runs the real
// citymatch-server: it must find the port, deliver signals, report how the
// server ended, and let a test restart a server on the same data.
#include "tests/testing/server_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/cli_runner.h"
#include "tests/testing/sample_data.h"
#include "tests/testing/temp_dir.h"

namespace citymatch::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The admin token the server wrote into `data_dir`, if any, as CLI env.
std::map<std::string, std::string> TokenEnv(const TempDir& data_dir) {
  std::ifstream in(data_dir.File("admin.token"));
  std::string token;
  if (in >> token) return {{"CITYMATCH_TOKEN", token}};
  return {};
}

TEST(ServerProcessTest, StartsOnAFreePortAndStopsCleanlyOnSigterm) {
  TempDir data;
  ServerProcess server(data.path());
  ASSERT_TRUE(server.Start().ok());
  EXPECT_GT(server.port(), 0);
  EXPECT_EQ(server.address(), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_GT(server.pid(), 0);
  EXPECT_TRUE(std::filesystem::exists(data.File("citymatch.db")));

  server.Kill(SIGTERM);
  absl::StatusOr<int> status = server.Wait();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_EQ(server.pid(), -1);
}

TEST(ServerProcessTest, TwoServersGetDifferentPorts) {
  TempDir a, b;
  ServerProcess first(a.path()), second(b.path());
  ASSERT_TRUE(first.Start().ok());
  ASSERT_TRUE(second.Start().ok());
  EXPECT_NE(first.port(), second.port());
}

TEST(ServerProcessTest, WritesSurviveSigkillAndRestartOnTheSameDataDir) {
  TempDir seed, data;
  seed.WriteAll(SampleFiles());
  ServerProcess server(data.path(), {"--seed_dir=" + seed.path()});
  ASSERT_TRUE(server.Start().ok());
  const std::map<std::string, std::string> env = TokenEnv(data);
  const CliResult created = RunCli(
      {"--server", server.address(), "cities", "create", "nantes", "--name",
       "Nantes", "--country", "FR", "--lat", "47.2", "--lon", "-1.55"},
      env);
  ASSERT_EQ(created.exit_code, 0) << created;

  // An acknowledged write is on disk: a crash right after loses nothing.
  server.Kill(SIGKILL);
  absl::StatusOr<int> status = server.Wait();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WIFSIGNALED(*status));
  EXPECT_EQ(WTERMSIG(*status), SIGKILL);

  ASSERT_TRUE(server.Start().ok());
  const CliResult got =
      RunCli({"--server", server.address(), "cities", "get", "nantes"}, env);
  EXPECT_EQ(got.exit_code, 0) << got;
  EXPECT_THAT(got.out, HasSubstr("Nantes"));
  // The seed is not imported twice over the existing store.
  const CliResult milano =
      RunCli({"--server", server.address(), "cities", "get", "milano"}, env);
  EXPECT_EQ(milano.exit_code, 0) << milano;
}

TEST(ServerProcessTest, StartReportsAServerThatExitsBeforeListening) {
  TempDir seed, data;
  seed.Write("cities.csv",
             "id,name,country,lat,lon,population\n"
             "nowhere,Nowhere,ZZ,0,0,0\n");
  ServerProcess server(data.path(), {"--seed_dir=" + seed.path()});
  const absl::Status started = server.Start();
  EXPECT_EQ(started.code(), absl::StatusCode::kInternal) << started;
  EXPECT_THAT(std::string(started.message()), HasSubstr("exit code 1"));
  EXPECT_EQ(server.pid(), -1);
}

TEST(ServerProcessTest, StartTwiceWhileRunningIsRefused) {
  TempDir data;
  ServerProcess server(data.path());
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(server.Start().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(server.Wait(absl::Milliseconds(50)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace citymatch::testing
