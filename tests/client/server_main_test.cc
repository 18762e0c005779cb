// citymatch-server run as a binary, for what only its main() does: flags,
// --help, and what it says when it cannot start.
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/cli_runner.h"
#include "tests/testing/temp_dir.h"

namespace citymatch::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kServer[] = "server/citymatch-server";

TEST(ServerMainTest, HelpListsTheServersOwnFlags) {
  const CliResult help = RunBuiltBinary(kServer, {"--help"});
  // It did what was asked: 0, where Abseil's own --help exits 1.
  EXPECT_EQ(help.exit_code, 0) << help;
  EXPECT_THAT(help.out, Not(HasSubstr("No flags matched")));
  // Its file as in the repository, not as the build directory reaches it.
  EXPECT_THAT(help.out, HasSubstr("Flags from server/main.cc:")) << help;
  EXPECT_THAT(help.out, Not(HasSubstr("../"))) << help;
  for (const char* flag :
       {"--data_dir ", "--grpc_addr ", "--seed_dir ", "--tls_cert ",
        "--rate_limit_qps ", "--shutdown_grace ", "--backup_to ",
        "--new_admin_token "}) {
    EXPECT_THAT(help.out, HasSubstr(flag)) << help;
  }
}

// So are Abseil's other usage flags; a flag it does not know still fails.
TEST(ServerMainTest, UsageFlagsExitZeroAndAnUnknownFlagOne) {
  const CliResult full = RunBuiltBinary(kServer, {"--helpfull"});
  EXPECT_EQ(full.exit_code, 0) << full;
  EXPECT_THAT(full.out, HasSubstr("Flags from server/main.cc:")) << full;
  const CliResult version = RunBuiltBinary(kServer, {"--version"});
  EXPECT_EQ(version.exit_code, 0) << version;
  EXPECT_THAT(version.out, HasSubstr("citymatch 0.")) << version;
  EXPECT_THAT(version.out, Not(HasSubstr("Debug build"))) << version;
  const CliResult unknown = RunBuiltBinary(kServer, {"--no_such_flag"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown;
  EXPECT_THAT(unknown.err, HasSubstr("Unknown command line flag")) << unknown;
}

// citymatch-soak takes its flags the same way (graph/flags_help.h); so does
// citymatch-eval (tests/ranking/eval_cli_test.cc).
TEST(ServerMainTest, SoakHelpExitsZeroAndNamesItsFile) {
  const CliResult help =
      RunBuiltBinary("tests/load/citymatch-soak", {"--help"});
  EXPECT_EQ(help.exit_code, 0) << help;
  EXPECT_THAT(help.out, HasSubstr("Flags from tests/load/soak.cc:")) << help;
  EXPECT_THAT(help.out, HasSubstr("--token_file ")) << help;
}

TEST(ServerMainTest, AnArgumentThatIsNoFlagIsRefused) {
  // Taken for the data directory, it used to be ignored: the server served
  // a new, empty store in ./var instead. (On an address that is not this
  // machine's, a server that did start would exit at once.)
  TempDir cwd;
  TempDir data;
  const CliResult result = RunBuiltBinary(
      kServer, {"--grpc_addr=192.0.2.1:0", data.path()}, {}, cwd.path());
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.out + result.err,
              HasSubstr("unexpected argument \"" + data.path() + "\""));
  EXPECT_FALSE(std::filesystem::exists(cwd.File("var"))) << result;
}

// Runs the server with `flags` on an address that is not this machine's,
// so it logs what it says at start and exits at once.
CliResult StartOnForeignAddress(const std::vector<std::string>& flags) {
  TempDir data;
  std::vector<std::string> args = {"--data_dir=" + data.File("store"),
                                   "--grpc_addr=192.0.2.1:0"};
  args.insert(args.end(), flags.begin(), flags.end());
  return RunBuiltBinary(kServer, args);
}

TEST(ServerMainTest, ANegativeShutdownGraceIsRefused) {
  const CliResult result = StartOnForeignAddress({"--shutdown_grace=-5s"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.out + result.err,
              HasSubstr("--shutdown_grace=-5s is negative"));
}

TEST(ServerMainTest, HttpAddrWarnsThatNoGatewayIsBuilt) {
  const CliResult result = StartOnForeignAddress({"--http_addr=127.0.0.1:0"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.out + result.err,
              HasSubstr("--http_addr=127.0.0.1:0: the HTTP/JSON gateway is "
                        "not part of this build"));
}

TEST(ServerMainTest, NoHttpAddrNoWarning) {
  const CliResult result = StartOnForeignAddress({});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.out + result.err, Not(HasSubstr("HTTP/JSON")));
}

// The token in the file `path`; "" if it cannot be read.
std::string ReadToken(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  in >> token;
  return token;
}

// The <id> and <secret> of "cm_<id>_<secret>" (the secret may hold '_').
std::vector<std::string> IdAndSecret(const std::string& token) {
  std::vector<std::string> parts =
      absl::StrSplit(token, absl::MaxSplits('_', 2));
  if (parts.size() != 3) return {"", ""};
  return {parts[1], parts[2]};
}

TEST(ServerMainTest, NewAdminTokenSaysWhereItIsAndThatTheOldOneStaysValid) {
  TempDir data;
  const std::string store = data.File("store");
  const std::string file = store + "/admin.token";
  // Each start writes its token, then fails to listen and exits.
  const std::vector<std::string> flags = {"--data_dir=" + store,
                                          "--grpc_addr=192.0.2.1:0"};
  ASSERT_EQ(RunBuiltBinary(kServer, flags).exit_code, 1);
  const std::vector<std::string> old = IdAndSecret(ReadToken(file));
  ASSERT_FALSE(old[0].empty());

  std::vector<std::string> recover = flags;
  recover.push_back("--new_admin_token");
  const CliResult result = RunBuiltBinary(kServer, recover);
  EXPECT_EQ(result.exit_code, 1) << result;
  const std::string log = result.out + result.err;
  const std::vector<std::string> token = IdAndSecret(ReadToken(file));
  ASSERT_FALSE(token[0].empty());
  EXPECT_NE(token[0], old[0]);
  EXPECT_THAT(log, HasSubstr("--new_admin_token: created ADMIN token tokens/" +
                             token[0] + " and wrote it to " + file));
  EXPECT_THAT(log, HasSubstr("tokens/" + old[0] +
                             ", which it held before, stays valid until "
                             "revoked"));
  // Ids only: no secret reaches the log.
  EXPECT_THAT(log, Not(HasSubstr(old[1])));
  EXPECT_THAT(log, Not(HasSubstr(token[1])));
}

TEST(ServerMainTest, NewAdminTokenIsNotForABackup) {
  TempDir data;
  const CliResult result = RunBuiltBinary(
      kServer, {"--data_dir=" + data.File("store"),
                "--backup_to=" + data.File("copy"), "--new_admin_token"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.out + result.err,
              HasSubstr("--new_admin_token cannot be combined with "
                        "--backup_to"));
  EXPECT_FALSE(std::filesystem::exists(data.File("copy")));
}

// A backup never serves: a flag that only a server reads is refused with
// --backup_to, named, before anything is copied, as --new_admin_token is.
TEST(ServerMainTest, ServingFlagsAreNotForABackup) {
  TempDir data;
  for (const std::string& flag :
       {"--grpc_addr=127.0.0.1:6000", "--http_addr=127.0.0.1:8080",
        "--seed_dir=deploy/data", "--tls_cert=server.pem",
        "--tls_key=server.key", "--tls_client_ca=ca.pem", "--rate_limit_qps=5",
        "--rate_limit_burst=5", "--shutdown_grace=1s",
        // Its default value, given: still something the caller expected.
        "--grpc_addr=127.0.0.1:50051", "--rate_limit_qps=100"}) {
    const CliResult result =
        RunBuiltBinary(kServer, {"--data_dir=" + data.File("store"),
                                 "--backup_to=" + data.File("copy"), flag});
    EXPECT_EQ(result.exit_code, 1) << result;
    const std::string name = flag.substr(0, flag.find('='));
    EXPECT_THAT(result.out + result.err,
                HasSubstr(name + " cannot be combined with --backup_to"))
        << result;
    EXPECT_FALSE(std::filesystem::exists(data.File("copy"))) << flag;
  }
  // All of them at once are named together.
  const CliResult both = RunBuiltBinary(
      kServer,
      {"--data_dir=" + data.File("store"), "--backup_to=" + data.File("copy"),
       "--seed_dir=deploy/data", "--tls_cert=server.pem"});
  EXPECT_EQ(both.exit_code, 1) << both;
  EXPECT_THAT(both.out + both.err,
              HasSubstr("--seed_dir, --tls_cert cannot be combined with "
                        "--backup_to, which copies the store and exits "
                        "without serving; leave them out"))
      << both;
  EXPECT_FALSE(std::filesystem::exists(data.File("store")));
}

// A seed fills an empty store only. Given again to a store that holds
// data, it is not imported, and the log says so instead of nothing.
TEST(ServerMainTest, ASeedForAStoreThatHoldsDataIsNotImportedAndSaysSo) {
  TempDir data;
  TempDir seed;
  seed.WriteAll({{"cities.csv",
                  "id,name,country,lat,lon,population\n"
                  "lyon,Lyon,FR,45.75,4.85,513275\n"}});
  const std::vector<std::string> flags = {"--data_dir=" + data.File("store"),
                                          "--grpc_addr=192.0.2.1:0",
                                          "--seed_dir=" + seed.path()};
  const CliResult first = RunBuiltBinary(kServer, flags);
  EXPECT_EQ(first.exit_code, 1) << first;
  EXPECT_THAT(first.out + first.err, HasSubstr("seeded the empty store from " +
                                               seed.path() + ": 1 cities"))
      << first;
  EXPECT_THAT(first.out + first.err, Not(HasSubstr("not imported"))) << first;

  const CliResult again = RunBuiltBinary(kServer, flags);
  EXPECT_EQ(again.exit_code, 1) << again;
  EXPECT_THAT(again.out + again.err,
              HasSubstr("--seed_dir=" + seed.path() + " not imported: the " +
                        "store in " + data.File("store") +
                        " already holds data (graph version 1)"))
      << again;
  EXPECT_THAT(again.out + again.err, Not(HasSubstr("seeded"))) << again;
}

// A seed that is refused is named: the row's "cities.csv:3" alone does not
// say which folder holds it.
TEST(ServerMainTest, ARefusedSeedNamesItsFolder) {
  TempDir data;
  TempDir seed;
  seed.WriteAll({{"cities.csv",
                  "id,name,country,lat,lon,population\n"
                  "lyon,Lyon,FR,45.75,4.85,513275\n"
                  "oops,Oops,IT,95,9,1\n"}});
  const CliResult result = RunBuiltBinary(
      kServer, {"--data_dir=" + data.File("store"), "--grpc_addr=192.0.2.1:0",
                "--seed_dir=" + seed.path()});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.out + result.err,
              HasSubstr("cannot start: INVALID_ARGUMENT: cannot import "
                        "--seed_dir=" +
                        seed.path() + ": cities.csv:3"))
      << result;
}

// A backup kept inside the data directory is lost with the store it is
// meant to restore. However the two paths are spelt, it is refused before
// anything is copied, naming both.
TEST(ServerMainTest, ABackupInsideTheDataDirIsRefused) {
  TempDir dir;
  const std::string store = dir.File("store");
  // A store to back up: the server makes it, then cannot listen and exits.
  ASSERT_EQ(RunBuiltBinary(kServer,
                           {"--data_dir=" + store, "--grpc_addr=192.0.2.1:0"})
                .exit_code,
            1);
  std::filesystem::create_directory_symlink(store, dir.File("alias"));
  const std::string resolved = std::filesystem::canonical(store).string();

  // --data_dir, --backup_to; relative ones from `dir`.
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"store", "store"},
      {"store", "store/backup"},
      {"store", "./store/../store/backup/"},
      {store, "store/a/b"},
      {"store", "alias/backup"},
      {"alias", "store/backup"},
  };
  for (const auto& [data_dir, backup_to] : refused) {
    const CliResult result = RunBuiltBinary(
        kServer, {"--data_dir=" + data_dir, "--backup_to=" + backup_to}, {},
        dir.path());
    EXPECT_EQ(result.exit_code, 1) << result;
    const std::string log = result.out + result.err;
    EXPECT_THAT(log, HasSubstr(backup_to + " is inside the data directory " +
                               data_dir + " ("))
        << result;
    EXPECT_THAT(log, HasSubstr(" in " + resolved + ")")) << result;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.File("store/backup")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("store/a")));

  // Beside it, even under a name that begins with its name, is fine.
  const CliResult copied =
      RunBuiltBinary(kServer, {"--data_dir=store", "--backup_to=store-backup"},
                     {}, dir.path());
  EXPECT_EQ(copied.exit_code, 0) << copied;
  EXPECT_TRUE(std::filesystem::exists(dir.File("store-backup/citymatch.db")));
}

}  // namespace
}  // namespace citymatch::testing
