// Catalog.ImportDataset and ExportDataset through a real server in the
// process: all or nothing, every bad row named as "file:line", and an export
// that imports back into the same answers.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "citymatch/v1/admin.grpc.pb.h"
#include "gmock/gmock.h"
#include "graph/graph_store.h"
#include "graph/mutation.h"
#include "gtest/gtest.h"
#include "tests/server/in_process_server.h"
#include "tests/testing/sample_data.h"

namespace citymatch {
namespace {

using ::citymatch::testing::ExportFiles;
using ::citymatch::testing::FieldViolations;
using ::citymatch::testing::GraphVersion;
using ::citymatch::testing::ImportFiles;
using ::citymatch::testing::InProcessServer;
using ::citymatch::testing::ListAllCities;
using ::citymatch::testing::ListAllProjects;
using ::citymatch::testing::SampleFiles;
using ::citymatch::testing::ShippedDataDir;
using ::citymatch::testing::ViolatedFields;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::unique_ptr<InProcessServer> StartOrDie(
    const std::map<std::string, std::string>& seed) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(seed);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? std::move(*server) : nullptr;
}

std::vector<std::string> CityNames(v1::Catalog::Stub* catalog) {
  std::vector<v1::City> cities;
  int pages = 0;
  EXPECT_TRUE(ListAllCities(catalog, 1000, "", &cities, &pages).ok());
  std::vector<std::string> names;
  for (const v1::City& c : cities) names.push_back(c.name());
  return names;
}

// The graph version and the city names, as one comparable string: what a
// refused import must leave as it was.
std::string GraphVersionAndCities(v1::Catalog::Stub* catalog) {
  absl::StatusOr<int64_t> version = GraphVersion(catalog);
  EXPECT_TRUE(version.ok()) << version.status();
  return absl::StrCat(version.ok() ? *version : -1, ": ",
                      absl::StrJoin(CityNames(catalog), ","));
}

// `count` valid cities c0..c{count-1}, as cities.csv.
std::string ManyCities(int count) {
  std::string csv = "id,name,country,lat,lon,population\n";
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(&csv, "c", i, ",Town ", i, ",DE,", 47 + (i % 8), ".5,",
                    6 + (i % 9), ".25,", 1000 + i, "\n");
  }
  return csv;
}

TEST(ImportExportTest, ImportOfGoodDataAddsRowsAndAdvancesTheVersion) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  absl::StatusOr<int64_t> before = GraphVersion(server->catalog());
  ASSERT_TRUE(before.ok()) << before.status();

  const std::map<std::string, std::string> files = {
      {"cities.csv",
       "id,name,country,lat,lon,population\n"
       "gent,Gent,BE,51.05,3.71667,231493\n"
       "antwerpen,Antwerpen,BE,51.21989,4.40346,459805\n"},
      {"projects.csv",
       "id,name,programme,start_year,end_year,themes\n"
       "urbact-gent-arrival,Arrival in Flanders,URBACT III,2019,2021,"
       "Migrants|Housing\n"},
      {"memberships.csv",
       "project_id,city_id,role\n"
       "urbact-gent-arrival,gent,lead\n"
       "urbact-gent-arrival,antwerpen,partner\n"
       "urbact-gent-arrival,milano,partner\n"},
      {"twinnings.csv", "city_a,city_b\ngent,lyon\n"},
  };
  v1::ImportDatasetResponse response;
  // Tiny chunks: files are joined across messages.
  grpc::Status status = ImportFiles(server->catalog(), files, &response,
                                    /*validate_only=*/false, /*chunk_bytes=*/7);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.cities(), 2);
  EXPECT_EQ(response.projects(), 1);
  EXPECT_EQ(response.memberships(), 3);
  EXPECT_EQ(response.twinnings(), 1);
  EXPECT_GT(response.graph_version(), *before);
  absl::StatusOr<int64_t> after = GraphVersion(server->catalog());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, response.graph_version());

  EXPECT_THAT(CityNames(server->catalog()), Contains("cities/gent"));
  std::vector<v1::Project> of_milano;
  ASSERT_TRUE(
      ListAllProjects(server->catalog(), "cities/milano", "", &of_milano).ok());
  std::vector<std::string> names;
  for (const v1::Project& p : of_milano) names.push_back(p.name());
  EXPECT_THAT(names, ElementsAre("projects/urbact-arrival",
                                 "projects/urbact-gent-arrival"));
  grpc::ClientContext context;
  v1::GetProjectRequest get;
  get.set_name("projects/urbact-gent-arrival");
  v1::Project project;
  ASSERT_TRUE(server->catalog()->GetProject(&context, get, &project).ok());
  EXPECT_EQ(project.title(), "Arrival in Flanders");
  ASSERT_EQ(project.members_size(), 3);
}

TEST(ImportExportTest, RowsWithAnExistingIdReplaceTheResource) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  v1::ImportDatasetResponse response;
  grpc::Status status = ImportFiles(
      server->catalog(),
      {{"cities.csv",
        "id,name,country,lat,lon,population\n"
        "milano,Milano (Città metropolitana),IT,45.46427,9.18951,3214630\n"}},
      &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  grpc::ClientContext context;
  v1::GetCityRequest request;
  request.set_name("cities/milano");
  v1::City milano;
  ASSERT_TRUE(server->catalog()->GetCity(&context, request, &milano).ok());
  EXPECT_EQ(milano.display_name(), "Milano (Città metropolitana)");
  EXPECT_EQ(milano.population(), 3214630);
  EXPECT_EQ(CityNames(server->catalog()).size(), 8u);
  // Its projects still know it.
  std::vector<v1::Project> projects;
  ASSERT_TRUE(
      ListAllProjects(server->catalog(), "cities/milano", "", &projects).ok());
  EXPECT_EQ(projects.size(), 1u);
}

TEST(ImportExportTest, OneBadRowInTheLastLineOfALargeFileChangesNothing) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  const std::string before = GraphVersionAndCities(server->catalog());

  // 20000 good rows, then one with latitude 91 on line 20002 (the header is
  // line 1).
  std::string csv = ManyCities(20000);
  csv += "last,Last Town,DE,91,6.5,10\n";
  v1::ImportDatasetResponse response;
  grpc::Status status =
      ImportFiles(server->catalog(), {{"cities.csv", csv}}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::vector<std::string> fields = ViolatedFields(status);
  EXPECT_THAT(fields, ElementsAre("cities.csv:20002"));
  ASSERT_FALSE(FieldViolations(status).empty());
  EXPECT_EQ(FieldViolations(status)[0].description,
            "lat must be a number in -90..90");

  EXPECT_EQ(GraphVersionAndCities(server->catalog()), before);
}

TEST(ImportExportTest, EveryBadRowIsReportedAcrossFiles) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  const std::string before = GraphVersionAndCities(server->catalog());
  const std::map<std::string, std::string> files = {
      {"cities.csv",
       "id,name,country,lat,lon,population\n"
       "gent,Gent,BE,51.05,3.71667,231493\n"
       "nowhere,Nowhere,xx,10,10,5\n"      // line 3: country
       "antwerpen,Antwerpen,BE,51.2,4.4,459805\n"
       "Bad Id,Bad,BE,51,4,1\n"},          // line 5: id
      {"memberships.csv",
       "project_id,city_id,role\n"
       "urbact-arrival,gent,partner\n"
       "urbact-arrival,atlantis,partner\n"},  // line 3: unknown city
      {"twinnings.csv", "city_a,city_b\ngent,antwerpen\n"},
  };
  v1::ImportDatasetResponse response;
  grpc::Status status = ImportFiles(server->catalog(), files, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("cities.csv:3", "cities.csv:5",
                                   "memberships.csv:3"));
  // Nothing of the good rows was written either.
  EXPECT_EQ(GraphVersionAndCities(server->catalog()), before);
}

// Each bad row is a violation in the reply's metadata, which clients cap
// (the in-process channel here does not; CliImportTest has the real
// transport): the reply lists what fits and says how many more there are.
TEST(ImportExportTest, ManyBadRowsAreListedAsFarAsTheyFit) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  std::string csv = "id,name,country,lat,lon,population\n";
  for (int i = 0; i < 150; ++i) {
    absl::StrAppend(&csv, "town-", i, ",Town ", i, ",Germany,50,8,1000\n");
  }
  v1::ImportDatasetResponse response;
  grpc::Status status =
      ImportFiles(server->catalog(), {{"cities.csv", csv}}, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  const std::vector<testing::Violation> violations = FieldViolations(status);
  ASSERT_GE(violations.size(), 10u);
  EXPECT_LT(violations.size(), 100u);
  EXPECT_EQ(violations[0].field, "cities.csv:2");
  EXPECT_THAT(violations[0].description, ::testing::HasSubstr("Germany"));
  // The listed rows and the count of the others add up to all 150, though
  // the reader keeps only the first kMaxReportedProblems of them.
  EXPECT_EQ(violations.back().field, "request");
  EXPECT_THAT(violations.back().description,
              ::testing::StartsWith(absl::StrCat(
                  "and ", 150 - (violations.size() - 1), " more, not listed")));
  EXPECT_THAT(status.error_message(), ::testing::EndsWith("(and 149 more)"));
}

TEST(ImportExportTest, ValidateOnlyChecksButWritesNothing) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  absl::StatusOr<int64_t> before = GraphVersion(server->catalog());
  ASSERT_TRUE(before.ok());
  v1::ImportDatasetResponse response;
  grpc::Status status = ImportFiles(
      server->catalog(), {{"cities.csv", ManyCities(10)}}, &response,
      /*validate_only=*/true);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.cities(), 10);
  EXPECT_EQ(response.graph_version(), *before);
  EXPECT_EQ(CityNames(server->catalog()).size(), 8u);
}

TEST(ImportExportTest, UnknownFileOrEmptyImportIsInvalidArgument) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  v1::ImportDatasetResponse response;
  // A typo must not drop a file silently.
  grpc::Status status = ImportFiles(
      server->catalog(), {{"citites.csv", ManyCities(3)}}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("citites.csv"));
  status = ImportFiles(server->catalog(), {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CityNames(server->catalog()).size(), 8u);
}

TEST(ImportExportTest, ImportLargerThanTheLimitIsResourceExhausted) {
  CatalogOptions options;
  options.max_import_bytes = 4096;
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(SampleFiles(), options);
  ASSERT_TRUE(server.ok()) << server.status();
  v1::ImportDatasetResponse response;
  grpc::Status status = ImportFiles((*server)->catalog(),
                                    {{"cities.csv", ManyCities(1000)}},
                                    &response, false, /*chunk_bytes=*/1024);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(CityNames((*server)->catalog()).size(), 8u);
}

// The sequence number of the newest audit event, 0 if there is none.
int64_t NewestAuditSequence(InProcessServer& server) {
  std::unique_ptr<v1::Admin::Stub> admin = v1::Admin::NewStub(server.channel());
  grpc::ClientContext context;
  v1::ListAuditEventsResponse response;
  EXPECT_TRUE(
      admin->ListAuditEvents(&context, v1::ListAuditEventsRequest(), &response)
          .ok());
  return response.events().empty() ? 0 : response.events(0).sequence();
}

// The audit event of the first ImportDataset after the event `after`. The
// server records an import's outcome when it is done with it, which may be
// well after its client gave up: waits for it up to a minute.
std::optional<v1::AuditEvent> AwaitAuditedImport(InProcessServer& server,
                                                 int64_t after) {
  std::unique_ptr<v1::Admin::Stub> admin = v1::Admin::NewStub(server.channel());
  const absl::Time give_up = absl::Now() + absl::Minutes(1);
  do {
    grpc::ClientContext context;
    v1::ListAuditEventsResponse response;
    if (admin
            ->ListAuditEvents(&context, v1::ListAuditEventsRequest(), &response)
            .ok()) {
      // Newest first.
      for (auto e = response.events().rbegin(); e != response.events().rend();
           ++e) {
        if (e->sequence() > after && e->method() == "ImportDataset" &&
            e->result() != "PENDING") {
          return *e;
        }
      }
    }
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < give_up);
  return std::nullopt;
}

// Imports 100 valid cities with a deadline 2 s away; without
// `done_sending` the stream stays open, as a client would keep it while it
// has more to send.
grpc::Status ImportWithin2s(InProcessServer* server, bool done_sending) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(2));
  v1::ImportDatasetResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportDatasetRequest>> writer =
      server->catalog()->ImportDataset(&context, &response);
  v1::ImportDatasetRequest request;
  request.mutable_chunk()->set_file("cities.csv");
  request.mutable_chunk()->set_data(ManyCities(100));
  writer->Write(request);
  if (done_sending) writer->WritesDone();
  return writer->Finish();
}

// The client's deadline passes while it is still sending (a large folder, a
// slow link): the server used to apply the files it had received so far,
// while the client reported DEADLINE_EXCEEDED.
TEST(ImportExportTest, AnImportWhoseClientGaveUpWhileSendingWritesNothing) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  const std::string before = GraphVersionAndCities(server->catalog());
  const int64_t audited = NewestAuditSequence(*server);

  // A complete, valid file; the client would send more but gives up first.
  const grpc::Status status =
      ImportWithin2s(server.get(), /*done_sending=*/false);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << status.error_message();

  const std::optional<v1::AuditEvent> event =
      AwaitAuditedImport(*server, audited);
  ASSERT_TRUE(event.has_value());
  EXPECT_THAT(event->result(), AnyOf("DEADLINE_EXCEEDED", "CANCELLED"));
  EXPECT_EQ(GraphVersionAndCities(server->catalog()), before);
}

// The deadline passes while the server works on a complete import: here it
// waits for another write to finish, as it would behind a large import. The
// client reports DEADLINE_EXCEEDED; the import must not be applied when its
// turn comes, as it used to be.
TEST(ImportExportTest, AnImportPastItsDeadlineBeforeItsCommitWritesNothing) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  const std::string before = GraphVersionAndCities(server->catalog());
  const int64_t audited = NewestAuditSequence(*server);

  // Holds the store's write lock, and writes nothing, until released.
  absl::Notification holding;
  absl::Notification release;
  std::thread other_write([&] {
    Mutation mutation;
    City city;
    city.id = "holder";
    city.name = "Holder";
    city.country = "IT";
    city.lat = 45;
    city.lon = 9;
    mutation.put_cities.push_back(city);
    absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result =
        server->server()->store()->Apply(mutation, [&] {
          holding.Notify();
          release.WaitForNotification();
          return absl::AbortedError("only held the write lock");
        });
    EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted);
  });
  holding.WaitForNotification();

  const grpc::Status status =
      ImportWithin2s(server.get(), /*done_sending=*/true);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << status.error_message();
  // The server's deadline is the client's, give or take its transport's
  // rounding: let that pass too before the import gets the lock.
  absl::SleepFor(absl::Seconds(1));
  release.Notify();
  other_write.join();

  const std::optional<v1::AuditEvent> event =
      AwaitAuditedImport(*server, audited);
  ASSERT_TRUE(event.has_value());
  EXPECT_THAT(event->result(), AnyOf("DEADLINE_EXCEEDED", "CANCELLED"));
  EXPECT_EQ(GraphVersionAndCities(server->catalog()), before);
}

// Everything a client can read, as one comparable string.
std::string Answers(v1::Catalog::Stub* catalog) {
  std::string out;
  std::vector<v1::City> cities;
  int pages = 0;
  EXPECT_TRUE(ListAllCities(catalog, 1000, "", &cities, &pages).ok());
  for (v1::City& c : cities) out += c.SerializeAsString();
  std::vector<v1::Project> projects;
  EXPECT_TRUE(ListAllProjects(catalog, "", "", &projects).ok());
  for (v1::Project& p : projects) out += p.SerializeAsString();
  return out;
}

// The stored project, city and practice named, as the API shows them,
// without their etags (a replaced resource gets a new one).
std::vector<std::string> Stored(v1::Catalog::Stub* catalog,
                                const std::string& project,
                                const std::string& city,
                                const std::string& practice) {
  auto get = [catalog](auto method, auto request, auto resource,
                       const std::string& name) {
    grpc::ClientContext context;
    request.set_name(name);
    grpc::Status status = (catalog->*method)(&context, request, &resource);
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    resource.clear_etag();
    return resource.DebugString();
  };
  return {
      get(&v1::Catalog::Stub::GetProject, v1::GetProjectRequest(),
          v1::Project(), project),
      get(&v1::Catalog::Stub::GetCity, v1::GetCityRequest(), v1::City(), city),
      get(&v1::Catalog::Stub::GetPractice, v1::GetPracticeRequest(),
          v1::Practice(), practice)};
}

// What the interchange format has no column for, set through the API: a
// project in the making with an owner, wanted partners and rules; a city's
// profile; a practice's summary and URL.
void SetWhatTheFormatLacks(v1::Catalog::Stub* catalog) {
  {
    grpc::ClientContext context;
    v1::CreateProjectRequest request;
    request.set_project_id("eumia-plan");
    v1::Project* p = request.mutable_project();
    p->set_title("Welcome desks");
    p->set_programme("AMIF");
    p->add_themes("Migrants");
    p->set_start_year(2027);
    p->set_end_year(2029);
    p->set_status(v1::PROPOSAL);
    p->set_owner("organizations/milano-comune");
    p->set_wanted_partners(4);
    p->mutable_rules()->set_min_countries(3);
    v1::Membership* lead = p->add_members();
    lead->set_city("cities/milano");
    lead->set_role(v1::LEAD);
    v1::Membership* partner = p->add_members();
    partner->set_city("cities/lyon");
    partner->set_role(v1::PARTNER);
    v1::Project created;
    grpc::Status status = catalog->CreateProject(&context, request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    grpc::ClientContext context;
    v1::UpdateCityRequest request;
    request.mutable_city()->set_name("cities/milano");
    request.mutable_city()->mutable_profile()->add_languages("it");
    request.mutable_city()->mutable_profile()->set_capacity(2);
    request.mutable_update_mask()->add_paths("profile");
    v1::City updated;
    grpc::Status status = catalog->UpdateCity(&context, request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    grpc::ClientContext context;
    v1::UpdatePracticeRequest request;
    request.mutable_practice()->set_name("practices/eumia-bilbao-health");
    request.mutable_practice()->set_summary(
        "Health agents from the community.");
    request.mutable_practice()->set_source_url("https://example.org/bilbao");
    request.mutable_update_mask()->add_paths("summary");
    request.mutable_update_mask()->add_paths("source_url");
    v1::Practice updated;
    grpc::Status status = catalog->UpdatePractice(&context, request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
}

TEST(ImportExportTest, AnExportImportedBackIntoItsServerChangesNothing) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  {
    // The owner of the project below must exist.
    std::unique_ptr<v1::Admin::Stub> admin =
        v1::Admin::NewStub(server->channel());
    v1::CreateOrganizationRequest request;
    request.set_organization_id("milano-comune");
    request.mutable_organization()->set_display_name("Comune di Milano");
    v1::Organization created;
    grpc::ClientContext context;
    grpc::Status status =
        admin->CreateOrganization(&context, request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  SetWhatTheFormatLacks(server->catalog());
  if (::testing::Test::HasFatalFailure()) return;
  const std::vector<std::string> before =
      Stored(server->catalog(), "projects/eumia-plan", "cities/milano",
             "practices/eumia-bilbao-health");
  EXPECT_THAT(before[0], HasSubstr("organizations/milano-comune"));
  EXPECT_THAT(before[1], HasSubstr("capacity: 2"));
  EXPECT_THAT(before[2], HasSubstr("example.org"));
  const std::string answers = Answers(server->catalog());

  std::map<std::string, std::string> files;
  grpc::Status status = ExportFiles(server->catalog(), &files);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::ImportDatasetResponse response;
  status = ImportFiles(server->catalog(), files, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Stored(server->catalog(), "projects/eumia-plan", "cities/milano",
                   "practices/eumia-bilbao-health"),
            before);
  EXPECT_EQ(Answers(server->catalog()), answers);
}

v1::Project GetProjectOrDie(v1::Catalog::Stub* catalog,
                            const std::string& name) {
  grpc::ClientContext context;
  v1::GetProjectRequest request;
  request.set_name(name);
  v1::Project project;
  grpc::Status status = catalog->GetProject(&context, request, &project);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return project;
}

TEST(ImportExportTest, AProjectRowWithoutMembershipsKeepsTheStoredMembers) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  v1::ImportDatasetResponse response;
  grpc::Status status = ImportFiles(
      server->catalog(),
      {{"projects.csv",
        "id,name,programme,start_year,end_year,themes\n"
        "urbact-arrival,Arrival Cities (2nd phase),URBACT II,2012,2016,"
        "Migrants\n"}},
      &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::Project project =
      GetProjectOrDie(server->catalog(), "projects/urbact-arrival");
  EXPECT_EQ(project.title(), "Arrival Cities (2nd phase)");
  EXPECT_EQ(project.end_year(), 2016);
  EXPECT_THAT(project.themes(), ElementsAre("Migrants"));
  std::vector<std::string> members;
  for (const v1::Membership& m : project.members()) members.push_back(m.city());
  EXPECT_THAT(members, ElementsAre("cities/milano", "cities/roma",
                                   "cities/wien", "cities/bilbao"));
  EXPECT_EQ(project.members(0).role(), v1::LEAD);
}

TEST(ImportExportTest, AnImportKeepsWhatOthersWroteWhileItWasRead) {
  // An import merges each row into the stored resource of its id: a project
  // row without memberships keeps the stored members. Members another client
  // adds while the import is read and applied must not be undone by it.
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  // Enough rows that reading them takes a while: the window for others.
  const std::map<std::string, std::string> files = {
      {"cities.csv", ManyCities(20000)},
      {"projects.csv",
       "id,name,programme,start_year,end_year,themes\n"
       "urbact-arrival,Arrival Cities,URBACT II,2012,2015,Migrants\n"}};
  v1::ImportDatasetResponse response;
  ASSERT_TRUE(ImportFiles(server->catalog(), files, &response).ok());

  std::atomic<bool> importing{true};
  std::thread importer([&] {
    for (int i = 0; i < 4; ++i) {
      v1::ImportDatasetResponse r;
      grpc::Status status = ImportFiles(server->catalog(), files, &r);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    importing = false;
  });
  std::vector<std::string> added;
  for (int i = 0; importing && i < 90; ++i) {
    const std::string city = absl::StrCat("cities/c", i);
    for (;;) {
      v1::Project project =
          GetProjectOrDie(server->catalog(), "projects/urbact-arrival");
      v1::Membership* member = project.add_members();
      member->set_city(city);
      member->set_role(v1::PARTNER);
      grpc::ClientContext context;
      v1::UpdateProjectRequest request;
      *request.mutable_project() = project;
      request.mutable_update_mask()->add_paths("members");
      v1::Project updated;
      grpc::Status status =
          server->catalog()->UpdateProject(&context, request, &updated);
      if (status.error_code() == grpc::StatusCode::ABORTED) continue;
      ASSERT_TRUE(status.ok()) << status.error_message();
      break;
    }
    added.push_back(city);
    absl::SleepFor(absl::Milliseconds(5));
  }
  importer.join();
  ASSERT_FALSE(added.empty());
  v1::Project project =
      GetProjectOrDie(server->catalog(), "projects/urbact-arrival");
  std::vector<std::string> members;
  for (const v1::Membership& m : project.members()) members.push_back(m.city());
  for (const std::string& city : added) {
    EXPECT_THAT(members, Contains(city)) << "added, then undone by an import";
  }
}

TEST(ImportExportTest, AProjectRowWithMembershipsReplacesTheStoredMembers) {
  std::unique_ptr<InProcessServer> server = StartOrDie(SampleFiles());
  ASSERT_NE(server, nullptr);
  v1::ImportDatasetResponse response;
  grpc::Status status = ImportFiles(
      server->catalog(),
      {{"projects.csv",
        "id,name,programme,start_year,end_year,themes\n"
        "urbact-arrival,Arrival Cities,URBACT II,2012,2015,Migrants\n"},
       {"memberships.csv",
        "project_id,city_id,role\n"
        "urbact-arrival,roma,lead\n"
        "urbact-arrival,sevilla,partner\n"}},
      &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::Project project =
      GetProjectOrDie(server->catalog(), "projects/urbact-arrival");
  ASSERT_EQ(project.members_size(), 2);
  EXPECT_EQ(project.members(0).city(), "cities/roma");
  EXPECT_EQ(project.members(0).role(), v1::LEAD);
  EXPECT_EQ(project.members(1).city(), "cities/sevilla");
}

TEST(ImportExportTest, ExportImportedIntoAFreshServerGivesTheSameAnswers) {
  std::unique_ptr<InProcessServer> source = StartOrDie(SampleFiles());
  ASSERT_NE(source, nullptr);
  // A change made through the API must travel too.
  {
    grpc::ClientContext context;
    v1::CreateCityRequest request;
    request.set_city_id("krakow");
    request.mutable_city()->set_display_name("Kraków, \"Royal\" city");
    request.mutable_city()->set_country_code("PL");
    request.mutable_city()->set_latitude(50.06143);
    request.mutable_city()->set_longitude(19.93658);
    v1::City created;
    ASSERT_TRUE(source->catalog()->CreateCity(&context, request, &created).ok());
  }
  std::map<std::string, std::string> files;
  grpc::Status status = ExportFiles(source->catalog(), &files);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(files, Contains(::testing::Key("cities.csv")));
  EXPECT_THAT(files, Contains(::testing::Key("memberships.csv")));

  std::unique_ptr<InProcessServer> target = StartOrDie({});
  ASSERT_NE(target, nullptr);
  EXPECT_THAT(CityNames(target->catalog()), IsEmpty());
  v1::ImportDatasetResponse response;
  status = ImportFiles(target->catalog(), files, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.cities(), 9);
  EXPECT_EQ(response.projects(), 4);
  EXPECT_EQ(Answers(target->catalog()), Answers(source->catalog()));
}

TEST(ImportExportTest, ShippedDataExportsAndImportsBackToTheSameAnswers) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> source =
      InProcessServer::StartWithSeedDir(ShippedDataDir());
  ASSERT_TRUE(source.ok()) << source.status();
  std::map<std::string, std::string> files;
  grpc::Status status = ExportFiles((*source)->catalog(), &files);
  ASSERT_TRUE(status.ok()) << status.error_message();

  std::unique_ptr<InProcessServer> target = StartOrDie({});
  ASSERT_NE(target, nullptr);
  v1::ImportDatasetResponse response;
  status = ImportFiles(target->catalog(), files, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.cities(), 7166);
  EXPECT_EQ(response.projects(), 1986);
  EXPECT_EQ(Answers(target->catalog()), Answers((*source)->catalog()));

  // The ranking depends on everything in the graph: it is the same too.
  v1::RecommendPartnersRequest request;
  request.set_project("projects/urbact-arrival-cities");
  v1::RecommendPartnersResponse a, b;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(
        (*source)->matching()->RecommendPartners(&context, request, &a).ok());
  }
  {
    grpc::ClientContext context;
    ASSERT_TRUE(target->matching()->RecommendPartners(&context, request, &b).ok());
  }
  ASSERT_EQ(a.recommendations_size(), 10);
  ASSERT_EQ(b.recommendations_size(), 10);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(a.recommendations(i).city(), b.recommendations(i).city()) << i;
  }
}

// An ExportDataset stream whose client reads its first chunk and then no
// more: the server has admitted it and waits to send the rest.
class UnreadExport {
 public:
  explicit UnreadExport(v1::Catalog::Stub* catalog)
      : reader_(catalog->ExportDataset(&context_, v1::ExportDatasetRequest())) {
    v1::DatasetChunk chunk;
    admitted_ = reader_->Read(&chunk);
  }
  ~UnreadExport() {
    context_.TryCancel();
    reader_->Finish();
  }
  bool admitted() const { return admitted_; }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::DatasetChunk>> reader_;
  bool admitted_ = false;
};

// Every export holds the whole data set as text until its client has read
// it. A client that opened export streams and read none made the server
// hold one copy per stream (200 such streams of the shipped data: 76 MB to
// 520 MB of resident memory, and counting): only a few at once are sent,
// per token and in all, and the others are refused until one is done.
TEST(ImportExportTest, ExportsAtOnceAreLimitedPerTokenAndInAll) {
  CatalogOptions options;
  options.export_chunk_bytes = 64;  // many chunks: none finishes unread
  options.max_exports_per_token = 2;
  options.max_exports = 3;
  absl::StatusOr<std::unique_ptr<InProcessServer>> started =
      InProcessServer::Start(SampleFiles(), options);
  ASSERT_TRUE(started.ok()) << started.status();
  InProcessServer& server = **started;
  std::string viewer_token;
  {
    std::unique_ptr<v1::Admin::Stub> admin =
        v1::Admin::NewStub(server.channel());
    grpc::ClientContext context;
    v1::CreateTokenRequest request;
    request.set_role(v1::VIEWER);
    request.set_display_name("dashboard");
    v1::CreateTokenResponse response;
    ASSERT_TRUE(admin->CreateToken(&context, request, &response).ok());
    viewer_token = response.token();
  }
  std::unique_ptr<v1::Catalog::Stub> viewer =
      v1::Catalog::NewStub(server.server()->InProcessChannel(viewer_token));

  auto first = std::make_unique<UnreadExport>(server.catalog());
  auto second = std::make_unique<UnreadExport>(server.catalog());
  ASSERT_TRUE(first->admitted());
  ASSERT_TRUE(second->admitted());
  std::map<std::string, std::string> files;
  grpc::Status status = ExportFiles(server.catalog(), &files);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("at most 2"));

  // Another token still exports, up to the limit of all tokens together.
  UnreadExport third(viewer.get());
  EXPECT_TRUE(third.admitted());
  files.clear();
  status = ExportFiles(viewer.get(), &files);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("at most 3"));

  // Once its client cancels an export, its place is free again (the server
  // is told of the cancellation a moment later).
  first.reset();
  second.reset();
  const absl::Time give_up = absl::Now() + absl::Minutes(1);
  while (true) {
    files.clear();
    status = ExportFiles(server.catalog(), &files);
    if (status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED ||
        absl::Now() > give_up) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(files, Contains(::testing::Key("cities.csv")));
  // An export read to its end has given its place back by then: one after
  // the other, a client's exports are never refused.
  for (int i = 0; i < 5; ++i) {
    files.clear();
    status = ExportFiles(server.catalog(), &files);
    EXPECT_TRUE(status.ok()) << i << ": " << status.error_message();
  }
}

}  // namespace
}  // namespace citymatch
