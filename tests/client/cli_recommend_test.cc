// End-to-end tests of `citymatch recommend`: stored projects and drafts,
// --top, the filters and --explain, on the sample and the shipped data.
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/cli_fixture.h"
#include "tests/testing/sample_data.h"

namespace citymatch::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

using CliRecommendTest = CliTest;

// The ids of a RecommendPartnersResponse's cities, best first.
std::vector<std::string> Recommended(const nlohmann::json& response) {
  return CliTest::Ids(response, "recommendations", "city");
}

TEST_F(CliRecommendTest, StoredProjectNeverReturnsItsMembers) {
  // urbact-arrival: milano, roma, wien, bilbao; four cities remain.
  const nlohmann::json response =
      Json({"recommend", "urbact-arrival", "--top", "10"});
  const std::vector<std::string> ids = Recommended(response);
  EXPECT_THAT(ids, SizeIs(4));
  for (const char* member : {"milano", "roma", "wien", "bilbao"}) {
    EXPECT_THAT(ids, Not(Contains(member)));
  }
  // Proto JSON writes int64 as a string.
  EXPECT_NE(response["graph_version"], "0");
}

TEST_F(CliRecommendTest, TableShowsRankCityCountryScoreAndReasons) {
  const nlohmann::json response = Json({"recommend", "urbact-arrival"});
  const CliResult table = Cli({"recommend", "projects/urbact-arrival"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, StartsWith("RANK"));
  EXPECT_THAT(table.out, AllOf(HasSubstr("CITY"), HasSubstr("COUNTRY"),
                               HasSubstr("SCORE")));
  int rank = 0;
  for (const nlohmann::json& r : response["recommendations"]) {
    ++rank;
    // "<rank>  <name> (<cities/id>)" on one row...
    const std::string city = r["display_name"].get<std::string>() + " (" +
                             r["city"].get<std::string>() + ")";
    EXPECT_THAT(table.out, HasSubstr("\n" + std::to_string(rank) + " "));
    EXPECT_THAT(table.out, HasSubstr(city));
    // ...and every reason indented under it.
    for (const nlohmann::json& reason : r["reasons"]) {
      EXPECT_THAT(table.out,
                  HasSubstr("\n      - " + reason.get<std::string>() + "\n"));
    }
  }
  EXPECT_GT(rank, 0);
}

TEST_F(CliRecommendTest, DraftWithThemesAndMembers) {
  const nlohmann::json response =
      Json({"recommend", "--themes", "Migrants,Housing", "--with",
            "milano,cities/roma", "--top", "3"});
  const std::vector<std::string> ids = Recommended(response);
  EXPECT_THAT(ids, SizeIs(3));
  EXPECT_THAT(ids, Not(Contains("milano")));
  EXPECT_THAT(ids, Not(Contains("roma")));
  for (const nlohmann::json& r : response["recommendations"]) {
    EXPECT_FALSE(r["reasons"].empty()) << r;
  }
}

TEST_F(CliRecommendTest, ThemeThatMatchesNothingGetsANoteOnStderr) {
  const CliResult typo = Cli({"recommend", "--themes", "migrnts,Housing",
                              "--with", "milano", "--top", "1"});
  // The ranking goes on without it: a note, not an error.
  ASSERT_EQ(typo.exit_code, 0) << typo;
  EXPECT_THAT(typo.out, StartsWith("RANK"));
  EXPECT_EQ(typo.err,
            "note: theme \"migrnts\" matches no theme; the ranking ignores it "
            "(did you mean \"migration\"? see citymatch themes list)\n");

  const CliResult nonsense =
      Cli({"recommend", "--themes", "xyz", "--with", "milano", "--top", "1"});
  ASSERT_EQ(nonsense.exit_code, 0) << nonsense;
  EXPECT_EQ(nonsense.err,
            "note: theme \"xyz\" matches no theme; the ranking ignores it "
            "(see citymatch themes list)\n");

  // JSON on stdout stays parseable and carries the same.
  const CliResult json = Cli({"--output", "json", "recommend", "--themes",
                              "migrnts", "--with", "milano", "--top", "1"});
  ASSERT_EQ(json.exit_code, 0) << json;
  const nlohmann::json response = nlohmann::json::parse(json.out);
  ASSERT_EQ(response["unmatched_themes"].size(), 1u) << response;
  EXPECT_EQ(response["unmatched_themes"][0]["theme"], "migrnts");
  EXPECT_EQ(response["unmatched_themes"][0]["suggestion"], "migration");
  EXPECT_THAT(json.err, HasSubstr("note: theme \"migrnts\""));
}

TEST_F(CliRecommendTest, ThemesAloneThatMatchNothingAreRefused) {
  // Without --with there is nothing else to rank from: an error naming the
  // typo and its likely meaning, not a note over a list of popular cities.
  const CliResult typo = Cli({"recommend", "--themes", "migrnts"});
  EXPECT_EQ(typo.exit_code, 3) << typo;
  EXPECT_EQ(typo.out, "");
  EXPECT_EQ(typo.err,
            "error: INVALID_ARGUMENT: draft.themes[0]: \"migrnts\" matches no "
            "theme, and without a member city the draft gives nothing else to "
            "rank from; did you mean \"migration\"? (citymatch themes list)\n");
}

TEST_F(CliRecommendTest, KnownThemesGetNoNote) {
  const CliResult known =
      Cli({"recommend", "--themes", "migration,Housing,Social inclusion",
           "--with", "milano", "--top", "1"});
  ASSERT_EQ(known.exit_code, 0) << known;
  EXPECT_EQ(known.err, "");
}

TEST_F(CliRecommendTest, LeadCountsAsAMember) {
  const std::vector<std::string> ids = Recommended(Json(
      {"recommend", "--themes", "Migrants", "--lead", "lyon", "--top", "10"}));
  EXPECT_THAT(ids, Not(Contains("lyon")));
  EXPECT_THAT(ids, SizeIs(7));
}

TEST_F(CliRecommendTest, TopIsHonoured) {
  EXPECT_THAT(Recommended(Json({"recommend", "urbact-arrival", "--top", "1"})),
              SizeIs(1));
  EXPECT_THAT(Recommended(Json({"recommend", "urbact-arrival", "--top", "2"})),
              SizeIs(2));
}

TEST_F(CliRecommendTest, FiltersAreHonoured) {
  const nlohmann::json austria =
      Json({"recommend", "--with", "milano", "--countries", "at"});
  EXPECT_THAT(Recommended(austria),
              ::testing::UnorderedElementsAre("graz", "wien"));
  for (const nlohmann::json& r : austria["recommendations"]) {
    EXPECT_EQ(r["country_code"], "AT");
  }

  const std::vector<std::string> big = Recommended(
      Json({"recommend", "--with", "milano", "--min-population", "1000000"}));
  EXPECT_THAT(big, ::testing::UnorderedElementsAre("roma", "wien"));

  const std::vector<std::string> excluded =
      Recommended(Json({"recommend", "--with", "milano", "--exclude",
                        "wien,cities/roma", "--top", "10"}));
  EXPECT_THAT(excluded, SizeIs(5));
  EXPECT_THAT(excluded, Not(Contains("wien")));
  EXPECT_THAT(excluded, Not(Contains("roma")));

  // Torino is 126 km from Milano; Lyon is 336 km away.
  const std::vector<std::string> near = Recommended(
      Json({"recommend", "--with", "milano", "--max-distance-km", "200"}));
  EXPECT_THAT(near, ::testing::ElementsAre("torino"));
}

// Fewer rows than --top asked for are said, with what left no more; the
// note goes to stderr, so --output json stays parseable.
TEST_F(CliRecommendTest, AShortListSaysWhy) {
  const CliResult austria =
      Cli({"recommend", "--with", "milano", "--countries", "at"});
  ASSERT_EQ(austria.exit_code, 0) << austria;
  EXPECT_THAT(austria.err,
              HasSubstr("note: only 2 cities of the 10 asked for: no other "
                        "city passes the filters"));
  // The sample holds 8 cities: a member and 7 others.
  const CliResult all = Cli({"recommend", "--with", "milano", "--top", "20"});
  ASSERT_EQ(all.exit_code, 0) << all;
  EXPECT_THAT(all.err, HasSubstr("note: only 7 cities of the 20 asked for: "
                                 "the graph holds no other city but the "
                                 "members"));
  const CliResult full = Cli({"recommend", "--with", "milano", "--top", "3"});
  EXPECT_THAT(full.err, Not(HasSubstr("note:"))) << full;
}

TEST_F(CliRecommendTest, MaxDistanceWithoutMembersIsRefused) {
  const CliResult result =
      Cli({"recommend", "--themes", "migration", "--max-distance-km", "10"});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "error: INVALID_ARGUMENT: filter.max_distance_km: is measured from "
            "the member cities, and the draft has none (0: no bound)\n");
}

TEST_F(CliRecommendTest, ExplainShowsEachScoreComponent) {
  const nlohmann::json response =
      Json({"recommend", "urbact-arrival", "--top", "2"});
  const CliResult plain = Cli({"recommend", "urbact-arrival", "--top", "2"});
  const CliResult explained =
      Cli({"recommend", "urbact-arrival", "--top", "2", "--explain"});
  ASSERT_EQ(explained.exit_code, 0) << explained;
  EXPECT_THAT(plain.out, Not(HasSubstr("contribution")));
  int components = 0;
  for (const nlohmann::json& r : response["recommendations"]) {
    for (const nlohmann::json& c : r["components"]) {
      ++components;
      EXPECT_THAT(explained.out,
                  HasSubstr("      " + c["name"].get<std::string>()));
    }
  }
  EXPECT_GT(components, 0);
  EXPECT_THAT(explained.out,
              AllOf(HasSubstr("value"), HasSubstr("contribution")));
}

TEST_F(CliRecommendTest, UnknownProjectExitsThreeWithNotFound) {
  const CliResult result = Cli({"recommend", "no-such-project"});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err, StartsWith("error: NOT_FOUND: "));
}

TEST_F(CliRecommendTest, MemberGivenByNameSaysHowToFindItsId) {
  const CliResult result = Cli({"recommend", "--with", "Milan"});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err, HasSubstr("\"cities/Milan\" is not a city id"));
  EXPECT_THAT(result.err, HasSubstr("citymatch cities list --name Milan"));
  EXPECT_THAT(result.err, Not(HasSubstr("needs at least one")));
}

// `projects create` takes member cities as --member: typed here, the hint
// names recommend's --with, and the other way round.
TEST_F(CliRecommendTest, MemberFlagOfProjectsPointsToWith) {
  const CliResult member =
      Cli({"recommend", "--themes", "Migrants", "--member", "milano"});
  EXPECT_EQ(member.exit_code, 2) << member;
  EXPECT_THAT(member.err,
              StartsWith("error: unknown flag --member; did you mean --with? "
                         "(citymatch recommend --help lists them)\n"));
  const CliResult with =
      Cli({"projects", "create", "p", "--title", "P", "--with", "milano"});
  EXPECT_EQ(with.exit_code, 2) << with;
  EXPECT_THAT(with.err, StartsWith("error: unknown flag --with; did you mean "
                                   "--member?"));
}

TEST_F(CliRecommendTest, ExcludedCityThatDoesNotExistIsRefused) {
  // The sample's Turin is "torino": "turin" would exclude nothing.
  const CliResult unknown =
      Cli({"recommend", "--with", "milano", "--exclude", "roma,turin"});
  EXPECT_EQ(unknown.exit_code, 3) << unknown;
  EXPECT_EQ(unknown.out, "");
  EXPECT_EQ(unknown.err,
            "error: INVALID_ARGUMENT: filter.exclude_cities[1]: no city has "
            "the id \"turin\": a city is cities/{id} with its GeoNames id, "
            "e.g. cities/3173435 for Milan; find it by name with: citymatch "
            "cities list --name turin\n");

  // A name that is not even an id keeps its own hint.
  const CliResult name =
      Cli({"recommend", "--with", "milano", "--exclude", "Turin"});
  EXPECT_EQ(name.exit_code, 3) << name;
  EXPECT_THAT(name.err, HasSubstr("\"cities/Turin\" is not a city id"));
  EXPECT_THAT(name.err, HasSubstr("citymatch cities list --name Turin"));
}

TEST_F(CliRecommendTest, TooManyMembersAreRefused) {
  // Over the limit the cities are not looked up: these need not exist.
  std::string cities = "milano";
  for (int i = 1; i <= 100; ++i) cities += ",city" + std::to_string(i);
  const CliResult members = Cli({"recommend", "--with", cities});
  EXPECT_EQ(members.exit_code, 3) << members;
  EXPECT_EQ(members.err,
            "error: INVALID_ARGUMENT: draft.member_cities: at most 100 cities, "
            "the lead included (as many as a project may have); got 101\n");
}

TEST_F(CliRecommendTest, TooManyExclusionsAreRefused) {
  std::string cities = "torino";
  for (int i = 1; i <= 100; ++i) cities += ",city" + std::to_string(i);
  const CliResult result =
      Cli({"recommend", "--with", "milano", "--exclude", cities});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_EQ(result.err,
            "error: INVALID_ARGUMENT: filter.exclude_cities: at most 100 "
            "cities, got 101\n");
}

TEST_F(CliRecommendTest, BadFilterValuePrintsTheFieldViolation) {
  const CliResult result =
      Cli({"recommend", "urbact-arrival", "--countries", "ITA"});
  EXPECT_EQ(result.exit_code, 3) << result;
  // One violation: the summary line is it, printed once.
  EXPECT_EQ(result.err,
            "error: INVALID_ARGUMENT: filter.countries[0]: \"ITA\" is not an "
            "ISO 3166-1 alpha-2 country code; expected a two-letter code such "
            "as IT\n");
}

// The shipped data set, as a partner institution would query it.
class CliRecommendShippedTest : public CliTest {
 protected:
  void SetUp() override { StartServer(ShippedDataDir()); }
};

TEST_F(CliRecommendShippedTest, ArrivalCitiesGetsTenNewPartnersWithReasons) {
  const nlohmann::json project =
      Json({"projects", "get", "urbact-arrival-cities"});
  std::set<std::string> members;
  for (const nlohmann::json& m : project["members"]) {
    members.insert(m["city"].get<std::string>());
  }
  ASSERT_GE(members.size(), 3u);

  const nlohmann::json response =
      Json({"recommend", "projects/urbact-arrival-cities"});
  ASSERT_EQ(response["recommendations"].size(), 10u) << response;
  double previous = 1e300;
  for (const nlohmann::json& r : response["recommendations"]) {
    EXPECT_EQ(members.count(r["city"]), 0u) << r["city"];
    EXPECT_FALSE(r["reasons"].empty()) << r;
    // The components are the parts the score is made of.
    ASSERT_FALSE(r["components"].empty()) << r;
    double sum = 0;
    for (const nlohmann::json& c : r["components"]) {
      sum += c["contribution"].get<double>();
    }
    EXPECT_NEAR(sum, r["score"].get<double>(), 1e-6) << r;
    EXPECT_LE(r["score"].get<double>(), previous);
    previous = r["score"].get<double>();
  }
}

TEST_F(CliRecommendShippedTest, MilanAndRomeDraftFilteredByCountry) {
  const nlohmann::json response = Json(
      {"recommend", "--themes", "migrants,inclusion", "--with",
       "cities/3173435,cities/3169070", "--countries", "ES,FR", "--top", "5"});
  ASSERT_EQ(response["recommendations"].size(), 5u) << response;
  for (const nlohmann::json& r : response["recommendations"]) {
    EXPECT_THAT(r["country_code"].get<std::string>(),
                ::testing::AnyOf("ES", "FR"));
    EXPECT_NE(r["city"], "cities/3173435");
    EXPECT_NE(r["city"], "cities/3169070");
  }
}

}  // namespace
}  // namespace citymatch::testing
