#include "tests/client/cli_fixture.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "tests/testing/sample_data.h"

namespace citymatch::testing {

void CliTest::SetUp() {
  seed_.WriteAll(SampleFiles());
  StartServer(seed_.path());
}

void CliTest::StartServer(const std::string& seed_dir,
                          std::vector<std::string> extra_flags) {
  std::vector<std::string> flags = std::move(extra_flags);
  if (!seed_dir.empty()) flags.push_back("--seed_dir=" + seed_dir);
  server_ = std::make_unique<ServerProcess>(data_.path(), flags);
  const absl::Status started = server_->Start();
  ASSERT_TRUE(started.ok()) << started;
  std::ifstream token_file(data_.File("admin.token"));
  std::string token;
  if (token_file >> token)
    token_ = std::string(absl::StripAsciiWhitespace(token));
}

CliResult CliTest::Cli(const std::vector<std::string>& args,
                       std::map<std::string, std::string> env) const {
  std::vector<std::string> full = {"--server=" + server_->address()};
  full.insert(full.end(), args.begin(), args.end());
  if (!token_.empty() && env.count("CITYMATCH_TOKEN") == 0) {
    env["CITYMATCH_TOKEN"] = token_;
  }
  return RunCli(full, env);
}

nlohmann::json CliTest::Json(const std::vector<std::string>& args) const {
  std::vector<std::string> full = {"--output", "json"};
  full.insert(full.end(), args.begin(), args.end());
  const CliResult result = Cli(full);
  EXPECT_EQ(result.exit_code, 0) << result;
  if (result.exit_code != 0) return nullptr;
  nlohmann::json json = nlohmann::json::parse(result.out, nullptr,
                                              /*allow_exceptions=*/false);
  EXPECT_FALSE(json.is_discarded()) << result;
  return json;
}

std::vector<std::string> CliTest::Ids(const nlohmann::json& json,
                                      const std::string& field,
                                      const std::string& key) {
  std::vector<std::string> ids;
  if (!json.is_object() || !json.contains(field)) return ids;
  for (const nlohmann::json& item : json[field]) {
    std::string name = item.value(key, "");
    const size_t slash = name.find('/');
    ids.push_back(slash == std::string::npos ? name : name.substr(slash + 1));
  }
  return ids;
}

std::vector<std::string> CliTest::AllCityIds() const {
  return Ids(Json({"cities", "list", "--all"}), "cities");
}

}  // namespace citymatch::testing
