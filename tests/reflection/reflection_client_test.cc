// An independent client must see the same service as ours: this test starts
// the real citymatch-server on the shipped data, runs the Python client
// reflection_client.py (which knows no .proto file and learns the API through
// server reflection), and compares its answers with the C++ stub's for the
// same requests. The ranking must be identical, city for city.
//
// Needs /usr/bin/python3 with Debian's python3-grpcio and python3-protobuf
// ($CITYMATCH_PYTHON overrides the interpreter).
#include <stdio.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "citymatch/v1/matching.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/sample_data.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::citymatch::testing::ServerProcess;
using ::citymatch::testing::ShippedDataDir;
using ::citymatch::testing::TempDir;
using ::testing::Contains;
using ::testing::SizeIs;

std::string SourceDir() {
  const char* dir = std::getenv("CITYMATCH_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

std::string Python() {
  const char* python = std::getenv("CITYMATCH_PYTHON");
  return python != nullptr ? python : "/usr/bin/python3";
}

// Runs `command` and returns its stdout; *exit_code is its exit code (-1 if
// it did not exit normally).
std::string RunCommand(const std::string& command, int* exit_code) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *exit_code = -1;
    return out;
  }
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    out.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// The first word of the file at `path` ("" if unreadable).
std::string ReadToken(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  in >> token;
  return token;
}

std::vector<std::string> Cities(const v1::RecommendPartnersResponse& r) {
  std::vector<std::string> cities;
  for (const v1::Recommendation& rec : r.recommendations()) {
    cities.push_back(rec.city());
  }
  return cities;
}

// One server and one run of the Python client, shared by the tests of the
// suite (gtest runs them in one process when run together; ctest runs each
// on its own, which starts its own server).
class ReflectionClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new TempDir();
    server_ = new ServerProcess(data_->File("store"),
                                {"--seed_dir=" + ShippedDataDir()});
    absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;

    token_ = new std::string(ReadToken(data_->File("store/admin.token")));
    // The token travels in the environment, not on a command line that any
    // user of the machine can read.
    ::setenv("CITYMATCH_TOKEN", token_->c_str(), 1);
    const std::string command = absl::StrCat(
        Python(), " ", SourceDir(), "/tests/reflection/reflection_client.py",
        " --json --server=", server_->address());
    output_ = new std::string(RunCommand(command, &exit_code_));
    result_ = new nlohmann::json(
        nlohmann::json::parse(*output_, nullptr, /*allow_exceptions=*/false));
  }

  static void TearDownTestSuite() {
    delete result_;
    delete output_;
    delete token_;
    token_ = nullptr;
    delete server_;  // kills the server
    delete data_;
    result_ = nullptr;
    output_ = nullptr;
    server_ = nullptr;
    data_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(result_, nullptr) << "the server did not start";
    ASSERT_FALSE(result_->is_discarded())
        << "the Python client printed no JSON (exit code " << exit_code_
        << "; are python3-grpcio and python3-protobuf installed?):\n"
        << *output_;
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    matching_ = v1::Matching::NewStub(channel_);
  }

  v1::RecommendPartnersResponse Recommend(
      const v1::RecommendPartnersRequest& request) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + *token_);
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(60));
    v1::RecommendPartnersResponse response;
    grpc::Status status =
        matching_->RecommendPartners(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // The Python client's ranking for `what` ("draft" or "project").
  static std::vector<std::string> PythonRanking(const std::string& what) {
    return (*result_)[what]["cities"].get<std::vector<std::string>>();
  }

  static TempDir* data_;
  static ServerProcess* server_;
  static std::string* output_;
  static std::string* token_;
  static int exit_code_;
  static nlohmann::json* result_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Matching::Stub> matching_;
};

TempDir* ReflectionClientTest::data_ = nullptr;
ServerProcess* ReflectionClientTest::server_ = nullptr;
std::string* ReflectionClientTest::output_ = nullptr;
std::string* ReflectionClientTest::token_ = nullptr;
int ReflectionClientTest::exit_code_ = -1;
nlohmann::json* ReflectionClientTest::result_ = nullptr;

TEST_F(ReflectionClientTest, EveryCheckOfThePythonClientPasses) {
  EXPECT_EQ(exit_code_, 0) << *output_;
  const auto services =
      (*result_)["services"].get<std::vector<std::string>>();
  EXPECT_THAT(services, Contains("citymatch.v1.Catalog"));
  EXPECT_THAT(services, Contains("citymatch.v1.Matching"));
  // Paging through ListCities saw every city once.
  EXPECT_EQ((*result_)["cities_listed"].get<int>(), 7166);
  EXPECT_EQ((*result_)["pages"].get<int>(), 8);
  for (const std::string& check :
       {"list_no_overlap", "list_no_gap", "list_ordered", "list_ends",
        "get_unknown_city_not_found", "negative_page_size_invalid",
        "negative_page_size_invalid_names_field", "draft_ten_cities",
        "project_ten_cities", "draft_every_city_has_reasons",
        "project_every_city_has_reasons", "draft_excludes_members"}) {
    ASSERT_TRUE((*result_)["checks"].contains(check)) << check;
    EXPECT_TRUE((*result_)["checks"][check]["ok"].get<bool>())
        << check << ": " << (*result_)["checks"][check]["detail"];
  }
}

TEST_F(ReflectionClientTest, DraftRankingIsIdenticalToTheStubs) {
  v1::RecommendPartnersRequest request;
  v1::ProjectDraft* draft = request.mutable_draft();
  draft->add_themes("Migrants");
  draft->add_themes("Inclusion");
  draft->add_member_cities("cities/3173435");  // Milano
  draft->add_member_cities("cities/3169070");  // Roma
  const v1::RecommendPartnersResponse response = Recommend(request);
  ASSERT_THAT(Cities(response), SizeIs(10));
  EXPECT_EQ(PythonRanking("draft"), Cities(response));
  EXPECT_EQ((*result_)["draft"]["graph_version"].get<int64_t>(),
            response.graph_version());
  // Same server, same graph: the very same scores.
  const auto scores = (*result_)["draft"]["scores"].get<std::vector<double>>();
  ASSERT_EQ(scores.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(scores[i], response.recommendations(i).score()) << i;
  }
}

TEST_F(ReflectionClientTest, ProjectRankingIsIdenticalToTheStubs) {
  v1::RecommendPartnersRequest request;
  request.set_project("projects/urbact-arrival-cities");
  const v1::RecommendPartnersResponse response = Recommend(request);
  ASSERT_THAT(Cities(response), SizeIs(10));
  EXPECT_EQ(PythonRanking("project"), Cities(response));
  const auto scores =
      (*result_)["project"]["scores"].get<std::vector<double>>();
  ASSERT_EQ(scores.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(scores[i], response.recommendations(i).score()) << i;
  }
}

}  // namespace
}  // namespace citymatch
