// citymatch-server run as a binary, for what only its main() does: flags,
// --help, and what it says when it cannot start.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/cli_runner.h"

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

}  // namespace
}  // namespace citymatch::testing
