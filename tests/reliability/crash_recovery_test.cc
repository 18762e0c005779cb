// Durability under crashes: writers hammer a real citymatch-server process
// that is SIGKILLed at an arbitrary moment, several times over; after each
// restart every write that was acknowledged must be there, and the store
// must open cleanly. A clean SIGTERM, in contrast, drains and exits 0. And
// an online backup taken while writers run is the store as of one commit,
// on which a server starts.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "citymatch/v1/catalog.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::citymatch::testing::ServerProcess;
using ::citymatch::testing::TempDir;

std::string AdminToken(const std::string& data_dir) {
  std::ifstream in(data_dir + "/admin.token");
  std::stringstream content;
  content << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(content.str()));
}

std::unique_ptr<v1::Catalog::Stub> Connect(const ServerProcess& server) {
  return v1::Catalog::NewStub(grpc::CreateChannel(
      server.address(), grpc::InsecureChannelCredentials()));
}

void Authorize(grpc::ClientContext* context, const std::string& token,
               absl::Duration timeout) {
  context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

v1::CreateCityRequest CityRequest(const std::string& id) {
  v1::CreateCityRequest request;
  request.set_city_id(id);
  request.set_request_id("req-" + id);
  v1::City* city = request.mutable_city();
  city->set_display_name("City " + id);
  city->set_country_code("AT");
  city->set_latitude(47.0);
  city->set_longitude(15.0);
  city->set_population(1000);
  return request;
}

// How many of the cities `ids` (made by CityRequest) the server holds;
// each one missing or altered is a failure.
int CountCities(v1::Catalog::Stub* stub, const std::string& token,
                const std::set<std::string>& ids) {
  int found = 0;
  for (const std::string& id : ids) {
    grpc::ClientContext context;
    Authorize(&context, token, absl::Seconds(10));
    v1::GetCityRequest request;
    request.set_name("cities/" + id);
    v1::City city;
    grpc::Status status = stub->GetCity(&context, request, &city);
    if (status.ok()) {
      ++found;
      EXPECT_EQ(city.display_name(), "City " + id);
    } else {
      ADD_FAILURE() << "city " << id << ": " << status.error_message();
    }
  }
  return found;
}

// Threads creating cities "<prefix>-w<writer>-<n>" on `server` until
// stopped; the acknowledged ones are collected.
class Writers {
 public:
  Writers(const ServerProcess& server, const std::string& token,
          const std::string& prefix, int count) {
    for (int w = 0; w < count; ++w) {
      threads_.emplace_back([this, &server, token, prefix, w] {
        auto writer = Connect(server);
        for (int i = 0; !stop_.load(); ++i) {
          const std::string id = absl::StrCat(prefix, "-w", w, "-", i);
          grpc::ClientContext context;
          Authorize(&context, token, absl::Seconds(5));
          v1::City city;
          if (writer->CreateCity(&context, CityRequest(id), &city).ok()) {
            std::lock_guard<std::mutex> lock(mu_);
            acknowledged_.insert(id);
          }
        }
      });
    }
  }
  ~Writers() { Stop(); }

  // What was acknowledged so far.
  std::set<std::string> Acknowledged() {
    std::lock_guard<std::mutex> lock(mu_);
    return acknowledged_;
  }
  // Stops and joins the threads; their last calls end first.
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

 private:
  std::mutex mu_;
  std::set<std::string> acknowledged_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

TEST(CrashRecoveryTest, AcknowledgedWritesSurviveRepeatedSigkill) {
  TempDir data;
  // Unlimited rate: the writers share the admin token.
  ServerProcess server(data.path(), {"--rate_limit_qps=0"});
  std::set<std::string> acknowledged;
  std::mt19937 random(20141016);
  constexpr int kRounds = 4;
  constexpr int kWriters = 4;
  for (int round = 0; round < kRounds; ++round) {
    ASSERT_TRUE(server.Start().ok()) << "round " << round;
    const std::string token = AdminToken(data.path());
    ASSERT_FALSE(token.empty());

    // Everything acknowledged before this crash must be there.
    auto stub = Connect(server);
    ASSERT_EQ(CountCities(stub.get(), token, acknowledged),
              static_cast<int>(acknowledged.size()))
        << "round " << round << ": acknowledged cities lost";

    Writers writers(server, token, absl::StrCat("r", round), kWriters);
    // Crash at an arbitrary moment while the writers are busy.
    absl::SleepFor(absl::Milliseconds(400 + random() % 800));
    server.Kill(SIGKILL);
    absl::StatusOr<int> exit = server.Wait();
    writers.Stop();
    const std::set<std::string> round_writes = writers.Acknowledged();
    acknowledged.insert(round_writes.begin(), round_writes.end());
    ASSERT_TRUE(exit.ok());
    EXPECT_TRUE(WIFSIGNALED(*exit));
  }

  // The final restart: every acknowledged write, and a retry of one of them
  // with its request_id is answered with the stored city, not ALREADY_EXISTS.
  ASSERT_TRUE(server.Start().ok());
  const std::string token = AdminToken(data.path());
  auto stub = Connect(server);
  EXPECT_GE(acknowledged.size(), 100u) << "too few writes to mean anything";
  const int found = CountCities(stub.get(), token, acknowledged);
  EXPECT_EQ(found, static_cast<int>(acknowledged.size()));
  const std::string retried = *acknowledged.begin();
  grpc::ClientContext context;
  Authorize(&context, token, absl::Seconds(10));
  v1::City city;
  grpc::Status status = stub->CreateCity(&context, CityRequest(retried), &city);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(city.name(), "cities/" + retried);
  std::cerr << "acknowledged writes over " << kRounds
            << " crashes: " << acknowledged.size()
            << ", lost: " << acknowledged.size() - found << "\n";
}

TEST(CrashRecoveryTest, SigtermDrainsAndExitsZero) {
  TempDir data;
  ServerProcess server(data.path(), {"--shutdown_grace=5s"});
  ASSERT_TRUE(server.Start().ok());
  const std::string token = AdminToken(data.path());
  auto stub = Connect(server);
  {
    grpc::ClientContext context;
    Authorize(&context, token, absl::Seconds(10));
    v1::City city;
    ASSERT_TRUE(
        stub->CreateCity(&context, CityRequest("before-term"), &city).ok());
  }
  server.Kill(SIGTERM);
  absl::StatusOr<int> exit = server.Wait(absl::Seconds(30));
  ASSERT_TRUE(exit.ok());
  ASSERT_TRUE(WIFEXITED(*exit));
  EXPECT_EQ(WEXITSTATUS(*exit), 0);

  // A clean stop leaves a store that opens and holds the write.
  ASSERT_TRUE(server.Start().ok());
  stub = Connect(server);
  grpc::ClientContext context;
  Authorize(&context, token, absl::Seconds(10));
  v1::GetCityRequest request;
  request.set_name("cities/before-term");
  v1::City city;
  EXPECT_TRUE(stub->GetCity(&context, request, &city).ok());
}

// Runs `citymatch-server <flags>` to completion; its stdout and exit code.
std::pair<std::string, int> RunServerBinary(const std::string& flags,
                                            const std::string& out_file) {
  const int code = std::system(absl::StrCat(ServerProcess::BinaryPath(), " ",
                                            flags, " >", out_file, " 2>&1")
                                   .c_str());
  std::ifstream in(out_file);
  std::stringstream content;
  content << in.rdbuf();
  return {content.str(), WIFEXITED(code) ? WEXITSTATUS(code) : -1};
}

TEST(CrashRecoveryTest, OnlineBackupIsOneCommitOfTheStoreAndServes) {
  TempDir data, backups;
  ServerProcess server(data.path(), {"--rate_limit_qps=0"});
  ASSERT_TRUE(server.Start().ok());
  const std::string token = AdminToken(data.path());
  Writers writers(server, token, "b", 2);
  absl::SleepFor(absl::Milliseconds(300));
  const std::set<std::string> before_backup = writers.Acknowledged();
  const std::string copy = backups.path() + "/copy";
  auto [output, code] = RunServerBinary(
      absl::StrCat("--data_dir=", data.path(), " --backup_to=", copy),
      backups.path() + "/out.txt");
  absl::SleepFor(absl::Milliseconds(100));
  writers.Stop();
  const std::set<std::string> acknowledged = writers.Acknowledged();
  ASSERT_EQ(code, 0) << output;
  ASSERT_GE(before_backup.size(), 20u) << "too few writes to mean anything";
  // The writes went on beside the backup.
  EXPECT_GT(acknowledged.size(), before_backup.size());
  int64_t version = 0;
  int cities = 0;
  ASSERT_EQ(std::sscanf(output.c_str(), "backed up graph version %lld of",
                        reinterpret_cast<long long*>(&version)),
            1)
      << output;
  const size_t colon = output.find(": ");
  ASSERT_NE(colon, std::string::npos) << output;
  ASSERT_EQ(std::sscanf(output.c_str() + colon, ": %d cities", &cities), 1);
  // One commit: every create is one graph version, so the copy holds
  // exactly as many cities as its version counts.
  EXPECT_EQ(cities, version) << output;
  // A second backup into the same place is refused, not overwritten.
  auto [again, again_code] = RunServerBinary(
      absl::StrCat("--data_dir=", data.path(), " --backup_to=", copy),
      backups.path() + "/again.txt");
  EXPECT_EQ(again_code, 1);
  EXPECT_THAT(again, ::testing::HasSubstr("a backup never overwrites one"));
  server.Kill(SIGTERM);
  ASSERT_TRUE(server.Wait(absl::Seconds(30)).ok());

  // A server starts on the copy; the original's admin token works there
  // (the admin store was copied), and every write acknowledged before the
  // backup began is in it.
  ServerProcess restored(copy, {"--rate_limit_qps=0"});
  ASSERT_TRUE(restored.Start().ok());
  auto stub = Connect(restored);
  EXPECT_EQ(CountCities(stub.get(), token, before_backup),
            static_cast<int>(before_backup.size()));
  grpc::ClientContext context;
  Authorize(&context, token, absl::Seconds(10));
  v1::ListCitiesRequest list;
  list.set_page_size(1);
  v1::ListCitiesResponse page;
  ASSERT_TRUE(stub->ListCities(&context, list, &page).ok());
  EXPECT_EQ(page.total_size(), cities);
  std::cerr << "acknowledged before the backup: " << before_backup.size()
            << ", in the copy: " << cities
            << ", by the time the writers stopped: " << acknowledged.size()
            << "\n";
}

}  // namespace
}  // namespace citymatch
