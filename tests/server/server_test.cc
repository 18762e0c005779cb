// The server as a whole: health checking, restart on the same data
// directory, and start-up errors.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/storage/sqlite_backup.h"
#include "graph/storage/sqlite_storage.h"
#include "gtest/gtest.h"
#include "server/status_util.h"
#include "tests/server/in_process_server.h"
#include "tests/testing/sample_data.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::citymatch::testing::HealthCheck;
using ::citymatch::testing::InProcessServer;
using ::citymatch::testing::SampleFiles;
using ::citymatch::testing::TempDir;

TEST(ServerTest, HealthServiceReportsServing) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<int> serving = HealthCheck((*server)->channel().get(), "");
  ASSERT_TRUE(serving.ok()) << serving.status();
  EXPECT_EQ(*serving, 1);  // SERVING
  // So is each of its services, asked by name.
  for (const char* service : {"citymatch.v1.Catalog", "citymatch.v1.Matching",
                              "citymatch.v1.Admin"}) {
    serving = HealthCheck((*server)->channel().get(), service);
    ASSERT_TRUE(serving.ok()) << service << ": " << serving.status();
    EXPECT_EQ(*serving, 1) << service;
  }
  // A service the server does not know is NOT_FOUND, as the health protocol
  // says.
  absl::StatusOr<int> unknown =
      HealthCheck((*server)->channel().get(), "no.such.Service");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
}

TEST(ServerTest, ServesOnARealPortToo) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->server()->grpc_port();
  ASSERT_GT(port, 0);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  std::unique_ptr<v1::Catalog::Stub> catalog = v1::Catalog::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  context.AddMetadata("authorization",
                      absl::StrCat("Bearer ", (*server)->AdminToken()));
  v1::GetCityRequest request;
  request.set_name("cities/wien");
  v1::City city;
  grpc::Status status = catalog->GetCity(&context, request, &city);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(city.display_name(), "Wien");
}

// Calls the Catalog on a server's real port with its ADMIN token, as an
// outside client does: with gRPC's default limits, among them 8 KiB for a
// reply's metadata, which the in-process channel does not apply.
class RealPortClient {
 public:
  explicit RealPortClient(InProcessServer& server)
      : token_(server.AdminToken()),
        catalog_(v1::Catalog::NewStub(grpc::CreateChannel(
            absl::StrCat("127.0.0.1:", server.server()->grpc_port()),
            grpc::InsecureChannelCredentials()))) {}

  template <typename Method, typename Request, typename Response>
  grpc::Status Call(Method method, const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    context.AddMetadata("authorization", absl::StrCat("Bearer ", token_));
    return (catalog_.get()->*method)(&context, request, response);
  }

 private:
  const std::string token_;
  std::unique_ptr<v1::Catalog::Stub> catalog_;
};

// Field violations travel in the reply's metadata; a violation echoing a
// long value the request sent used to pass a client's cap on it, and the
// client saw RESOURCE_EXHAUSTED instead of the violations.
TEST(ServerTest, ViolationsEchoingLongValuesReachAClientOnARealPort) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(server.ok()) << server.status();
  RealPortClient client(**server);

  v1::GetCityRequest get;
  get.set_name(absl::StrCat("cities/", std::string(20000, 'x')));
  v1::City city;
  grpc::Status status = client.Call(&v1::Catalog::Stub::GetCity, get, &city);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(testing::ViolatedFields(status), ::testing::ElementsAre("name"));

  // Multi-byte text is cut between characters, and every bad field is
  // still named.
  v1::CreateCityRequest create;
  create.set_city_id("krakow");
  create.mutable_city()->set_display_name("Kraków");
  std::string country = "x";
  for (int i = 0; i < 1500; ++i) country += "ó";
  create.mutable_city()->set_country_code(country);
  create.mutable_city()->set_latitude(500);
  v1::City created;
  status = client.Call(&v1::Catalog::Stub::CreateCity, create, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(testing::ViolatedFields(status),
              ::testing::ElementsAre("city.country_code", "city.latitude"));
  for (const testing::Violation& v : testing::FieldViolations(status)) {
    EXPECT_LE(v.description.size(), kMaxViolationDescriptionBytes);
  }
}

// A status message may echo what the request sent too, and passed the cap in
// the same way: here a stale etag of 10,000 bytes.
TEST(ServerTest, MessagesEchoingLongValuesReachAClientOnARealPort) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(server.ok()) << server.status();
  RealPortClient client(**server);
  const std::string etag(10000, 'e');

  v1::UpdateCityRequest update;
  update.mutable_city()->set_name("cities/roma");
  update.mutable_city()->set_display_name("Rome");
  update.mutable_city()->set_etag(etag);
  update.mutable_update_mask()->add_paths("display_name");
  v1::City city;
  grpc::Status status =
      client.Call(&v1::Catalog::Stub::UpdateCity, update, &city);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED)
      << status.error_message();
  EXPECT_LE(status.error_message().size(), kMaxMessageBytes);

  v1::DeleteProjectRequest remove;
  remove.set_name("projects/urbact-arrival");
  remove.set_etag(etag);
  v1::DeleteResponse deleted;
  status = client.Call(&v1::Catalog::Stub::DeleteProject, remove, &deleted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED)
      << status.error_message();
}

TEST(ServerTest, DataSurvivesARestartOnTheSameDataDir) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> started =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(started.ok()) << started.status();
  InProcessServer& server = **started;
  v1::City created;
  {
    grpc::ClientContext context;
    v1::CreateCityRequest request;
    request.set_city_id("krakow");
    request.mutable_city()->set_display_name("Kraków");
    request.mutable_city()->set_country_code("PL");
    request.mutable_city()->set_latitude(50.06143);
    request.mutable_city()->set_longitude(19.93658);
    request.mutable_city()->mutable_profile()->add_languages("pl");
    ASSERT_TRUE(server.catalog()->CreateCity(&context, request, &created).ok());
  }
  v1::DeleteResponse deleted;
  {
    grpc::ClientContext context;
    v1::DeleteTwinningRequest request;
    request.mutable_twinning()->set_city_a("cities/milano");
    request.mutable_twinning()->set_city_b("cities/lyon");
    ASSERT_TRUE(
        server.catalog()->DeleteTwinning(&context, request, &deleted).ok());
  }

  ASSERT_TRUE(server.Restart().ok());

  {
    grpc::ClientContext context;
    v1::GetCityRequest request;
    request.set_name("cities/krakow");
    v1::City city;
    grpc::Status status = server.catalog()->GetCity(&context, request, &city);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(city.SerializeAsString(), created.SerializeAsString());
  }
  {
    grpc::ClientContext context;
    v1::ListTwinningsRequest request;
    v1::ListTwinningsResponse response;
    ASSERT_TRUE(
        server.catalog()->ListTwinnings(&context, request, &response).ok());
    ASSERT_EQ(response.twinnings_size(), 1);
    EXPECT_EQ(response.twinnings(0).city_a(), "cities/graz");
  }
  {
    // The sample was seeded once, not again on restart, and nothing else
    // changed.
    grpc::ClientContext context;
    v1::ListCitiesRequest request;
    v1::ListCitiesResponse response;
    ASSERT_TRUE(
        server.catalog()->ListCities(&context, request, &response).ok());
    EXPECT_EQ(response.total_size(), 9);
  }
  // The version does not go back: a client's if_none_match stays meaningful.
  absl::StatusOr<int64_t> version =
      citymatch::testing::GraphVersion(server.catalog());
  ASSERT_TRUE(version.ok());
  EXPECT_GE(*version, deleted.graph_version());
}

// Adds `city` to the members of projects/urbact-arrival.
grpc::Status AddArrivalMember(v1::Catalog::Stub* catalog,
                              const std::string& city) {
  v1::Project project;
  {
    grpc::ClientContext context;
    v1::GetProjectRequest get;
    get.set_name("projects/urbact-arrival");
    grpc::Status status = catalog->GetProject(&context, get, &project);
    if (!status.ok()) return status;
  }
  project.add_members()->set_city(city);
  grpc::ClientContext context;
  v1::UpdateProjectRequest update;
  *update.mutable_project() = project;
  update.mutable_update_mask()->add_paths("members");
  v1::Project updated;
  return catalog->UpdateProject(&context, update, &updated);
}

// The partners recommended for projects/urbact-arrival, polled as a
// dashboard does with the version it saw last (0: none).
v1::RecommendPartnersResponse PollArrival(v1::Matching::Stub* matching,
                                          int64_t if_none_match) {
  grpc::ClientContext context;
  v1::RecommendPartnersRequest request;
  request.set_project("projects/urbact-arrival");
  request.set_if_none_match(if_none_match);
  v1::RecommendPartnersResponse response;
  grpc::Status status =
      matching->RecommendPartners(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

std::vector<std::string> RecommendedCities(
    const v1::RecommendPartnersResponse& response) {
  std::vector<std::string> cities;
  for (const v1::Recommendation& r : response.recommendations()) {
    cities.push_back(r.city());
  }
  return cities;
}

// A dashboard keeps the graph_version of its last answer across restarts of
// the server. A server restored from a backup goes on from the backup's
// version while the original had gone further: its next writes used to get
// versions the original had already given to other data, and a dashboard
// holding one of them was told "not modified" and kept showing partners
// that were no longer the answer.
TEST(ServerTest, AServerRestoredFromABackupReusesNoVersionOfTheOriginal) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> original =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(original.ok()) << original.status();
  TempDir backups;
  const std::string copy = backups.File("copy");
  absl::StatusOr<DataDirBackup> backup =
      BackupDataDir((*original)->data_dir() + "/store", copy);
  ASSERT_TRUE(backup.ok()) << backup.status();
  // The original goes on after the backup, and a dashboard sees that.
  ASSERT_TRUE(AddArrivalMember((*original)->catalog(), "cities/lyon").ok());
  const v1::RecommendPartnersResponse seen =
      PollArrival((*original)->matching(), 0);
  ASSERT_FALSE(seen.not_modified());
  const std::string token = (*original)->AdminToken();
  original->reset();

  // The backup is restored, and written to otherwise.
  ServerOptions options;
  options.data_dir = copy;
  options.grpc_addr = "127.0.0.1:0";
  options.drain_notice = absl::ZeroDuration();
  int64_t restored_version = 0;
  {
    absl::StatusOr<std::unique_ptr<Server>> restored =
        Server::BuildAndStart(options);
    ASSERT_TRUE(restored.ok()) << restored.status();
    std::shared_ptr<grpc::Channel> channel =
        (*restored)->InProcessChannel(token);
    std::unique_ptr<v1::Catalog::Stub> catalog = v1::Catalog::NewStub(channel);
    std::unique_ptr<v1::Matching::Stub> matching =
        v1::Matching::NewStub(channel);
    ASSERT_TRUE(AddArrivalMember(catalog.get(), "cities/graz").ok());
    const v1::RecommendPartnersResponse polled =
        PollArrival(matching.get(), seen.graph_version());
    EXPECT_FALSE(polled.not_modified());
    EXPECT_GT(polled.graph_version(), seen.graph_version());
    EXPECT_NE(RecommendedCities(polled), RecommendedCities(seen));
    restored_version = polled.graph_version();
    (*restored)->Shutdown(absl::ZeroDuration());
  }
  // Only the first start on the copy moves its version on; a restart keeps
  // it, and the dashboard's version with it.
  absl::StatusOr<std::unique_ptr<Server>> restarted =
      Server::BuildAndStart(options);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  std::unique_ptr<v1::Matching::Stub> matching =
      v1::Matching::NewStub((*restarted)->InProcessChannel(token));
  EXPECT_TRUE(PollArrival(matching.get(), restored_version).not_modified());
  (*restarted)->Shutdown(absl::ZeroDuration());
}

TEST(ServerTest, BadSeedDataRefusesToStart) {
  std::map<std::string, std::string> files = SampleFiles();
  files["cities.csv"] += "oops,Oops,IT,95,9,1\n";
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(files);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  // The folder is named, as the flag that gave it: the row alone does not
  // say which data set holds it.
  EXPECT_THAT(std::string(server.status().message()),
              ::testing::HasSubstr("cannot import --seed_dir="));
  EXPECT_THAT(std::string(server.status().message()),
              ::testing::HasSubstr("cities.csv:10"));
}

TEST(ServerTest, AStoreWhoseSeedWasRefusedStartsWithTheCorrectedSeed) {
  // A first start whose seed has a bad row refuses to start; corrected, the
  // same command on the same directory must start and seed it, not call
  // what the refused start left there a store copied in part.
  TempDir data, bad_seed, good_seed;
  std::map<std::string, std::string> files = SampleFiles();
  good_seed.WriteAll(files);
  files["cities.csv"] += "oops,Oops,IT,95,9,1\n";
  bad_seed.WriteAll(files);
  ServerOptions options;
  options.data_dir = data.File("store");
  options.grpc_addr = "127.0.0.1:0";
  options.seed_dir = bad_seed.path();
  options.drain_notice = absl::ZeroDuration();
  EXPECT_EQ(Server::BuildAndStart(options).status().code(),
            absl::StatusCode::kInvalidArgument);

  options.seed_dir = good_seed.path();
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::BuildAndStart(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_FALSE((*server)->store()->Snapshot()->cities().empty());
  EXPECT_TRUE(std::filesystem::exists(data.File("store/admin.token")));
  (*server)->Shutdown(absl::ZeroDuration());
}

TEST(ServerTest, ASeedFileThatCannotBeReadStopsTheStartNamingIt) {
  TempDir data, seed;
  seed.WriteAll(SampleFiles());
  std::filesystem::remove(seed.File("cities.csv"));
  std::filesystem::create_symlink(seed.File("gone.csv"),
                                  seed.File("cities.csv"));
  ServerOptions options;
  options.data_dir = data.File("store");
  options.grpc_addr = "127.0.0.1:0";
  options.seed_dir = seed.path();
  options.drain_notice = absl::ZeroDuration();
  absl::StatusOr<std::unique_ptr<Server>> refused =
      Server::BuildAndStart(options);
  ASSERT_FALSE(refused.ok());
  // Named as the seed, then the file and why.
  EXPECT_EQ(refused.status().message(),
            absl::StrCat("cannot import --seed_dir=", seed.path(),
                         ": cannot read ", seed.File("cities.csv"),
                         ": it is a link to ", seed.File("gone.csv"),
                         ", which does not exist"));

  std::filesystem::remove(seed.File("cities.csv"));
  std::filesystem::create_directory(seed.File("cities.csv"));
  refused = Server::BuildAndStart(options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            absl::StrCat("cannot import --seed_dir=", seed.path(),
                         ": cannot read ", seed.File("cities.csv"),
                         ": it is a directory, not a file"));

  // Nothing of the seed was written: started without it, the store is
  // empty.
  options.seed_dir.clear();
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::BuildAndStart(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_TRUE((*server)->store()->Snapshot()->projects().empty());
  (*server)->Shutdown(absl::ZeroDuration());
}

TEST(ServerTest, AddressInUseIsUnavailable) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> first =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(first.ok()) << first.status();
  TempDir data;
  ServerOptions options;
  options.data_dir = data.File("store");
  options.grpc_addr =
      absl::StrCat("127.0.0.1:", (*first)->server()->grpc_port());
  absl::StatusOr<std::unique_ptr<Server>> second =
      Server::BuildAndStart(options);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  // gRPC keeps the reason to its own log; the status says it too.
  EXPECT_THAT(std::string(second.status().message()),
              ::testing::AllOf(
                  ::testing::HasSubstr("cannot listen on " + options.grpc_addr),
                  ::testing::HasSubstr("already in use"),
                  ::testing::HasSubstr("--grpc_addr")));
}

TEST(ServerTest, AnAddressThatIsNotHostAndPortIsRefusedAtStart) {
  // Not "in use by another process"; and gRPC would take a bare host it can
  // resolve ("localhost") on port 443, without a word.
  for (const std::string address :
       {"no-such-host.invalid", "localhost", "127.0.0.1:", "127.0.0.1:http"}) {
    TempDir data;
    ServerOptions options;
    options.data_dir = data.File("store");
    options.grpc_addr = address;
    absl::StatusOr<std::unique_ptr<Server>> server =
        Server::BuildAndStart(options);
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument)
        << address;
    EXPECT_THAT(std::string(server.status().message()),
                ::testing::HasSubstr(absl::StrCat("--grpc_addr=", address,
                                                  " is not HOST:PORT")));
    // Refused before the store is touched.
    EXPECT_FALSE(std::filesystem::exists(options.data_dir)) << address;
  }
}

TEST(ServerTest, AStoreInUseByAnotherServerIsRefused) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> first =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(first.ok()) << first.status();
  // A second server on the same store would serve a copy of the graph that
  // the first one's writes never reach, and reuse its graph versions.
  ServerOptions options;
  options.data_dir = (*first)->data_dir() + "/store";
  options.grpc_addr = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<Server>> second =
      Server::BuildAndStart(options);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(second.status().message()),
              ::testing::HasSubstr("is in use by another citymatch-server"));
  // The store is free again once its server is gone (Restart reopens it).
  ASSERT_TRUE((*first)->Restart().ok());
}

TEST(ServerTest, AGraphStoreWithoutItsAdminStoreIsRefused) {
  TempDir data;
  // The graph copied without admin.db beside it: started, the server would
  // make a new admin token and lose every organisation and token.
  ASSERT_TRUE(SqliteStorage::Open(data.File("store")).ok());
  ServerOptions options;
  options.data_dir = data.File("store");
  options.grpc_addr = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::BuildAndStart(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(server.status().message()),
              ::testing::HasSubstr("holds citymatch.db but not admin.db"));
  EXPECT_FALSE(std::filesystem::exists(data.File("store/admin.token")));
}

TEST(ServerTest, AddressOfAnotherMachineSaysItIsNotOurs) {
  TempDir data;
  ServerOptions options;
  options.data_dir = data.File("store");
  // TEST-NET-1 (RFC 5737): never an address of this machine.
  options.grpc_addr = "192.0.2.1:0";
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::BuildAndStart(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(server.status().message()),
              ::testing::HasSubstr("not an address of this machine"));
}

}  // namespace
}  // namespace citymatch
