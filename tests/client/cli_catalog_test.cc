// End-to-end tests of the catalog commands of `citymatch`: the real binary
// against a real citymatch-server seeded with the sample data set.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/cli_fixture.h"

namespace citymatch::testing {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// The sample data set's city ids, as the server orders them.
const std::vector<std::string> kSampleCities = {
    "bilbao", "graz", "lyon", "milano", "roma", "sevilla", "torino", "wien"};

using CliCatalogTest = CliTest;

TEST_F(CliCatalogTest, CitiesGetPrintsTheCity) {
  const CliResult result = Cli({"cities", "get", "lyon"});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr("cities/lyon"));
  EXPECT_THAT(result.out, HasSubstr("Lyon"));
  EXPECT_THAT(result.out, HasSubstr("FR"));
  EXPECT_THAT(result.out, HasSubstr("472317"));
  EXPECT_THAT(result.err, IsEmpty());
}

TEST_F(CliCatalogTest, ResourceNameAndBareIdAreTheSame) {
  const CliResult bare = Cli({"cities", "get", "milano"});
  const CliResult full = Cli({"cities", "get", "cities/milano"});
  ASSERT_EQ(bare.exit_code, 0) << bare;
  EXPECT_EQ(bare.out, full.out);
}

TEST_F(CliCatalogTest, GetUnknownCityExitsThreeWithNotFound) {
  const CliResult result = Cli({"cities", "get", "atlantis"});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err, StartsWith("error: NOT_FOUND: "));
  EXPECT_THAT(result.out, IsEmpty());
}

TEST_F(CliCatalogTest, JsonOutputIsTheReplyWithProtoFieldNames) {
  const nlohmann::json city = Json({"cities", "get", "milano"});
  ASSERT_TRUE(city.is_object());
  EXPECT_EQ(city["name"], "cities/milano");
  EXPECT_EQ(city["display_name"], "Milano");
  EXPECT_EQ(city["country_code"], "IT");
  EXPECT_DOUBLE_EQ(city["latitude"].get<double>(), 45.46427);
  // Proto JSON writes int64 as a string.
  EXPECT_EQ(city["population"], "1371498");
  EXPECT_FALSE(city.contains("displayName"));
}

TEST_F(CliCatalogTest, ListByNameFindsTheCityId) {
  const CliResult result = Cli({"cities", "list", "--name", "MILAN"});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr("milano"));
  EXPECT_THAT(result.out, Not(HasSubstr("torino")));
  EXPECT_EQ(
      Ids(Json({"cities", "list", "--name", "i", "--country", "at"}), "cities"),
      (std::vector<std::string>{"wien"}));
}

TEST_F(CliCatalogTest, ListByCountryNameIsRefusedWithTheExpectedForm) {
  const CliResult result = Cli({"cities", "list", "--country", "Italy"});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err, HasSubstr("country_code: \"Italy\" is not an ISO "
                                    "3166-1 alpha-2 country code"));
  EXPECT_THAT(result.out, IsEmpty());
}

TEST_F(CliCatalogTest, ListAllPagesThroughEveryCityOnce) {
  const nlohmann::json all =
      Json({"cities", "list", "--all", "--page-size", "3"});
  EXPECT_EQ(Ids(all, "cities"), kSampleCities);
  EXPECT_EQ(all["next_page_token"], "");
}

TEST_F(CliCatalogTest, ListPagesFollowTheNextPageToken) {
  const nlohmann::json first = Json({"cities", "list", "--page-size", "5"});
  const std::string token = first.value("next_page_token", "");
  ASSERT_FALSE(token.empty());
  const nlohmann::json second =
      Json({"cities", "list", "--page-size", "5", "--page-token", token});
  std::vector<std::string> ids = Ids(first, "cities");
  const std::vector<std::string> rest = Ids(second, "cities");
  ids.insert(ids.end(), rest.begin(), rest.end());
  EXPECT_EQ(ids, kSampleCities);
  EXPECT_EQ(second["next_page_token"], "");

  // The table tells a person how to go on.
  const CliResult table = Cli({"cities", "list", "--page-size", "5"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, HasSubstr("--page-token " + token));
}

TEST_F(CliCatalogTest, ListFiltersByCountry) {
  EXPECT_THAT(Ids(Json({"cities", "list", "--country", "at"}), "cities"),
              ElementsAre("graz", "wien"));
}

TEST_F(CliCatalogTest, CreateThenGet) {
  const CliResult created =
      Cli({"cities", "create", "nantes", "--name", "Nantes", "--country", "fr",
           "--lat", "47.2184", "--lon", "-1.5536", "--population", "320732"});
  ASSERT_EQ(created.exit_code, 0) << created;
  EXPECT_THAT(created.out, HasSubstr("cities/nantes"));

  const nlohmann::json city = Json({"cities", "get", "nantes"});
  EXPECT_EQ(city["display_name"], "Nantes");
  EXPECT_EQ(city["country_code"], "FR");
  EXPECT_EQ(city["population"], "320732");
  EXPECT_DOUBLE_EQ(city["longitude"].get<double>(), -1.5536);
}

TEST_F(CliCatalogTest, CreateExistingIdExitsThreeWithAlreadyExists) {
  const CliResult result =
      Cli({"cities", "create", "lyon", "--name", "Lyon", "--country", "FR",
           "--lat", "45.75", "--lon", "4.85"});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err, StartsWith("error: ALREADY_EXISTS: "));
}

TEST_F(CliCatalogTest, CreateInvalidCityPrintsEachFieldViolation) {
  const CliResult result =
      Cli({"cities", "create", "Bad_Id", "--name", "Nowhere", "--country", "ZZ",
           "--lat", "0", "--lon", "0"});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err, StartsWith("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(result.err, HasSubstr("\n  city_id: "));
  EXPECT_THAT(result.err, HasSubstr("\n  city.country_code: "));
  EXPECT_EQ(AllCityIds(), kSampleCities);
}

TEST_F(CliCatalogTest, DeleteRemovesTheCity) {
  ASSERT_EQ(Cli({"cities", "create", "nantes", "--name", "Nantes", "--country",
                 "FR", "--lat", "47.2", "--lon", "-1.55"})
                .exit_code,
            0);
  const CliResult deleted = Cli({"cities", "delete", "nantes"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted;
  EXPECT_THAT(deleted.out, HasSubstr("deleted cities/nantes"));
  const CliResult get = Cli({"cities", "get", "nantes"});
  EXPECT_EQ(get.exit_code, 3) << get;
  EXPECT_THAT(get.err, StartsWith("error: NOT_FOUND: "));
}

TEST_F(CliCatalogTest, DeleteOfReferencedCityIsRefusedAndKeepsIt) {
  // Sevilla runs a practice and is twinned with Graz.
  const CliResult result = Cli({"cities", "delete", "sevilla"});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err, StartsWith("error: FAILED_PRECONDITION: "));
  EXPECT_EQ(Cli({"cities", "get", "sevilla"}).exit_code, 0);
}

TEST_F(CliCatalogTest, ProjectsCreateWithMembersThenGet) {
  const CliResult created =
      Cli({"projects", "create", "my-proj", "--title", "Welcome Network",
           "--programme", "URBACT III", "--themes", "Migrants,Housing",
           "--member", "cities/milano:lead", "--member", "lyon", "--status",
           "proposal", "--start-year", "2024"});
  ASSERT_EQ(created.exit_code, 0) << created;

  const nlohmann::json project = Json({"projects", "get", "my-proj"});
  EXPECT_EQ(project["title"], "Welcome Network");
  EXPECT_EQ(project["programme"], "URBACT III");
  EXPECT_EQ(project["themes"], nlohmann::json({"Migrants", "Housing"}));
  EXPECT_EQ(project["status"], "PROPOSAL");
  ASSERT_EQ(project["members"].size(), 2u);
  std::set<std::pair<std::string, std::string>> members;
  for (const nlohmann::json& m : project["members"]) {
    members.insert(
        {m["city"].get<std::string>(), m["role"].get<std::string>()});
  }
  EXPECT_EQ(members,
            (std::set<std::pair<std::string, std::string>>{
                {"cities/lyon", "PARTNER"}, {"cities/milano", "LEAD"}}));

  const CliResult table = Cli({"projects", "get", "projects/my-proj"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, HasSubstr("cities/milano (lead)"));
}

TEST_F(CliCatalogTest, ProjectWithUnknownMemberIsRejected) {
  const CliResult result = Cli({"projects", "create", "ghost-proj", "--title",
                                "Ghosts", "--member", "atlantis:lead"});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err, StartsWith("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(result.err, HasSubstr("atlantis"));
  EXPECT_EQ(Cli({"projects", "get", "ghost-proj"}).exit_code, 3);
}

TEST_F(CliCatalogTest, ProjectWithAMisspeltThemeIsRejectedWithASuggestion) {
  const CliResult result =
      Cli({"projects", "create", "p2", "--title", "T", "--member", "milano",
           "--themes", "Housing,migratoin"});
  EXPECT_EQ(result.exit_code, 3) << result;
  // One violation: printed once, on the error line.
  EXPECT_EQ(result.err,
            "error: INVALID_ARGUMENT: project.themes[1]: \"migratoin\" is not "
            "a known theme; did you mean \"migration\"? (citymatch themes "
            "list)\n");
  EXPECT_EQ(Cli({"projects", "get", "p2"}).exit_code, 3);
  // Spelt right, it is stored as typed.
  ASSERT_EQ(Cli({"projects", "create", "p2", "--title", "T", "--member",
                 "milano", "--themes", "Housing,migration"})
                .exit_code,
            0);
  EXPECT_EQ(Json({"projects", "get", "p2"})["themes"],
            nlohmann::json({"Housing", "migration"}));
}

TEST_F(CliCatalogTest, ProjectsListFiltersByCity) {
  EXPECT_THAT(Ids(Json({"projects", "list", "--city", "torino"}), "projects"),
              ElementsAre("interreg-alps-heritage", "interreg-it-at-health"));
  // "Migrants" and "Demographic change and immigration" are one theme.
  EXPECT_THAT(
      Ids(Json({"projects", "list", "--theme", "migration"}), "projects"),
      ElementsAre("urbact-arrival", "urbact-welcome"));
  const CliResult table = Cli({"projects", "list", "--all"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out,
              AllOf(HasSubstr("urbact-arrival"), HasSubstr("Arrival Cities"),
                    HasSubstr("2012-2015")));
}

TEST_F(CliCatalogTest, PracticesListGetAndDelete) {
  EXPECT_THAT(Ids(Json({"practices", "list"}), "practices"),
              ElementsAre("eumia-bilbao-health", "gp-sevilla-housing"));
  const nlohmann::json practice =
      Json({"practices", "get", "gp-sevilla-housing"});
  EXPECT_EQ(practice["title"], "Homes, not shelters");
  EXPECT_EQ(practice["city"], "cities/sevilla");

  ASSERT_EQ(Cli({"practices", "delete", "gp-sevilla-housing"}).exit_code, 0);
  EXPECT_THAT(
      Ids(Json({"practices", "list", "--city", "sevilla"}), "practices"),
      IsEmpty());
}

TEST_F(CliCatalogTest, PracticesCreateThenListByCity) {
  const CliResult created = Cli(
      {"practices", "create", "lyon-mentors", "--title", "Mentors", "--city",
       "lyon", "--themes", "Migrants,Education", "--start-year", "2019"});
  ASSERT_EQ(created.exit_code, 0) << created;
  EXPECT_THAT(
      Ids(Json({"practices", "list", "--city", "cities/lyon"}), "practices"),
      ElementsAre("lyon-mentors"));
}

TEST_F(CliCatalogTest, ThemesListShowsTheTaxonomy) {
  const nlohmann::json themes = Json({"themes", "list"});
  const std::vector<std::string> ids = Ids(themes, "themes");
  EXPECT_THAT(ids, ::testing::Contains("migration"));
  const CliResult table = Cli({"themes", "list"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, HasSubstr("migration"));
}

TEST_F(CliCatalogTest, TwinningsListByCity) {
  const nlohmann::json twinnings =
      Json({"twinnings", "list", "--city", "milano"});
  ASSERT_EQ(twinnings["twinnings"].size(), 1u) << twinnings;
  const nlohmann::json& t = twinnings["twinnings"][0];
  EXPECT_EQ(std::set<std::string>({t["city_a"].get<std::string>(),
                                   t["city_b"].get<std::string>()}),
            std::set<std::string>({"cities/lyon", "cities/milano"}));
  EXPECT_EQ(twinnings["total_size"], 1) << twinnings;
  EXPECT_EQ(Json({"twinnings", "list", "--all"})["twinnings"].size(), 2u);
  // A page says how much of the whole it is, as the other lists do.
  const CliResult page = Cli({"twinnings", "list", "--page-size", "1"});
  ASSERT_EQ(page.exit_code, 0) << page;
  EXPECT_THAT(page.out, HasSubstr("1 of 2\n"));
}

TEST_F(CliCatalogTest, UnreachableServerExitsFour) {
  // Nothing listens on port 1 of the loopback interface.
  const CliResult result =
      RunCli({"--server=127.0.0.1:1", "--timeout=10", "cities", "list"});
  EXPECT_EQ(result.exit_code, 4) << result;
  EXPECT_THAT(result.err, StartsWith("error: UNAVAILABLE: "));
}

TEST_F(CliCatalogTest, UnreachableServerHintNamesTheAddressAndHowToChangeIt) {
  const CliResult flag =
      RunCli({"--server=127.0.0.1:1", "--timeout=10", "cities", "list"});
  EXPECT_EQ(flag.exit_code, 4) << flag;
  EXPECT_THAT(flag.err,
              HasSubstr("\nhint: no citymatch server answered at 127.0.0.1:1; "
                        "it may not be running"));
  EXPECT_THAT(flag.err, HasSubstr("--server HOST:PORT"));
  EXPECT_THAT(flag.err, HasSubstr("CITYMATCH_SERVER"));
  // The server script's variable is another one; the hint says so.
  EXPECT_THAT(flag.err, HasSubstr("CITYMATCH_GRPC_ADDR"));

  const CliResult env = RunCli({"--timeout=10", "cities", "list"},
                               {{"CITYMATCH_SERVER", "127.0.0.1:1"}});
  EXPECT_EQ(env.exit_code, 4) << env;
  EXPECT_THAT(env.err, HasSubstr("answered at 127.0.0.1:1;"));
}

TEST_F(CliCatalogTest, ServerErrorsCarryNoUnreachableHint) {
  const CliResult result = Cli({"cities", "get", "atlantis"});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err, Not(HasSubstr("hint:")));
}

TEST_F(CliCatalogTest, SilentServerHitsTheDeadlineAndExitsFour) {
  // A socket that accepts connections (the kernel completes the handshake
  // from the backlog) but never speaks HTTP/2: the call can only time out.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(
      ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
      0);
  ASSERT_EQ(::listen(listener, 16), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length),
      0);
  const std::string silent =
      "127.0.0.1:" + std::to_string(ntohs(address.sin_port));

  const absl::Time start = absl::Now();
  const CliResult result =
      RunCli({"--server", silent, "--timeout", "1", "cities", "get", "lyon"});
  const absl::Duration took = absl::Now() - start;
  ::close(listener);
  EXPECT_EQ(result.exit_code, 4) << result;
  EXPECT_THAT(result.err, StartsWith("error: DEADLINE_EXCEEDED: "));
  EXPECT_THAT(result.err, HasSubstr("hint: or the deadline passed before a "
                                    "connection was made (--timeout"));
  EXPECT_GE(took, absl::Milliseconds(900));
  EXPECT_LT(took, absl::Seconds(30));
}

TEST_F(CliCatalogTest, StoppedServerExitsFour) {
  server_->Kill(SIGKILL);
  ASSERT_TRUE(server_->Wait().ok());
  const CliResult result = Cli({"--timeout=10", "cities", "get", "lyon"});
  EXPECT_EQ(result.exit_code, 4) << result;
  EXPECT_THAT(result.err, HasSubstr("hint: no citymatch server answered at " +
                                    server_->address()));
}

TEST_F(CliCatalogTest, UsageErrorsNameTheSlip) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"cties", "list"},
       "unknown command \"cties\"; did you mean \"cities\"?"},
      {{"projects", "edit", "foo"},
       "unknown command \"edit\" of citymatch projects (commands: list, "
       "get, create, update, delete)"},
      {{"projects", "updte", "foo"}, "did you mean \"update\"?"},
      {{"recommend", "--with", "milano", "--countrys", "IT"},
       "unknown flag --countrys; did you mean --countries?"},
      {{"cities", "get", "milano", "--outptu", "json"},
       "unknown flag --outptu; did you mean --output? (citymatch --help "
       "lists them)"},
      // A space after a comma splits the list; "roma" lands in PROJECT.
      {{"recommend", "--with", "milano,", "roma"},
       "\"roma\" was read as the stored PROJECT to recommend for, which "
       "cannot go with --with"},
      {{"cities", "create", "x", "--name", "X", "--country", "FR", "--lat",
        "45,7", "--lon", "4.8"},
       "--lat: \"45,7\" is not a number (decimals are written with a point: "
       "45.7)"},
      {{"cities", "create", "x", "--name", "X", "--country", "FR", "--lat",
        "45.7", "--lon", "4.8", "--population", "-5"},
       "--population: must be in 0..100000000"},
      {{"cities", "create", "x", "--name", "X", "--country", "FR", "--lat",
        "45.7", "--lon", "4.8", "--population", "12000000000"},
       "--population: must be in 0..100000000"},
      {{"cities", "update", "lyon", "--population", "9223372036854775808"},
       "--population: \"9223372036854775808\" is out of range: must be in "
       "0..100000000"},
      {{"recommend", "urbact-arrival", "--top", "99999999999999999999"},
       "--top: \"99999999999999999999\" is out of range: must be in 1..100"},
      {{"projects", "update", "p", "--remove-member", "milano,", "roma"},
       "unexpected value \"roma\"; a list is written without spaces"},
      {{"recommend", "urbact-arrival", "--top", "abc"},
       "--top: \"abc\" is not a whole number"},
      {{"cities", "update", "lyon", "--lat", "200"},
       "--lat: must be in -90..90"},
      {{"cities", "update", "lyon", "--population", "-1"},
       "--population: must be in 0..100000000"},
      {{"cities", "update", "lyon", "--capacity", "2.5"},
       "--capacity: \"2.5\" is not a whole number"},
      {{"cities", "update", "lyon"},
       "cities update changes nothing without a flag (--name, "},
      {{"practices", "update", "gp-sevilla-housing"},
       "practices update changes nothing without a flag (--title, "},
      {{"projects", "update", "urbact-arrival"},
       "projects update changes nothing without a flag (--title, "},
      {{"twinnings", "create", "lyon"}, "CITY_B is required"},
      {{"cities", "list", "--name", " "},
       "--name: is blank: give part of a city's name"},
      {{"twinnings", "list", "lyon"},
       "unexpected value \"lyon\"; citymatch twinnings list takes it only "
       "after a flag (citymatch twinnings list --help lists them)"},
      // An empty list (a shell variable that was never set) would read as a
      // flag left out: a project without members, a draft without them.
      {{"projects", "create", "p", "--title", "T", "--member", ""},
       "--member: needs a city, not an empty value"},
      {{"projects", "update", "urbact-arrival", "--remove-member", " "},
       "--remove-member: needs a city, not an empty value"},
      {{"recommend", "--themes", "housing", "--with", ""},
       "--with: needs a city, not an empty value"},
      {{"recommend", "urbact-arrival", "--countries", ""},
       "--countries: needs a country code, not an empty value"},
      {{"orgs", "create", "o", "--name", "O", "--city", ""},
       "--city: needs a city, not an empty value"},
  };
  for (const auto& [args, message] : cases) {
    const CliResult result = Cli(args);
    EXPECT_EQ(result.exit_code, 2) << result;
    EXPECT_THAT(result.err, HasSubstr(message)) << result;
    // CLI11's own messages ("CITY_B is required") start as the CLI's do.
    EXPECT_THAT(result.err, StartsWith("error: ")) << result;
  }
}

TEST_F(CliCatalogTest, ListFlagsTakeCommasWithOrWithoutSpaces) {
  const CliResult created =
      Cli({"projects", "create", "p", "--title", "T", "--member",
           "milano:lead, roma", "--member", "wien"});
  ASSERT_EQ(created.exit_code, 0) << created;
  const nlohmann::json project = Json({"projects", "get", "p"});
  ASSERT_EQ(project["members"].size(), 3u) << project.dump();
  EXPECT_EQ(project["members"][0]["city"], "cities/milano");
  EXPECT_EQ(project["members"][0]["role"], "LEAD");
  EXPECT_EQ(project["members"][1]["city"], "cities/roma");
  EXPECT_EQ(project["members"][2]["city"], "cities/wien");
}

TEST_F(CliCatalogTest, ProjectsUpdateChangesOnlyWhatItNames) {
  ASSERT_EQ(
      Cli({"projects", "create", "p", "--title", "Desks", "--themes",
           "migration", "--member", "milano:lead,roma", "--status", "proposal"})
          .exit_code,
      0);
  const CliResult updated =
      Cli({"projects", "update", "p", "--remove-member", "roma", "--add-member",
           "wien, graz:lead", "--status", "open"});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  const nlohmann::json project = Json({"projects", "get", "p"});
  EXPECT_EQ(project["title"], "Desks");
  EXPECT_EQ(project["status"], "OPEN");
  EXPECT_EQ(project["themes"], nlohmann::json::array({"migration"}));
  ASSERT_EQ(project["members"].size(), 3u) << project.dump();
  EXPECT_EQ(project["members"][0]["city"], "cities/milano");
  EXPECT_EQ(project["members"][1]["city"], "cities/wien");
  EXPECT_EQ(project["members"][2]["city"], "cities/graz");
  EXPECT_EQ(project["members"][2]["role"], "LEAD");

  // A city that is not a member is a bad value, and nothing is written.
  const CliResult typo = Cli({"projects", "update", "p", "--remove-member",
                              "torino", "--title", "Other"});
  EXPECT_EQ(typo.exit_code, 2) << typo;
  EXPECT_THAT(typo.err, HasSubstr("cities/torino is not a member of "
                                  "projects/p"));
  EXPECT_EQ(Json({"projects", "get", "p"})["title"], "Desks");
  EXPECT_EQ(Cli({"projects", "update", "p"}).exit_code, 2);
}

// Seven users add a member to one project at the same moment. Each update
// that says it succeeded is in the project (none overwrote another), and one
// that gave up says so: no write is lost in silence.
TEST_F(CliCatalogTest, ConcurrentProjectUpdatesLoseNoMember) {
  ASSERT_EQ(Cli({"projects", "create", "busy", "--title", "Busy", "--member",
                 "milano:lead"})
                .exit_code,
            0);
  std::vector<std::string> added;
  for (const std::string& city : kSampleCities) {
    if (city != "milano") added.push_back(city);
  }
  std::vector<CliResult> results(added.size());
  std::vector<std::thread> writers;
  for (size_t i = 0; i < added.size(); ++i) {
    writers.emplace_back([&, i] {
      results[i] =
          Cli({"projects", "update", "busy", "--add-member", added[i]});
    });
  }
  for (std::thread& writer : writers) writer.join();

  std::set<std::string> expected = {"cities/milano"};
  for (size_t i = 0; i < added.size(); ++i) {
    if (results[i].exit_code == 0) {
      expected.insert("cities/" + added[i]);
    } else {
      EXPECT_EQ(results[i].exit_code, 3) << results[i];
      EXPECT_THAT(results[i].err, HasSubstr("run it again later"));
    }
  }
  EXPECT_GT(expected.size(), 1u) << "no update went through";
  const nlohmann::json project = Json({"projects", "get", "busy"});
  std::set<std::string> members;
  for (const nlohmann::json& m : project["members"]) {
    members.insert(m.value("city", ""));
  }
  EXPECT_EQ(members, expected) << project.dump();
}

TEST_F(CliCatalogTest, CitiesUpdateChangesOnlyWhatItNames) {
  const CliResult updated =
      Cli({"cities", "update", "lyon", "--population", "522250", "--languages",
           "fr, en", "--capacity", "3"});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  EXPECT_THAT(updated.out, HasSubstr("522250"));
  nlohmann::json city = Json({"cities", "get", "lyon"});
  EXPECT_EQ(city["population"], "522250");
  EXPECT_EQ(city["profile"]["languages"], nlohmann::json({"fr", "en"}));
  EXPECT_EQ(city["profile"]["capacity"], 3);
  EXPECT_EQ(city["display_name"], "Lyon");
  EXPECT_EQ(city["country_code"], "FR");
  EXPECT_DOUBLE_EQ(city["latitude"].get<double>(), 45.74846);
  EXPECT_DOUBLE_EQ(city["longitude"].get<double>(), 4.84671);

  // One field of the profile leaves the others as they are.
  ASSERT_EQ(Cli({"cities", "update", "cities/lyon", "--capacity", "4", "--lat",
                 "45.76", "--country", "fr"})
                .exit_code,
            0);
  city = Json({"cities", "get", "lyon"});
  EXPECT_EQ(city["profile"]["capacity"], 4);
  EXPECT_EQ(city["profile"]["languages"], nlohmann::json({"fr", "en"}));
  EXPECT_EQ(city["population"], "522250");
  EXPECT_DOUBLE_EQ(city["latitude"].get<double>(), 45.76);
  EXPECT_EQ(city["country_code"], "FR");
}

TEST_F(CliCatalogTest, CitiesUpdateRefusals) {
  const CliResult unknown =
      Cli({"cities", "update", "atlantis", "--population", "5"});
  EXPECT_EQ(unknown.exit_code, 3) << unknown;
  EXPECT_THAT(unknown.err, StartsWith("error: NOT_FOUND: "));
  EXPECT_THAT(unknown.err, HasSubstr("cities/atlantis"));

  // What only the server can judge, it names by field; nothing is written.
  const CliResult bad = Cli({"cities", "update", "lyon", "--name", "",
                             "--country", "Frankreich", "--population", "1"});
  EXPECT_EQ(bad.exit_code, 3) << bad;
  EXPECT_THAT(bad.err, StartsWith("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(bad.err, HasSubstr("\n  city.display_name: is required"));
  EXPECT_THAT(bad.err, HasSubstr("\n  city.country_code: \"Frankreich\""));
  EXPECT_EQ(Json({"cities", "get", "lyon"})["population"], "472317");
}

TEST_F(CliCatalogTest, CitiesUpdateLanguagesAreIsoCodesListedOnce) {
  // A code in upper case is sent in lower case, as a country code is sent
  // in upper case.
  const CliResult updated =
      Cli({"cities", "update", "lyon", "--languages", "FR,En"});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  EXPECT_EQ(Json({"cities", "get", "lyon"})["profile"]["languages"],
            nlohmann::json({"fr", "en"}));

  const CliResult bad =
      Cli({"cities", "update", "lyon", "--languages", "fr,ENGLISH,zz,en,fr"});
  EXPECT_EQ(bad.exit_code, 3) << bad;
  EXPECT_EQ(bad.err,
            "error: INVALID_ARGUMENT: city.profile.languages[1]: \"ENGLISH\" "
            "is not an ISO 639-1 language code in lower case such as \"en\" "
            "(and 2 more)\n"
            "  city.profile.languages[1]: \"ENGLISH\" is not an ISO 639-1 "
            "language code in lower case such as \"en\"\n"
            "  city.profile.languages[2]: \"zz\" is not an ISO 639-1 language "
            "code in lower case such as \"en\"\n"
            "  city.profile.languages[4]: \"fr\" is listed twice (also "
            "profile.languages[0])\n");
  EXPECT_EQ(Json({"cities", "get", "lyon"})["profile"]["languages"],
            nlohmann::json({"fr", "en"}));
}

TEST_F(CliCatalogTest, PracticesUpdateChangesOnlyWhatItNames) {
  const CliResult updated =
      Cli({"practices", "update", "gp-sevilla-housing", "--summary",
           "Flats instead of dormitories", "--source-url",
           "https://example.org/homes", "--start-year", "2015"});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  EXPECT_THAT(updated.out, HasSubstr("Flats instead of dormitories"));
  nlohmann::json practice = Json({"practices", "get", "gp-sevilla-housing"});
  EXPECT_EQ(practice["summary"], "Flats instead of dormitories");
  EXPECT_EQ(practice["source_url"], "https://example.org/homes");
  EXPECT_EQ(practice["start_year"], 2015);
  EXPECT_EQ(practice["title"], "Homes, not shelters");
  EXPECT_EQ(practice["city"], "cities/sevilla");
  EXPECT_EQ(practice["themes"], nlohmann::json({"Housing", "Roma"}));

  // Themes are replaced whole; a practice may move to another city.
  ASSERT_EQ(Cli({"practices", "update", "practices/gp-sevilla-housing",
                 "--themes", "housing,migration", "--city", "bilbao"})
                .exit_code,
            0);
  practice = Json({"practices", "get", "gp-sevilla-housing"});
  EXPECT_EQ(practice["themes"], nlohmann::json({"housing", "migration"}));
  EXPECT_EQ(practice["city"], "cities/bilbao");
  EXPECT_EQ(practice["summary"], "Flats instead of dormitories");
  EXPECT_THAT(Ids(Json({"practices", "list", "--city", "bilbao"}), "practices"),
              ElementsAre("eumia-bilbao-health", "gp-sevilla-housing"));
}

TEST_F(CliCatalogTest, PracticesUpdateRefusals) {
  const CliResult unknown =
      Cli({"practices", "update", "no-such-practice", "--summary", "x"});
  EXPECT_EQ(unknown.exit_code, 3) << unknown;
  EXPECT_THAT(unknown.err, StartsWith("error: NOT_FOUND: "));

  const CliResult theme =
      Cli({"practices", "update", "gp-sevilla-housing", "--themes", "Housng"});
  EXPECT_EQ(theme.exit_code, 3) << theme;
  EXPECT_THAT(theme.err, HasSubstr("practice.themes[0]: \"Housng\" is not a "
                                   "known theme"));
  const CliResult city =
      Cli({"practices", "update", "gp-sevilla-housing", "--city", "atlantis"});
  EXPECT_EQ(city.exit_code, 3) << city;
  EXPECT_THAT(city.err, HasSubstr("practice.city"));
  EXPECT_THAT(city.err, HasSubstr("atlantis"));
  const nlohmann::json practice =
      Json({"practices", "get", "gp-sevilla-housing"});
  EXPECT_EQ(practice["city"], "cities/sevilla");
  EXPECT_EQ(practice["themes"], nlohmann::json({"Housing", "Roma"}));
}

TEST_F(CliCatalogTest, TwinningsCreateThenDelete) {
  const CliResult created = Cli({"twinnings", "create", "lyon", "cities/graz"});
  ASSERT_EQ(created.exit_code, 0) << created;
  // The server stores each pair once, in the order of the ids.
  EXPECT_EQ(created.out, "city_a: cities/graz\ncity_b: cities/lyon\n");
  nlohmann::json twinnings = Json({"twinnings", "list", "--city", "lyon"});
  EXPECT_EQ(Ids(twinnings, "twinnings", "city_a"),
            (std::vector<std::string>{"graz", "lyon"}));
  EXPECT_EQ(Ids(twinnings, "twinnings", "city_b"),
            (std::vector<std::string>{"lyon", "milano"}));

  const CliResult again = Cli({"twinnings", "create", "graz", "lyon"});
  EXPECT_EQ(again.exit_code, 3) << again;
  EXPECT_EQ(again.err,
            "error: ALREADY_EXISTS: twinning of graz and lyon already "
            "exists\n");

  // Either order names the pair.
  const CliResult deleted = Cli({"twinnings", "delete", "graz", "lyon"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted;
  EXPECT_THAT(deleted.out,
              StartsWith("deleted the twinning of cities/graz and cities/lyon "
                         "(graph version "));
  EXPECT_EQ(
      Ids(Json({"twinnings", "list", "--city", "lyon"}), "twinnings", "city_a"),
      (std::vector<std::string>{"lyon"}));

  const CliResult gone = Cli({"twinnings", "delete", "lyon", "graz"});
  EXPECT_EQ(gone.exit_code, 3) << gone;
  EXPECT_EQ(gone.err,
            "error: NOT_FOUND: twinning of graz and lyon not found\n");
}

TEST_F(CliCatalogTest, TwinningsOfACityWithItselfOrAnUnknownCityAreRefused) {
  const CliResult itself = Cli({"twinnings", "create", "lyon", "cities/lyon"});
  EXPECT_EQ(itself.exit_code, 3) << itself;
  EXPECT_EQ(itself.err,
            "error: INVALID_ARGUMENT: twinning.city_b: a city cannot be "
            "twinned with itself\n");
  const CliResult unknown = Cli({"twinnings", "create", "atlantis", "lyon"});
  EXPECT_EQ(unknown.exit_code, 3) << unknown;
  EXPECT_EQ(unknown.err,
            "error: INVALID_ARGUMENT: twinning.city_a: city atlantis does not "
            "exist\n");
  EXPECT_EQ(Json({"twinnings", "list", "--all"})["twinnings"].size(), 2u);
}

TEST_F(CliCatalogTest, ANameSearchThatFindsNothingSaysHowNamesAreWritten) {
  const CliResult result = Cli({"cities", "list", "--name", "mailand"});
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr("0 of 0"));
  EXPECT_THAT(result.err, HasSubstr("note: no city's name contains "
                                    "\"mailand\"; names are as GeoNames "
                                    "writes them in English"));
}

TEST_F(CliCatalogTest, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"cities", "list", "--no-such-flag"},
           {"--output", "xml", "cities", "list"},
           {"cities"},
           {"cities", "get"},
           {"cities", "list", "--page-size", "-3"},
           {"cities", "create", "x", "--name", "X"},  // no --country
           // 0,0 is a real place: a city's position must be given.
           {"cities", "create", "x", "--name", "X", "--country", "FR"},
           {"cities", "create", "x", "--name", "X", "--country", "FR", "--lat",
            "45,7", "--lon", "4.8"},
           {"projects", "create", "p", "--title", "T", "--member",
            "milano:boss"},
           {"recommend"},
           {"recommend", "urbact-arrival", "--themes", "Migrants"},
           // One value per flag: PROJECT is not taken for a second theme.
           {"recommend", "--themes", "Migrants", "urbact-arrival"},
           {"recommend", "urbact-arrival", "--top", "0"},
           {"frobnicate"},
       }) {
    const CliResult result = Cli(args);
    EXPECT_EQ(result.exit_code, 2) << ::testing::PrintToString(args) << "\n"
                                   << result;
    EXPECT_THAT(result.out, IsEmpty());
  }
}

TEST_F(CliCatalogTest, HelpExitsZeroAndDocumentsExitCodes) {
  const CliResult result = RunCli({"--help"});
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, AllOf(HasSubstr("Exit codes"), HasSubstr("recommend"),
                                HasSubstr("CITYMATCH_SERVER")));
}

TEST_F(CliCatalogTest, ServerFromEnvironmentIsHonoured) {
  std::map<std::string, std::string> env = {
      {"CITYMATCH_SERVER", server_->address()}};
  if (!token_.empty()) env["CITYMATCH_TOKEN"] = token_;
  const CliResult result = RunCli({"cities", "get", "roma"}, env);
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr("Roma"));

  // The flag wins over the environment.
  env["CITYMATCH_SERVER"] = "127.0.0.1:1";
  const CliResult flag =
      RunCli({"--server", server_->address(), "cities", "get", "roma"}, env);
  EXPECT_EQ(flag.exit_code, 0) << flag;

  // And without either, the environment's dead address is used.
  const CliResult dead = RunCli({"--timeout=10", "cities", "get", "roma"}, env);
  EXPECT_EQ(dead.exit_code, 4) << dead;
}

TEST_F(CliCatalogTest, GlobalFlagsMayFollowTheSubcommand) {
  const CliResult result = Cli({"cities", "get", "lyon", "--output", "json"});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_EQ(nlohmann::json::parse(result.out)["display_name"], "Lyon");
}

TEST_F(CliCatalogTest, UnreadableCaCertIsALocalFailure) {
  const CliResult result =
      Cli({"--ca_cert", data_.File("no-such-ca.pem"), "cities", "list"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, HasSubstr("no-such-ca.pem"));
}

}  // namespace
}  // namespace citymatch::testing
