// CliTest: a real citymatch-server in a child process, seeded with a data
// set, and helpers to run the real `citymatch` binary against it.
//
// If the server wrote a bootstrap admin token (<data_dir>/admin.token), every
// call carries it (through CITYMATCH_TOKEN), so the tests exercise the CLI,
// not the access rules.
#ifndef CITYMATCH_TESTS_CLIENT_CLI_FIXTURE_H_
#define CITYMATCH_TESTS_CLIENT_CLI_FIXTURE_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/client/cli_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace citymatch::testing {

class CliTest : public ::testing::Test {
 public:
  // The ids ("cities/x" -> "x") of `json[field][*][key]`.
  static std::vector<std::string> Ids(const nlohmann::json& json,
                                      const std::string& field,
                                      const std::string& key = "name");

 protected:
  // Starts a server seeded with SampleFiles() (eight cities, four projects).
  void SetUp() override;

  // Starts the server (again) over `data_dir_`, seeded from `seed_dir` if the
  // store is empty ("": no seed), with `extra_flags`. Fails the test if it
  // does not come up.
  void StartServer(const std::string& seed_dir,
                   std::vector<std::string> extra_flags = {});

  // `citymatch --server=<server> args...` with the admin token if any.
  CliResult Cli(const std::vector<std::string>& args,
                std::map<std::string, std::string> env = {}) const;

  // Runs `citymatch --output json args...`, expects exit code 0 and returns
  // the parsed stdout (null after a test failure).
  nlohmann::json Json(const std::vector<std::string>& args) const;

  // Every city id, paging through all of them.
  std::vector<std::string> AllCityIds() const;

  TempDir seed_;
  TempDir data_;
  std::unique_ptr<ServerProcess> server_;
  std::string token_;
};

}  // namespace citymatch::testing

#endif  // CITYMATCH_TESTS_CLIENT_CLI_FIXTURE_H_
