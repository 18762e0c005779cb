// Runs the real `citymatch` binary ($CITYMATCH_BIN_DIR/client/citymatch), or
// another binary of the build, in a child process and captures what a user
// would see: stdout, stderr and the exit code.
//
// The child gets this process's environment without the CITYMATCH_*
// variables the CLI reads, nor GRPC_VERBOSITY and GRPC_TRACE (so a
// developer's shell cannot change a test), plus
// the given overrides. (A token file that the CLI finds by default under the
// working directory, var/admin.token, is the caller's to control: pass a
// `cwd` without one where that matters.)
//
// Thread-safe: free function.
#ifndef CITYMATCH_TESTS_CLIENT_CLI_RUNNER_H_
#define CITYMATCH_TESTS_CLIENT_CLI_RUNNER_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace citymatch::testing {

struct CliResult {
  // The exit code; 128 + N if killed by signal N; -1 if it could not run.
  int exit_code = -1;
  std::string out;
  std::string err;
};

// For gtest failure messages.
std::ostream& operator<<(std::ostream& os, const CliResult& result);

// Runs `citymatch args...` with `env` added to the environment, in the
// working directory `cwd` ("": this process's), and waits for it, killing it
// after 280 s (then exit_code is 128 + SIGKILL).
CliResult RunCli(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {},
                 const std::string& cwd = "");

// The same for another binary of the build, by its path under
// $CITYMATCH_BIN_DIR ("graph/ranking/citymatch-eval").
CliResult RunBuiltBinary(const std::string& binary,
                         const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {},
                         const std::string& cwd = "");

}  // namespace citymatch::testing

#endif  // CITYMATCH_TESTS_CLIENT_CLI_RUNNER_H_
