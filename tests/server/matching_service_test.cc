// citymatch.v1.Matching.RecommendPartners through a real server in the
// process, on the shipped data set (the questions users ask) and on the small
// sample (where answers can be checked by hand).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/in_process_server.h"
#include "tests/testing/sample_data.h"

namespace citymatch {
namespace {

using ::citymatch::testing::FieldViolations;
using ::citymatch::testing::InProcessServer;
using ::citymatch::testing::ListAllCities;
using ::citymatch::testing::SampleFiles;
using ::citymatch::testing::ShippedDataDir;
using ::citymatch::testing::ViolatedFields;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kArrivalCities[] = "projects/urbact-arrival-cities";
constexpr char kMilano[] = "cities/3173435";
constexpr char kRoma[] = "cities/3169070";

double DistanceKm(const v1::City& a, const v1::City& b) {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kRad = M_PI / 180;
  const double dlat = (b.latitude() - a.latitude()) * kRad;
  const double dlon = (b.longitude() - a.longitude()) * kRad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.latitude() * kRad) *
                       std::cos(b.latitude() * kRad) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

std::vector<std::string> Cities(const v1::RecommendPartnersResponse& r) {
  std::vector<std::string> cities;
  for (const v1::Recommendation& rec : r.recommendations()) {
    cities.push_back(rec.city());
  }
  return cities;
}

// "theme -> suggestion" for each unmatched theme of `r`, in order.
std::vector<std::string> Unmatched(const v1::RecommendPartnersResponse& r) {
  std::vector<std::string> unmatched;
  for (const v1::UnmatchedTheme& u : r.unmatched_themes()) {
    unmatched.push_back(absl::StrCat(u.theme(), " -> ", u.suggestion()));
  }
  return unmatched;
}

// A field violation on `field` whose description `description` matches.
::testing::Matcher<testing::Violation> ViolationOf(
    const std::string& field,
    const ::testing::Matcher<const std::string&>& description) {
  return AllOf(::testing::Field(&testing::Violation::field, field),
               ::testing::Field(&testing::Violation::description, description));
}

v1::RecommendPartnersRequest MigrantsDraft() {
  v1::RecommendPartnersRequest request;
  v1::ProjectDraft* draft = request.mutable_draft();
  draft->add_themes("Migrants");
  draft->add_themes("Inclusion");
  draft->add_member_cities(kMilano);
  draft->add_member_cities(kRoma);
  return request;
}

// A server seeded once per test binary with the shipped data set: these tests
// only read (or write and undo nothing that the others look at).
class MatchingServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<InProcessServer>> server =
        InProcessServer::StartWithSeedDir(ShippedDataDir());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(server_, nullptr); }

  grpc::Status Recommend(const v1::RecommendPartnersRequest& request,
                         v1::RecommendPartnersResponse* response) {
    grpc::ClientContext context;
    return server_->matching()->RecommendPartners(&context, request, response);
  }

  v1::Project GetProject(const std::string& name) {
    grpc::ClientContext context;
    v1::GetProjectRequest request;
    request.set_name(name);
    v1::Project project;
    grpc::Status status =
        server_->catalog()->GetProject(&context, request, &project);
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    return project;
  }

  v1::City GetCity(const std::string& name) {
    grpc::ClientContext context;
    v1::GetCityRequest request;
    request.set_name(name);
    v1::City city;
    grpc::Status status = server_->catalog()->GetCity(&context, request, &city);
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    return city;
  }

  static InProcessServer* server_;
};

InProcessServer* MatchingServiceTest::server_ = nullptr;

TEST_F(MatchingServiceTest, ProjectGetsTenNonMembersWithReasonsAndComponents) {
  const v1::Project project = GetProject(kArrivalCities);
  ASSERT_GE(project.members_size(), 3);
  std::set<std::string> members;
  for (const v1::Membership& m : project.members()) members.insert(m.city());

  v1::RecommendPartnersRequest request;
  request.set_project(kArrivalCities);
  v1::RecommendPartnersResponse response;
  grpc::Status status = Recommend(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_THAT(response.recommendations(), SizeIs(10));
  EXPECT_GT(response.graph_version(), 0);
  EXPECT_FALSE(response.not_modified());
  std::set<std::string> seen;
  double previous = std::numeric_limits<double>::infinity();
  for (const v1::Recommendation& r : response.recommendations()) {
    EXPECT_FALSE(members.count(r.city())) << r.city() << " is a member";
    EXPECT_TRUE(seen.insert(r.city()).second) << r.city() << " twice";
    EXPECT_FALSE(r.reasons().empty()) << r.city();
    for (const std::string& reason : r.reasons()) EXPECT_FALSE(reason.empty());
    EXPECT_FALSE(r.components().empty()) << r.city();
    EXPECT_FALSE(r.display_name().empty()) << r.city();
    EXPECT_EQ(r.country_code().size(), 2u) << r.city();
    EXPECT_LE(r.score(), previous) << "not best first at " << r.city();
    previous = r.score();
    // The recommendation names a real city.
    EXPECT_EQ(GetCity(r.city()).display_name(), r.display_name());
  }
  // The scores tell the cities apart: a list of equal scores would only be
  // the id order that breaks ties, not a ranking.
  EXPECT_GT(response.recommendations(0).score(),
            response.recommendations(9).score());
}

TEST_F(MatchingServiceTest, DraftGetsTenRankedCitiesAndTheAnswerIsStable) {
  v1::RecommendPartnersResponse first;
  grpc::Status status = Recommend(MigrantsDraft(), &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_THAT(first.recommendations(), SizeIs(10));
  EXPECT_THAT(Cities(first), Not(Contains(kMilano)));
  EXPECT_THAT(Cities(first), Not(Contains(kRoma)));
  for (int i = 1; i < first.recommendations_size(); ++i) {
    EXPECT_GE(first.recommendations(i - 1).score(),
              first.recommendations(i).score());
  }
  for (const v1::Recommendation& r : first.recommendations()) {
    EXPECT_FALSE(r.reasons().empty()) << r.city();
  }
  EXPECT_GT(first.recommendations(0).score(), first.recommendations(9).score());
  // The same question gets the same ranking: clients compare answers.
  v1::RecommendPartnersResponse second;
  ASSERT_TRUE(Recommend(MigrantsDraft(), &second).ok());
  EXPECT_EQ(Cities(first), Cities(second));
  // A larger page extends the same ranking.
  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.set_page_size(100);
  v1::RecommendPartnersResponse longer;
  ASSERT_TRUE(Recommend(request, &longer).ok());
  ASSERT_THAT(longer.recommendations(), SizeIs(100));
  std::vector<std::string> head = Cities(longer);
  head.resize(10);
  EXPECT_EQ(head, Cities(first));
}

TEST_F(MatchingServiceTest, LeadCityCountsAsMember) {
  v1::RecommendPartnersRequest request = MigrantsDraft();
  v1::RecommendPartnersResponse without_lead;
  ASSERT_TRUE(Recommend(request, &without_lead).ok());
  ASSERT_FALSE(without_lead.recommendations().empty());
  const std::string top = without_lead.recommendations(0).city();
  request.mutable_draft()->set_lead_city(top);
  v1::RecommendPartnersResponse with_lead;
  ASSERT_TRUE(Recommend(request, &with_lead).ok());
  EXPECT_THAT(Cities(with_lead), Not(Contains(top)));
  EXPECT_THAT(Cities(with_lead), SizeIs(10));
}

TEST_F(MatchingServiceTest, IfNoneMatchCurrentVersionIsNotModified) {
  v1::RecommendPartnersRequest request;
  request.set_project(kArrivalCities);
  v1::RecommendPartnersResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  const int64_t version = response.graph_version();
  ASSERT_GT(version, 0);

  request.set_if_none_match(version);
  v1::RecommendPartnersResponse again;
  ASSERT_TRUE(Recommend(request, &again).ok());
  EXPECT_TRUE(again.not_modified());
  EXPECT_THAT(again.recommendations(), IsEmpty());
  EXPECT_EQ(again.graph_version(), version);

  // An old version gets the full answer.
  request.set_if_none_match(version - 1);
  v1::RecommendPartnersResponse full;
  ASSERT_TRUE(Recommend(request, &full).ok());
  EXPECT_FALSE(full.not_modified());
  EXPECT_EQ(Cities(full), Cities(response));
}

// A poller whose request has gone wrong (the project deleted, a bad page
// size) must hear of it, not be told nothing changed.
TEST_F(MatchingServiceTest, IfNoneMatchDoesNotHideAnError) {
  v1::RecommendPartnersRequest request;
  request.set_project(kArrivalCities);
  v1::RecommendPartnersResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  const int64_t version = response.graph_version();

  v1::RecommendPartnersRequest unknown;
  unknown.set_project("projects/no-such-project");
  unknown.set_if_none_match(version);
  v1::RecommendPartnersRequest too_many = request;
  too_many.set_page_size(500);
  too_many.set_if_none_match(version);
  v1::RecommendPartnersRequest no_target;
  no_target.set_if_none_match(version);
  v1::RecommendPartnersRequest unknown_member;
  unknown_member.mutable_draft()->add_member_cities("cities/atlantis");
  unknown_member.set_if_none_match(version);
  const std::vector<std::pair<v1::RecommendPartnersRequest, grpc::StatusCode>>
      cases = {{unknown, grpc::StatusCode::NOT_FOUND},
               {too_many, grpc::StatusCode::INVALID_ARGUMENT},
               {no_target, grpc::StatusCode::INVALID_ARGUMENT},
               {unknown_member, grpc::StatusCode::NOT_FOUND}};
  for (const auto& [bad, code] : cases) {
    v1::RecommendPartnersResponse reply;
    EXPECT_EQ(Recommend(bad, &reply).error_code(), code) << bad.DebugString();
    EXPECT_FALSE(reply.not_modified()) << bad.DebugString();
  }
}

TEST_F(MatchingServiceTest, UnknownProjectIsNotFound) {
  v1::RecommendPartnersRequest request;
  request.set_project("projects/no-such-project");
  v1::RecommendPartnersResponse response;
  EXPECT_EQ(Recommend(request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // So is a draft with an unknown member city.
  request = MigrantsDraft();
  request.mutable_draft()->add_member_cities("cities/atlantis");
  grpc::Status status = Recommend(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  // Most often a name typed for an id: the message says how to find one.
  EXPECT_THAT(status.error_message(),
              HasSubstr("no city has the id \"atlantis\": a city is "
                        "cities/{id} with its GeoNames id"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("citymatch cities list --name atlantis"));
}

TEST_F(MatchingServiceTest, MalformedRequestsAreInvalidArgumentNamingTheField) {
  struct Case {
    std::string what;
    v1::RecommendPartnersRequest request;
    std::vector<std::string> fields;
  };
  std::vector<Case> cases;
  {
    Case c{"empty draft", {}, {"draft"}};
    c.request.mutable_draft();
    cases.push_back(c);
  }
  cases.push_back({"no target", {}, {"target"}});
  {
    Case c{"page_size 101", MigrantsDraft(), {"page_size"}};
    c.request.set_page_size(101);
    cases.push_back(c);
  }
  {
    Case c{"101 themes", MigrantsDraft(), {"draft.themes"}};
    for (int i = 0; i < 100; ++i) c.request.mutable_draft()->add_themes("x");
    cases.push_back(c);
  }
  {
    Case c{"101 countries", MigrantsDraft(), {"filter.countries"}};
    for (int i = 0; i < 101; ++i) {
      c.request.mutable_filter()->add_countries("IT");
    }
    cases.push_back(c);
  }
  {
    Case c{"page_size -1", MigrantsDraft(), {"page_size"}};
    c.request.set_page_size(-1);
    cases.push_back(c);
  }
  {
    Case c{"bad project name", {}, {"project"}};
    c.request.set_project("urbact-arrival-cities");
    cases.push_back(c);
  }
  {
    Case c{"bad member", MigrantsDraft(), {"draft.member_cities[2]"}};
    c.request.mutable_draft()->add_member_cities("Milano");
    cases.push_back(c);
  }
  {
    Case c{"blank theme", MigrantsDraft(), {"draft.themes[1]"}};
    c.request.mutable_draft()->set_themes(1, "");
    cases.push_back(c);
  }
  {
    Case c{"bad country", MigrantsDraft(), {"filter.countries[0]"}};
    c.request.mutable_filter()->add_countries("Italy");
    cases.push_back(c);
  }
  {
    Case c{"negative distance", MigrantsDraft(), {"filter.max_distance_km"}};
    c.request.mutable_filter()->set_max_distance_km(-5);
    cases.push_back(c);
  }
  for (const Case& c : cases) {
    v1::RecommendPartnersResponse response;
    grpc::Status status = Recommend(c.request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.what;
    EXPECT_EQ(ViolatedFields(status), c.fields) << c.what;
    EXPECT_THAT(response.recommendations(), IsEmpty()) << c.what;
  }
}

TEST_F(MatchingServiceTest, MemberGivenByNameIsOneViolationExplainingIds) {
  v1::RecommendPartnersRequest request;
  request.mutable_draft()->add_member_cities("cities/San Sebastian");
  v1::RecommendPartnersResponse response;
  grpc::Status status = Recommend(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // The draft names a member, if a malformed one: it is not also "empty".
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(ViolationOf(
                  "draft.member_cities[0]",
                  AllOf(HasSubstr("is not a city id"), HasSubstr("GeoNames"),
                        HasSubstr("cities list --name \"San Sebastian\"")))))
      << status.error_message();
}

// Listed twice, a member would weigh twice in the ranking, where a stored
// project cannot list a city twice at all.
TEST_F(MatchingServiceTest, AMemberListedTwiceIsAViolation) {
  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.mutable_draft()->add_member_cities(kMilano);
  v1::RecommendPartnersResponse response;
  grpc::Status status = Recommend(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(ViolationOf("draft.member_cities[2]",
                                      HasSubstr("is listed twice (first as "
                                                "draft.member_cities[0])"))))
      << status.error_message();
}

TEST_F(MatchingServiceTest, ADraftHasAtMostAHundredMembersLikeAProject) {
  std::vector<v1::City> cities;
  int pages = 0;
  ASSERT_TRUE(
      ListAllCities(server_->catalog(), 1000, "", &cities, &pages).ok());
  ASSERT_GE(cities.size(), 1500u);
  auto draft = [&](int members) {
    v1::RecommendPartnersRequest request;
    request.mutable_draft()->add_themes("migration");
    for (int i = 0; i < members; ++i) {
      request.mutable_draft()->add_member_cities(cities[i].name());
    }
    return request;
  };
  v1::RecommendPartnersResponse response;
  grpc::Status status = Recommend(draft(100), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // A lead listed among the members counts once; one more is one too many.
  v1::RecommendPartnersRequest request = draft(100);
  request.mutable_draft()->set_lead_city(cities[0].name());
  ASSERT_TRUE(Recommend(request, &response).ok());
  request.mutable_draft()->set_lead_city(cities[100].name());
  status = Recommend(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(ViolationOf(
                  "draft.member_cities",
                  AllOf(HasSubstr("at most 100 cities, the lead included"),
                        HasSubstr("got 101")))))
      << status.error_message();

  // One violation for the list, not one for each of its cities.
  status = Recommend(draft(1500), &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("draft.member_cities"));
  EXPECT_THAT(status.error_message(), HasSubstr("got 1500"));
}

TEST_F(MatchingServiceTest, AtMostAHundredCitiesAreExcluded) {
  std::vector<v1::City> cities;
  int pages = 0;
  ASSERT_TRUE(
      ListAllCities(server_->catalog(), 1000, "", &cities, &pages).ok());
  ASSERT_GE(cities.size(), 101u);
  v1::RecommendPartnersRequest request = MigrantsDraft();
  for (int i = 0; i < 100; ++i) {
    request.mutable_filter()->add_exclude_cities(cities[i].name());
  }
  v1::RecommendPartnersResponse response;
  grpc::Status status = Recommend(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  request.mutable_filter()->add_exclude_cities(cities[100].name());
  status = Recommend(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(ViolationOf("filter.exclude_cities",
                                      HasSubstr("at most 100 cities"))))
      << status.error_message();
}

TEST_F(MatchingServiceTest, CountryThatIsNotACodeSaysWhatIsExpected) {
  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.mutable_filter()->add_countries("ES");
  request.mutable_filter()->add_countries("Italy");
  v1::RecommendPartnersResponse response;
  grpc::Status status = Recommend(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(ViolationOf(
                  "filter.countries[1]",
                  AllOf(HasSubstr("\"Italy\" is not an ISO 3166-1 alpha-2"),
                        HasSubstr("two-letter code such as IT")))))
      << status.error_message();
}

TEST_F(MatchingServiceTest, CountryFilterIgnoresCase) {
  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.mutable_filter()->add_countries("es");
  v1::RecommendPartnersResponse response;
  grpc::Status status = Recommend(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(response.recommendations().empty());
  for (const v1::Recommendation& r : response.recommendations()) {
    EXPECT_EQ(r.country_code(), "ES") << r.city();
  }
}

TEST_F(MatchingServiceTest, CountryFilterIsHonoured) {
  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.mutable_filter()->add_countries("ES");
  request.mutable_filter()->add_countries("PT");
  v1::RecommendPartnersResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  ASSERT_THAT(response.recommendations(), SizeIs(10));
  for (const v1::Recommendation& r : response.recommendations()) {
    EXPECT_TRUE(r.country_code() == "ES" || r.country_code() == "PT")
        << r.city() << " is in " << r.country_code();
    EXPECT_EQ(GetCity(r.city()).country_code(), r.country_code());
  }
}

TEST_F(MatchingServiceTest, ExcludedCitiesNeverAppear) {
  v1::RecommendPartnersResponse unfiltered;
  ASSERT_TRUE(Recommend(MigrantsDraft(), &unfiltered).ok());
  ASSERT_THAT(unfiltered.recommendations(), SizeIs(10));
  const std::vector<std::string> before = Cities(unfiltered);

  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.mutable_filter()->add_exclude_cities(before[0]);
  request.mutable_filter()->add_exclude_cities(before[3]);
  v1::RecommendPartnersResponse filtered;
  ASSERT_TRUE(Recommend(request, &filtered).ok());
  const std::vector<std::string> after = Cities(filtered);
  ASSERT_THAT(after, SizeIs(10));
  EXPECT_THAT(after, Not(Contains(before[0])));
  EXPECT_THAT(after, Not(Contains(before[3])));
  // The others keep their order: excluding is filtering, not re-ranking.
  std::vector<std::string> expected = before;
  expected.erase(expected.begin() + 3);
  expected.erase(expected.begin());
  std::vector<std::string> head(after.begin(), after.begin() + 8);
  EXPECT_EQ(head, expected);
}

TEST_F(MatchingServiceTest, ExcludingACityThatDoesNotExistIsRefused) {
  // "turin" is a well-formed id, but Turin's is 3165524: ignored, the
  // exclusion would leave Turin at the top of this very ranking.
  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.mutable_filter()->add_exclude_cities("cities/3165524");
  request.mutable_filter()->add_exclude_cities("cities/turin");
  v1::RecommendPartnersResponse response;
  grpc::Status status = Recommend(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(ViolationOf(
                  "filter.exclude_cities[1]",
                  AllOf(HasSubstr("no city has the id \"turin\""),
                        HasSubstr("GeoNames"),
                        HasSubstr("citymatch cities list --name turin")))))
      << status.error_message();
  EXPECT_THAT(response.recommendations(), IsEmpty());

  // A stored project's request is checked the same way.
  v1::RecommendPartnersRequest project;
  project.set_project(kArrivalCities);
  project.mutable_filter()->add_exclude_cities("cities/999999999");
  status = Recommend(project, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("filter.exclude_cities[0]"));
  // A mistyped number is no name to look up.
  EXPECT_THAT(FieldViolations(status)[0].description,
              HasSubstr("cities list --name NAME"));
}

TEST_F(MatchingServiceTest, MaxDistanceIsHonoured) {
  const v1::City milano = GetCity(kMilano);
  const v1::City roma = GetCity(kRoma);
  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.mutable_filter()->set_max_distance_km(150);
  v1::RecommendPartnersResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  ASSERT_FALSE(response.recommendations().empty());
  for (const v1::Recommendation& r : response.recommendations()) {
    const v1::City city = GetCity(r.city());
    const double nearest =
        std::min(DistanceKm(city, milano), DistanceKm(city, roma));
    EXPECT_LE(nearest, 150.5) << r.city() << " " << r.display_name();
  }
  // The unfiltered top 10 reaches further, or the test would prove nothing.
  v1::RecommendPartnersResponse unfiltered;
  ASSERT_TRUE(Recommend(MigrantsDraft(), &unfiltered).ok());
  double farthest = 0;
  for (const v1::Recommendation& r : unfiltered.recommendations()) {
    const v1::City city = GetCity(r.city());
    farthest = std::max(
        farthest, std::min(DistanceKm(city, milano), DistanceKm(city, roma)));
  }
  EXPECT_GT(farthest, 150);
}

TEST_F(MatchingServiceTest, MaxDistanceWithoutMemberCitiesIsRefused) {
  // Ignored, the bound let cities of the whole continent through.
  v1::RecommendPartnersRequest request;
  request.mutable_draft()->add_themes("migration");
  request.mutable_filter()->set_max_distance_km(10);
  v1::RecommendPartnersResponse response;
  grpc::Status status = Recommend(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(
      FieldViolations(status),
      ElementsAre(ViolationOf(
          "filter.max_distance_km",
          HasSubstr("measured from the member cities, and the draft has "
                    "none"))))
      << status.error_message();
  EXPECT_THAT(response.recommendations(), IsEmpty());

  // A lead is a member to measure from.
  request.mutable_draft()->set_lead_city(kMilano);
  ASSERT_TRUE(Recommend(request, &response).ok());
}

TEST_F(MatchingServiceTest, PopulationRangeIsHonoured) {
  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.mutable_filter()->set_min_population(100000);
  request.mutable_filter()->set_max_population(300000);
  v1::RecommendPartnersResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  ASSERT_THAT(response.recommendations(), SizeIs(10));
  for (const v1::Recommendation& r : response.recommendations()) {
    const int64_t population = GetCity(r.city()).population();
    EXPECT_GE(population, 100000) << r.city();
    EXPECT_LE(population, 300000) << r.city();
  }
}

TEST_F(MatchingServiceTest, ThemesThatMatchNothingAreListedWithASuggestion) {
  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.mutable_draft()->add_themes("migrnts");
  request.mutable_draft()->add_themes("xyz");
  request.mutable_draft()->add_themes("migrnts");
  v1::RecommendPartnersResponse response;
  grpc::Status status = Recommend(request, &response);
  // Not an error: the ranking falls back on what it can place.
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.recommendations(), SizeIs(10));
  EXPECT_THAT(Unmatched(response),
              ElementsAre("migrnts -> migration", "xyz -> "));
}

TEST_F(MatchingServiceTest, AProgrammeIsMatchedWithoutItsPunctuation) {
  // Stored as "2014 - 2020 INTERREG V-A Romania - Bulgaria".
  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.mutable_draft()->set_programme(
      "2014-2020 Interreg V-A Romania-Bulgaria");
  v1::RecommendPartnersResponse typed;
  ASSERT_TRUE(Recommend(request, &typed).ok());
  EXPECT_FALSE(typed.has_unmatched_programme());
  request.mutable_draft()->set_programme(
      "2014 - 2020 INTERREG V-A Romania - Bulgaria");
  v1::RecommendPartnersResponse stored;
  ASSERT_TRUE(Recommend(request, &stored).ok());
  ASSERT_EQ(typed.recommendations_size(), stored.recommendations_size());
  for (int i = 0; i < typed.recommendations_size(); ++i) {
    EXPECT_EQ(typed.recommendations(i).city(),
              stored.recommendations(i).city());
  }
}

TEST_F(MatchingServiceTest, AProgrammeThatMatchesNoneIsSaidWithASuggestion) {
  v1::RecommendPartnersRequest request = MigrantsDraft();
  v1::RecommendPartnersResponse response;
  // A part of a stored name.
  request.mutable_draft()->set_programme("Interreg Romania Bulgaria");
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_THAT(response.recommendations(), SizeIs(10));
  EXPECT_EQ(response.unmatched_programme().programme(),
            "Interreg Romania Bulgaria");
  // "Romania Bulgaria" alone is held by the stored name; with "Interreg"
  // before it, only a near miss could match, and none is near.
  EXPECT_EQ(response.unmatched_programme().suggestion(), "");
  request.mutable_draft()->set_programme("Romania Bulgaria");
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_EQ(response.unmatched_programme().suggestion(),
            "2014 - 2020 INTERREG V-A Romania - Bulgaria");
  // A typo.
  request.mutable_draft()->set_programme("URBAKT");
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_EQ(response.unmatched_programme().suggestion(), "URBACT");
  // A programme in another case is matched, and not listed.
  request.mutable_draft()->set_programme("urbact");
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_FALSE(response.has_unmatched_programme());
}

TEST_F(MatchingServiceTest, ThemesTheTaxonomyPlacesAreNotListed) {
  v1::RecommendPartnersRequest request = MigrantsDraft();
  request.mutable_draft()->add_themes("housing");      // a theme id
  request.mutable_draft()->add_themes("  REFUGEES ");  // a synonym
  // Placed by the keyword "immigra", although no theme is named so.
  request.mutable_draft()->add_themes("Reception of newly arrived immigrants");
  v1::RecommendPartnersResponse response;
  ASSERT_TRUE(Recommend(request, &response).ok());
  EXPECT_THAT(response.unmatched_themes(), IsEmpty());

  // A stored project's themes are labels of the data.
  v1::RecommendPartnersRequest project;
  project.set_project(kArrivalCities);
  ASSERT_TRUE(Recommend(project, &response).ok());
  EXPECT_THAT(response.unmatched_themes(), IsEmpty());
}

TEST_F(MatchingServiceTest, ADraftWithoutMembersAndNoKnownThemeIsRefused) {
  // Ranked anyway, "migrnts" alone got the most popular cities, answering a
  // typo as if it were a question.
  v1::RecommendPartnersRequest request;
  request.mutable_draft()->add_themes("migrnts");
  request.mutable_draft()->add_themes("xyz");
  v1::RecommendPartnersResponse response;
  grpc::Status status = Recommend(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  const std::vector<testing::Violation> violations = FieldViolations(status);
  ASSERT_EQ(violations.size(), 2u) << status.error_message();
  EXPECT_EQ(violations[0].field, "draft.themes[0]");
  EXPECT_THAT(violations[0].description,
              AllOf(HasSubstr("\"migrnts\" matches no theme"),
                    HasSubstr("without a member city"),
                    HasSubstr("did you mean \"migration\"?")));
  EXPECT_EQ(violations[1].field, "draft.themes[1]");
  EXPECT_THAT(violations[1].description,
              AllOf(HasSubstr("\"xyz\" matches no theme"),
                    Not(HasSubstr("did you mean"))));
  EXPECT_THAT(response.recommendations(), IsEmpty());

  // One theme the graph knows is enough to rank from; the other is a note.
  request.mutable_draft()->add_themes("migration");
  status = Recommend(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.recommendations(), SizeIs(10));
  EXPECT_THAT(Unmatched(response),
              ElementsAre("migrnts -> migration", "xyz -> "));

  // So is a member city, given as the lead.
  v1::RecommendPartnersRequest led;
  led.mutable_draft()->add_themes("migrnts");
  led.mutable_draft()->set_lead_city(kMilano);
  status = Recommend(led, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(Unmatched(response), ElementsAre("migrnts -> migration"));
}

TEST_F(MatchingServiceTest, AnUnmatchedThemeRanksAsIfItWereNotThere) {
  // What the note tells the user: a typo gets the answer of any other
  // unknown word, without the theme's evidence.
  auto draft = [](const std::string& theme) {
    v1::RecommendPartnersRequest request;
    request.mutable_draft()->add_themes(theme);
    request.mutable_draft()->add_member_cities(kMilano);
    request.mutable_draft()->add_member_cities(kRoma);
    return request;
  };
  v1::RecommendPartnersResponse typo, nonsense, meant;
  ASSERT_TRUE(Recommend(draft("migrnts"), &typo).ok());
  ASSERT_TRUE(Recommend(draft("xyz"), &nonsense).ok());
  ASSERT_TRUE(Recommend(draft("migration"), &meant).ok());
  EXPECT_EQ(Cities(typo), Cities(nonsense));
  EXPECT_THAT(Unmatched(typo), ElementsAre("migrnts -> migration"));
  EXPECT_THAT(meant.unmatched_themes(), IsEmpty());
  EXPECT_NE(Cities(typo), Cities(meant));
}

// A data set with a label of its own: the label matches, and a near miss of it
// is suggested as the data spells it (normalised).
TEST(MatchingServiceLabelsTest, LabelsOfTheDataMatchAndAreSuggested) {
  std::map<std::string, std::string> files = SampleFiles();
  const std::string known = "Health and social services\n";
  std::string& projects = files["projects.csv"];
  const size_t at = projects.find(known);
  ASSERT_NE(at, std::string::npos);
  projects.replace(at, known.size(),
                   "Health and social services|Fire Brigades\n");
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(files);
  ASSERT_TRUE(server.ok()) << server.status();

  v1::RecommendPartnersRequest request;
  request.mutable_draft()->add_themes("fire brigades");
  request.mutable_draft()->add_themes("Fire brigdes");
  request.mutable_draft()->add_member_cities("cities/milano");
  v1::RecommendPartnersResponse response;
  grpc::ClientContext context;
  grpc::Status status =
      (*server)->matching()->RecommendPartners(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(Unmatched(response),
              ElementsAre("Fire brigdes -> fire brigades"));
}

// Stores the project `id` with `themes` and no member city yet.
void CreateProjectWithoutMembers(InProcessServer* server, const std::string& id,
                                 const std::vector<std::string>& themes) {
  grpc::ClientContext context;
  v1::CreateProjectRequest create;
  create.set_project_id(id);
  create.mutable_project()->set_title("Looking for partners");
  for (const std::string& t : themes) create.mutable_project()->add_themes(t);
  v1::Project created;
  grpc::Status status =
      server->catalog()->CreateProject(&context, create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

TEST(MatchingServiceWriteTest, AStoredProjectWithNothingToRankFromIsRefused) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(server.ok()) << server.status();
  // The store takes a project before its members and themes are known.
  CreateProjectWithoutMembers(server->get(), "blank", {});
  if (HasFatalFailure()) return;
  v1::RecommendPartnersRequest request;
  request.set_project("projects/blank");
  v1::RecommendPartnersResponse response;
  grpc::ClientContext context;
  grpc::Status status =
      (*server)->matching()->RecommendPartners(&context, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(ViolationOf(
                  "project",
                  HasSubstr("projects/blank has no member city and no theme"))))
      << status.error_message();
}

// Writes: a fresh server on the sample data, so the shared one stays as
// shipped.
TEST(MatchingServiceWriteTest, MaxDistanceForAProjectWithoutMembersIsRefused) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(server.ok()) << server.status();
  CreateProjectWithoutMembers(server->get(), "seeking", {"Migrants"});
  if (HasFatalFailure()) return;
  auto recommend = [&](double max_distance_km,
                       v1::RecommendPartnersResponse* response) {
    v1::RecommendPartnersRequest request;
    request.set_project("projects/seeking");
    request.mutable_filter()->set_max_distance_km(max_distance_km);
    grpc::ClientContext context;
    return (*server)->matching()->RecommendPartners(&context, request,
                                                    response);
  };
  // Its themes alone rank, as for a draft...
  v1::RecommendPartnersResponse response;
  grpc::Status status = recommend(0, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.recommendations(), Not(IsEmpty()));
  // ...and, as for a draft, a distance bound has nothing to measure from.
  status = recommend(10, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(ViolationOf("filter.max_distance_km",
                                      HasSubstr("projects/seeking has none"))))
      << status.error_message();
}

TEST(MatchingServiceWriteTest, AfterAWriteTheSameIfNoneMatchGetsABody) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(server.ok()) << server.status();
  v1::Matching::Stub* matching = (*server)->matching();

  v1::RecommendPartnersRequest request;
  request.set_project("projects/urbact-arrival");
  v1::RecommendPartnersResponse first;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(matching->RecommendPartners(&context, request, &first).ok());
  }
  // Members milano, roma, wien, bilbao are never recommended; the other four
  // cities all are (the page is larger than what is left).
  EXPECT_THAT(Cities(first), ::testing::UnorderedElementsAre(
                                 "cities/graz", "cities/lyon", "cities/sevilla",
                                 "cities/torino"));
  const int64_t version = first.graph_version();

  // A write: lyon joins the project.
  v1::Project project;
  {
    grpc::ClientContext context;
    v1::GetProjectRequest get;
    get.set_name("projects/urbact-arrival");
    ASSERT_TRUE((*server)->catalog()->GetProject(&context, get, &project).ok());
  }
  project.add_members()->set_city("cities/lyon");
  {
    grpc::ClientContext context;
    v1::UpdateProjectRequest update;
    *update.mutable_project() = project;
    update.mutable_update_mask()->add_paths("members");
    v1::Project updated;
    grpc::Status status =
        (*server)->catalog()->UpdateProject(&context, update, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  request.set_if_none_match(version);
  v1::RecommendPartnersResponse second;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(matching->RecommendPartners(&context, request, &second).ok());
  }
  EXPECT_FALSE(second.not_modified());
  EXPECT_GT(second.graph_version(), version);
  EXPECT_THAT(Cities(second),
              ::testing::UnorderedElementsAre("cities/graz", "cities/sevilla",
                                              "cities/torino"));
  // And the new version is then "not modified".
  request.set_if_none_match(second.graph_version());
  v1::RecommendPartnersResponse third;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(matching->RecommendPartners(&context, request, &third).ok());
  }
  EXPECT_TRUE(third.not_modified());
  EXPECT_THAT(third.recommendations(), IsEmpty());
}

}  // namespace
}  // namespace citymatch
