#include "client/output.h"

#include <algorithm>

#include "client/partner_client.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace citymatch {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

grpc::Status BadRequest(
    const std::vector<std::pair<std::string, std::string>>& violations) {
  google::rpc::BadRequest bad_request;
  for (const auto& [field, description] : violations) {
    auto* v = bad_request.add_field_violations();
    v->set_field(field);
    v->set_description(description);
  }
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  details.set_message("bad rows");
  details.add_details()->PackFrom(bad_request);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad rows",
                      details.SerializeAsString());
}

// The column at which `needle` starts in the line holding it, in code points.
size_t DisplayColumn(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  const size_t line_start = text.rfind('\n', at) + 1;  // npos + 1 == 0
  size_t column = 0;
  for (size_t i = line_start; i < at; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

TEST(OutputTest, FormatErrorPrintsCodeMessageAndEachViolation) {
  const absl::Status status =
      FromGrpcStatus(BadRequest({{"cities.csv:3", "country \"XX\" unknown"},
                                 {"cities.csv:4", "lat out of range"}}));
  EXPECT_EQ(FormatError(status),
            "error: INVALID_ARGUMENT: bad rows\n"
            "  cities.csv:3: country \"XX\" unknown\n"
            "  cities.csv:4: lat out of range\n");
}

TEST(OutputTest, FormatErrorPrintsASingleViolationOnce) {
  google::rpc::BadRequest bad_request;
  auto* v = bad_request.add_field_violations();
  v->set_field("filter.countries[0]");
  v->set_description("\"Italy\" is not a code");
  const std::string message = "filter.countries[0]: \"Italy\" is not a code";
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  details.set_message(message);
  details.add_details()->PackFrom(bad_request);
  EXPECT_EQ(FormatError(FromGrpcStatus(
                grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message,
                             details.SerializeAsString()))),
            "error: INVALID_ARGUMENT: " + message + "\n");
  // A message that does not already say it keeps the list.
  EXPECT_EQ(FormatError(FromGrpcStatus(BadRequest({{"cities.csv:3", "bad"}}))),
            "error: INVALID_ARGUMENT: bad rows\n"
            "  cities.csv:3: bad\n");
}

TEST(OutputTest, FormatLocalErrorHasNoStatusCode) {
  EXPECT_EQ(FormatLocalError(absl::NotFoundError("/tmp/x is not a directory")),
            "error: /tmp/x is not a directory\n");
}

TEST(OutputTest, FormatErrorWithoutDetailsIsOneLine) {
  EXPECT_EQ(FormatError(FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                                    "cities/x not found"))),
            "error: NOT_FOUND: cities/x not found\n");
}

TEST(OutputTest, ToJsonUsesProtoFieldNamesAndPrintsDefaults) {
  v1::City city;
  city.set_name("cities/lyon");
  city.set_display_name("Lyon");
  const nlohmann::json json = nlohmann::json::parse(ToJson(city));
  EXPECT_EQ(json["display_name"], "Lyon");
  EXPECT_EQ(json["population"], "0");
  EXPECT_EQ(json["country_code"], "");
  EXPECT_FALSE(json.contains("displayName"));
}

TEST(OutputTest, TablesAlignColumnsByCodePointsNotBytes) {
  v1::ListCitiesResponse response;
  auto* a = response.add_cities();
  a->set_name("cities/munchen");
  a->set_display_name("M\xC3\xBCnchen");  // one code point, two bytes
  a->set_country_code("DE");
  auto* b = response.add_cities();
  b->set_name("cities/lyon");
  b->set_display_name("Lyon");
  b->set_country_code("FR");
  const std::string table = CitiesTable(response);
  EXPECT_EQ(DisplayColumn(table, "DE"), DisplayColumn(table, "FR"));
  EXPECT_EQ(DisplayColumn(table, "DE"), DisplayColumn(table, "COUNTRY"));
}

TEST(OutputTest, PartialListTellsHowToGoOn) {
  v1::ListCitiesResponse response;
  response.add_cities()->set_name("cities/a");
  response.set_total_size(7);
  response.set_next_page_token("TOKEN");
  const std::string table = CitiesTable(response);
  EXPECT_THAT(table, HasSubstr("1 of 7\n"));
  EXPECT_THAT(table, HasSubstr("next page: --page-token TOKEN\n"));
}

TEST(OutputTest, EmptyListSaysSo) {
  // A bare header would read like a command that failed halfway.
  EXPECT_THAT(CitiesTable(v1::ListCitiesResponse()), EndsWith("0 of 0\n"));
  EXPECT_THAT(ProjectsTable(v1::ListProjectsResponse()), EndsWith("0 of 0\n"));
}

TEST(OutputTest, RecommendationsShowReasonsAndWithExplainComponents) {
  v1::RecommendPartnersResponse response;
  v1::Recommendation* r = response.add_recommendations();
  r->set_city("cities/wien");
  r->set_display_name("Wien");
  r->set_country_code("AT");
  r->set_score(0.75);
  r->add_reasons("Worked with Milano in \"Arrival Cities\".");
  v1::ScoreComponent* c = r->add_components();
  c->set_name("co_membership");
  c->set_value(2);
  c->set_contribution(0.5);

  const std::string plain = RecommendationsTable(response, false);
  EXPECT_THAT(plain, HasSubstr("RANK"));
  EXPECT_THAT(plain, HasSubstr("1     Wien (cities/wien)  AT       0.7500\n"));
  EXPECT_THAT(
      plain,
      HasSubstr("\n      - Worked with Milano in \"Arrival Cities\".\n"));
  EXPECT_THAT(plain, Not(HasSubstr("co_membership")));

  const std::string explained = RecommendationsTable(response, true);
  EXPECT_THAT(explained, HasSubstr("co_membership"));
  EXPECT_THAT(explained, HasSubstr("2.0000"));
  EXPECT_THAT(explained, HasSubstr("contribution +0.5000"));
}

TEST(OutputTest, ComponentsThatRoundToZeroPrintWithoutAMinusSign) {
  v1::RecommendPartnersResponse response;
  v1::Recommendation* r = response.add_recommendations();
  r->set_city("cities/wien");
  v1::ScoreComponent* absent = r->add_components();
  absent->set_name("theme_practices");
  absent->set_value(-0.0);
  absent->set_contribution(-0.0);
  v1::ScoreComponent* tiny = r->add_components();
  tiny->set_name("era_gap");
  tiny->set_value(-0.00001);
  tiny->set_contribution(-0.00002);

  const std::string explained = RecommendationsTable(response, true);
  EXPECT_THAT(explained, Not(HasSubstr("-0.0000")));
  EXPECT_THAT(explained, HasSubstr("theme_practices        value     0.0000  "
                                   "contribution +0.0000"));
  EXPECT_THAT(explained, HasSubstr("era_gap                value     0.0000  "
                                   "contribution +0.0000"));
}

// A programme's components have names longer than the others: the values
// still line up in one column.
TEST(OutputTest, ComponentValuesLineUpUnderTheLongestName) {
  v1::RecommendPartnersResponse response;
  v1::Recommendation* r = response.add_recommendations();
  r->set_city("cities/wien");
  for (const char* name : {"ppr", "programme_population_gap", "era_gap"}) {
    v1::ScoreComponent* c = r->add_components();
    c->set_name(name);
    c->set_value(1);
    c->set_contribution(0.25);
  }
  const std::string explained = RecommendationsTable(response, true);
  EXPECT_THAT(explained, HasSubstr("      ppr                      value     "
                                   "1.0000  contribution +0.2500\n"));
  EXPECT_THAT(explained, HasSubstr("      programme_population_gap value     "
                                   "1.0000  contribution +0.2500\n"));
  EXPECT_THAT(explained, HasSubstr("      era_gap                  value     "
                                   "1.0000  contribution +0.2500\n"));
}

TEST(OutputTest, EmptyRecommendationsSaySo) {
  v1::RecommendPartnersResponse response;
  response.set_graph_version(12);
  EXPECT_EQ(RecommendationsTable(response, false),
            "no city matches (graph version 12)\n");
  response.set_not_modified(true);
  EXPECT_EQ(RecommendationsTable(response, false),
            "not modified (graph version 12)\n");
}

TEST(OutputTest, UnmatchedThemesGetOneNoteEachWithTheSuggestion) {
  v1::RecommendPartnersResponse response;
  EXPECT_EQ(UnmatchedNotes(response), "");
  v1::UnmatchedTheme* typo = response.add_unmatched_themes();
  typo->set_theme("migrnts");
  typo->set_suggestion("migration");
  response.add_unmatched_themes()->set_theme("xyz");
  EXPECT_EQ(UnmatchedNotes(response),
            "note: theme \"migrnts\" matches no theme; the ranking ignores it "
            "(did you mean \"migration\"? see citymatch themes list)\n"
            "note: theme \"xyz\" matches no theme; the ranking ignores it "
            "(see citymatch themes list)\n");
}

TEST(OutputTest, AnUnmatchedProgrammeGetsANoteWithTheSuggestion) {
  v1::RecommendPartnersResponse response;
  response.mutable_unmatched_programme()->set_programme("URBAKT");
  EXPECT_EQ(UnmatchedNotes(response),
            "note: programme \"URBAKT\" matches no programme of the graph; "
            "the ranking uses no programme history\n");
  response.mutable_unmatched_programme()->set_suggestion("URBACT");
  EXPECT_EQ(UnmatchedNotes(response),
            "note: programme \"URBAKT\" matches no programme of the graph; "
            "the ranking uses no programme history (did you mean "
            "\"URBACT\"?)\n");
}

v1::Token SampleToken() {
  v1::Token token;
  token.set_name("tokens/0a1b2c3d4e5f6071");
  token.set_display_name("Milano editors");
  token.set_role(v1::EDITOR);
  token.set_organization("organizations/comune-milano");
  token.mutable_create_time()->set_seconds(1800000000);  // 2027-01-15T08:00Z
  return token;
}

TEST(OutputTest, FormatTimestampIsRfc3339InUtcOrEmptyWhenUnset) {
  google::protobuf::Timestamp t;
  EXPECT_EQ(FormatTimestamp(t), "");
  t.set_seconds(1800000000);
  t.set_nanos(500000000);
  EXPECT_EQ(FormatTimestamp(t), "2027-01-15T08:00:00Z");
}

TEST(OutputTest, CreatedTokenEndsWithTheSecretAloneOnItsLine) {
  v1::CreateTokenResponse response;
  response.set_name("tokens/0a1b2c3d4e5f6071");
  response.set_token("cm_0a1b2c3d4e5f6071_secret");
  *response.mutable_metadata() = SampleToken();
  const std::string text = CreatedToken(response);
  EXPECT_THAT(text, HasSubstr("name:         tokens/0a1b2c3d4e5f6071\n"));
  EXPECT_THAT(text, HasSubstr("role:         EDITOR\n"));
  EXPECT_THAT(text, HasSubstr("organization: organizations/comune-milano\n"));
  EXPECT_THAT(text, HasSubstr("expire_time:  never\n"));
  EXPECT_THAT(text, HasSubstr("shown only this once"));
  const size_t last_line = text.rfind('\n', text.size() - 2) + 1;
  EXPECT_EQ(text.substr(last_line), "cm_0a1b2c3d4e5f6071_secret\n");
  // Shown once: nowhere else in the text.
  EXPECT_EQ(text.find("cm_0a1b2c3d4e5f6071_secret"), last_line);
}

TEST(OutputTest, TokensTableTellsActiveRevokedAndExpired) {
  v1::ListTokensResponse response;
  *response.add_tokens() = SampleToken();
  v1::Token* revoked = response.add_tokens();
  *revoked = SampleToken();
  revoked->set_name("tokens/gone");
  revoked->set_revoked(true);
  v1::Token* expired = response.add_tokens();
  *expired = SampleToken();
  expired->set_name("tokens/old");
  expired->mutable_expire_time()->set_seconds(1800000100);
  const std::string before =
      TokensTable(response, absl::FromUnixSeconds(1800000050));
  const std::string after =
      TokensTable(response, absl::FromUnixSeconds(1800000100));
  EXPECT_THAT(before, HasSubstr("ID "));
  EXPECT_THAT(before, HasSubstr("0a1b2c3d4e5f6071"));
  EXPECT_THAT(before, HasSubstr("comune-milano"));
  EXPECT_THAT(before, HasSubstr("2027-01-15T08:01:40Z"));
  EXPECT_THAT(before, Not(HasSubstr("expired")));
  EXPECT_THAT(after, HasSubstr("expired"));
  EXPECT_THAT(before, HasSubstr("revoked"));
  EXPECT_THAT(before, HasSubstr("active"));
}

TEST(OutputTest, AuditTableShowsOneRowPerEventInTheGivenOrder) {
  v1::ListAuditEventsResponse response;
  for (const char* method : {"DeleteProject", "CreateCity"}) {
    v1::AuditEvent* e = response.add_events();
    e->mutable_time()->set_seconds(1800000000);
    e->set_token("tokens/0a1b2c3d4e5f6071");
    e->set_role(v1::EDITOR);
    e->set_organization("organizations/comune-milano");
    e->set_method(method);
    e->set_resource("projects/x");
    e->set_result("PERMISSION_DENIED");
  }
  response.set_next_page_token("NEXT");
  const std::string text = AuditTable(response);
  EXPECT_THAT(text, StartsWith("TIME  "));
  EXPECT_THAT(text, HasSubstr("RESULT\n"));
  EXPECT_LT(text.find("DeleteProject"), text.find("CreateCity"));
  EXPECT_THAT(text, HasSubstr("2027-01-15T08:00:00Z  0a1b2c3d4e5f6071  EDITOR  "
                              "comune-milano  "));
  EXPECT_THAT(text, HasSubstr("next page: --page-token NEXT\n"));
}

// An event recorded before the server escaped control characters may hold a
// resource with a newline: the table shows it escaped, on the event's row,
// rather than as a line of its own that reads as another event.
TEST(OutputTest, AuditTableShowsControlCharactersOfAResourceEscaped) {
  v1::ListAuditEventsResponse response;
  v1::AuditEvent* e = response.add_events();
  e->mutable_time()->set_seconds(1800000000);
  e->set_token("tokens/0a1b2c3d4e5f6071");
  e->set_role(v1::EDITOR);
  e->set_method("DeleteProject");
  e->set_resource(
      "x\n2027-01-15T08:00:00Z  ffffffffffffffff  ADMIN  DeleteProject  "
      "projects/y  OK\x1b[2J\u009b");
  e->set_result("INVALID_ARGUMENT");
  const std::string text = AuditTable(response);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_THAT(text, HasSubstr("x\\n2027-01-15T08:00:00Z  ffffffffffffffff  "
                              "ADMIN  DeleteProject  projects/y  "
                              "OK\\x1b[2J\\u009b  INVALID_ARGUMENT\n"));
}

TEST(OutputTest, OrganizationsTableListsCityIds) {
  v1::ListOrganizationsResponse response;
  v1::Organization* o = response.add_organizations();
  o->set_name("organizations/comune-milano");
  o->set_display_name("Comune di Milano");
  o->add_cities("cities/milano");
  o->add_cities("cities/3173435");
  const std::string text = OrganizationsTable(response);
  EXPECT_THAT(text, HasSubstr("comune-milano  Comune di Milano  "
                              "milano, 3173435"));
  EXPECT_THAT(OrganizationDetails(*o),
              HasSubstr("cities:       cities/milano, cities/3173435\n"));
}

TEST(OutputTest, UnknownValuesAreBlankInDetailsAsInTables) {
  v1::City city;
  city.set_name("cities/x");
  EXPECT_THAT(CityDetails(city), HasSubstr("population:   \n"));
  city.set_population(1200);
  EXPECT_THAT(CityDetails(city), HasSubstr("population:   1200\n"));
  v1::Project project;
  project.set_name("projects/p");
  EXPECT_THAT(ProjectDetails(project), Not(HasSubstr("UNSPECIFIED")));
  project.set_status(v1::OPEN);
  EXPECT_THAT(ProjectDetails(project), HasSubstr(" OPEN\n"));
}

TEST(OutputTest, TwinningDetailsNamesBothCities) {
  v1::Twinning twinning;
  twinning.set_city_a("cities/graz");
  twinning.set_city_b("cities/sevilla");
  EXPECT_EQ(TwinningDetails(twinning),
            "city_a: cities/graz\ncity_b: cities/sevilla\n");
}

}  // namespace
}  // namespace citymatch
