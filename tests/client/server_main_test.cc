// citymatch-server run as a binary, for what only its main() does: flags,
// --help, and what it says when it cannot start.
#include <string>
#include <vector>

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
  // Abseil's --help exits 1, as after any usage flag.
  EXPECT_EQ(help.exit_code, 1) << help;
  EXPECT_THAT(help.out, Not(HasSubstr("No flags matched")));
  for (const char* flag :
       {"--data_dir ", "--grpc_addr ", "--seed_dir ", "--tls_cert ",
        "--rate_limit_qps ", "--shutdown_grace "}) {
    EXPECT_THAT(help.out, HasSubstr(flag)) << help;
  }
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

}  // namespace
}  // namespace citymatch::testing
