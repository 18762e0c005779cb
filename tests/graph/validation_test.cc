#include "graph/validation.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/entity_fixtures.h"

namespace citymatch {

void PrintTo(const FieldViolation& v, std::ostream* os) {
  *os << v.field << ": " << v.description;
}

namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

::testing::Matcher<FieldViolation> ViolationOf(const std::string& field,
                                               const std::string& why = "") {
  return AllOf(Field(&FieldViolation::field, field),
               Field(&FieldViolation::description, HasSubstr(why)));
}

std::vector<FieldViolation> Check(const City& c,
                                  const std::string& prefix = "") {
  std::vector<FieldViolation> out;
  ValidateCity(c, prefix, &out);
  return out;
}
std::vector<FieldViolation> Check(const Project& p) {
  std::vector<FieldViolation> out;
  ValidateProject(p, "", &out);
  return out;
}
std::vector<FieldViolation> Check(const Practice& p) {
  std::vector<FieldViolation> out;
  ValidatePractice(p, "", &out);
  return out;
}

TEST(ValidationTest, GoodEntitiesHaveNoViolations) {
  EXPECT_THAT(Check(testing::Milano()), IsEmpty());
  EXPECT_THAT(Check(testing::ArrivalCities()), IsEmpty());
  EXPECT_THAT(Check(testing::BilbaoHealth()), IsEmpty());
}

TEST(ValidationTest, CheckTextRules) {
  EXPECT_EQ(CheckText("Wien", 10, true), "");
  EXPECT_EQ(CheckText("", 10, false), "");
  EXPECT_EQ(CheckText("", 10, true), "is required");
  EXPECT_EQ(CheckText("   ", 10, true), "is blank");
  EXPECT_THAT(CheckText("12345678901", 10, true), HasSubstr("at most 10"));
  EXPECT_EQ(CheckText("1234567890", 10, true), "");  // exactly the limit
  EXPECT_EQ(CheckText("Caf\xE9", 10, true), "is not valid UTF-8");
  EXPECT_EQ(CheckText("a\nb", 10, true), "contains a control character");
  EXPECT_EQ(CheckText("a\tb", 10, true), "contains a control character");
  EXPECT_EQ(CheckText("a\x7F", 10, true), "contains a control character");
  EXPECT_EQ(CheckText("a\x1F", 10, true), "contains a control character");
  // Non-ASCII letters are not control characters.
  EXPECT_EQ(CheckText("Łódź", 10, true), "");
}

TEST(ValidationTest, CityFieldsUseApiNamesAndPrefix) {
  City c = testing::Milano();
  c.name = "";
  c.country = "it";
  c.lat = 91;
  c.lon = -181;
  c.population = -1;
  EXPECT_THAT(
      Check(c, "city."),
      ElementsAre(ViolationOf("city.display_name", "required"),
                  ViolationOf("city.country_code", "\"it\""),
                  ViolationOf("city.latitude"), ViolationOf("city.longitude"),
                  ViolationOf("city.population")));
}

TEST(ValidationTest, CityCoordinatesMustBeFiniteAndInRange) {
  for (double lat : {90.0001, -90.0001, std::nan(""), HUGE_VAL}) {
    City c = testing::Milano();
    c.lat = lat;
    EXPECT_THAT(Check(c), ElementsAre(ViolationOf("latitude"))) << lat;
  }
  for (double lon : {180.0001, -180.0001, std::nan(""), -HUGE_VAL}) {
    City c = testing::Milano();
    c.lon = lon;
    EXPECT_THAT(Check(c), ElementsAre(ViolationOf("longitude"))) << lon;
  }
  City edge = testing::Milano();
  edge.lat = -90;
  edge.lon = 180;
  EXPECT_THAT(Check(edge), IsEmpty());
}

TEST(ValidationTest, PopulationIsBounded) {
  City c = testing::Milano();
  c.population = kMaxPopulation;
  EXPECT_THAT(Check(c), IsEmpty());
  for (int64_t too_many : {kMaxPopulation + 1, int64_t{12000000000},
                           std::numeric_limits<int64_t>::max()}) {
    c.population = too_many;
    EXPECT_THAT(Check(c, "city."),
                ElementsAre(ViolationOf(
                    "city.population",
                    absl::StrCat("must be in 0..100000000 (no city has 100 "
                                 "million inhabitants), got ",
                                 too_many))));
  }
}

TEST(ValidationTest, LanguagesAreIsoCodesInLowerCaseListedOnce) {
  City c = testing::Milano();
  c.profile.languages = {"it", "en", "de", "sl", "uk", "zu"};
  EXPECT_THAT(Check(c), IsEmpty());
  c.profile.languages = {"it", "EN",  "zz", "ENGLISH",
                         "it", "eng", "",   std::string("e\0", 2)};
  EXPECT_THAT(
      Check(c, "city."),
      ElementsAre(
          ViolationOf("city.profile.languages[1]",
                      "\"EN\" is not an ISO 639-1 language code in lower case "
                      "(\"en\")"),
          ViolationOf("city.profile.languages[2]",
                      "\"zz\" is not an ISO 639-1 language code in lower case "
                      "such as \"en\""),
          ViolationOf("city.profile.languages[3]", "\"ENGLISH\""),
          ViolationOf("city.profile.languages[4]",
                      "\"it\" is listed twice (also profile.languages[0])"),
          ViolationOf("city.profile.languages[5]", "\"eng\""),
          ViolationOf("city.profile.languages[6]", "\"\""),
          ViolationOf("city.profile.languages[7]")));
}

TEST(ValidationTest, CountryCodeMustBeAssignedAlpha2) {
  for (const char* bad : {"", "I", "ITA", "it", "It", "UK", "EU", "ZZ"}) {
    City c = testing::Milano();
    c.country = bad;
    EXPECT_THAT(Check(c), ElementsAre(ViolationOf("country_code"))) << bad;
  }
  for (const char* good : {"IT", "GR", "GB", "XK", "CH", "NO"}) {
    City c = testing::Milano();
    c.country = good;
    EXPECT_THAT(Check(c), IsEmpty()) << good;
  }
}

// The EU's abbreviations for two countries, common in data taken from it.
TEST(ValidationTest, UkAndElAreRefusedWithTheIsoCode) {
  City c = testing::Milano();
  c.country = "UK";
  EXPECT_THAT(Check(c),
              ElementsAre(ViolationOf(
                  "country_code",
                  "\"UK\" is not an ISO 3166-1 alpha-2 code in upper case "
                  "(the United Kingdom is GB)")));
  c.country = "EL";
  EXPECT_THAT(Check(c), ElementsAre(ViolationOf(
                            "country_code",
                            "\"EL\" is not an ISO 3166-1 alpha-2 code in "
                            "upper case (Greece is GR)")));
  c.country = "XX";
  EXPECT_THAT(Check(c), ElementsAre(ViolationOf("country_code")));
  EXPECT_THAT(Check(c)[0].description, Not(HasSubstr("(")));

  EXPECT_EQ(CheckCountryFilter("uk"),
            "\"uk\" is not an ISO 3166-1 alpha-2 country code (the United "
            "Kingdom is GB); expected a two-letter code such as IT");
  EXPECT_THAT(CheckCountryFilter("El"), HasSubstr("(Greece is GR)"));
  EXPECT_EQ(CheckCountryFilter("gb"), "");
}

// A NUL byte is not part of any code (it once cut the lookup key short).
TEST(ValidationTest, CountryCodeWithANulByteIsRefused) {
  City c = testing::Milano();
  for (const std::string& code :
       {std::string("\0X", 2), std::string("I\0", 2), std::string(2, '\0')}) {
    c.country = code;
    EXPECT_THAT(Check(c), ElementsAre(ViolationOf("country_code")));
    EXPECT_NE(CheckCountryFilter(code), "");
  }
}

TEST(ValidationTest, CityProfileIsChecked) {
  City c = testing::Milano();
  c.profile.seeking_themes = {"Migrants", ""};
  c.profile.capacity = -1;
  c.profile.contact_organization = "Comune\n";
  EXPECT_THAT(Check(c),
              ElementsAre(ViolationOf("profile.seeking_themes[1]", "required"),
                          ViolationOf("profile.capacity"),
                          ViolationOf("profile.contact_organization",
                                      "control character")));
}

TEST(ValidationTest, ProjectYearsMustBeOrderedAndPlausible) {
  Project p = testing::ArrivalCities();
  p.start_year = 2016;
  p.end_year = 2015;
  EXPECT_THAT(Check(p), ElementsAre(ViolationOf("end_year", "before")));
  p.start_year = 1899;
  p.end_year = 0;  // unknown end: no order to check
  EXPECT_THAT(Check(p), ElementsAre(ViolationOf("start_year", "1899")));
  p.start_year = 0;
  p.end_year = 2101;
  EXPECT_THAT(Check(p), ElementsAre(ViolationOf("end_year", "2101")));
}

// Several leads are allowed: 39 shipped Interreg projects name a lead
// organisation in more than one city.
TEST(ValidationTest, ProjectMembersAreUniqueValidIds) {
  Project p = testing::ArrivalCities();
  p.members = {{"3173435", Role::kLead},
               {"Roma", Role::kPartner},
               {"3173435", Role::kLead},
               {"", Role::kPartner}};
  EXPECT_THAT(Check(p),
              ElementsAre(ViolationOf("members[1].city", "\"Roma\""),
                          ViolationOf("members[2].city", "listed twice"),
                          ViolationOf("members[3].city", "required")));
}

TEST(ValidationTest, LabelsMustNotContainTheListSeparator) {
  Project p = testing::ArrivalCities();
  p.themes = {"Housing", "Migrants|Roma"};
  EXPECT_THAT(Check(p), ElementsAre(ViolationOf("themes[1]", "'|'")));
}

TEST(ValidationTest, ListsAndRulesAreBounded) {
  Project p = testing::ArrivalCities();
  p.themes.assign(kMaxListLength + 1, "Housing");
  p.wanted_partners = -1;
  p.rules.max_per_country = -2;
  p.owner = "Not An Id";
  EXPECT_THAT(Check(p),
              ElementsAre(ViolationOf("themes", "at most"),
                          ViolationOf("wanted_partners"), ViolationOf("rules"),
                          ViolationOf("owner")));
  p = testing::ArrivalCities();
  p.themes.assign(kMaxListLength, "Housing");
  EXPECT_THAT(Check(p), IsEmpty());
}

TEST(ValidationTest, TitleLengthIsInBytes) {
  Project p = testing::ArrivalCities();
  // 150 two-byte letters: 300 bytes, the limit.
  p.title.clear();
  for (int i = 0; i < 150; ++i) p.title += "é";
  EXPECT_THAT(Check(p), IsEmpty());
  p.title += "e";
  EXPECT_THAT(Check(p), ElementsAre(ViolationOf("title", "301 bytes")));
}

TEST(ValidationTest, PracticeNeedsTitleAndCity) {
  Practice p = testing::BilbaoHealth();
  p.title = "";
  p.city_id = "";
  p.start_year = 3000;
  p.summary = std::string(kMaxTextLength + 1, 'x');
  EXPECT_THAT(Check(p), ElementsAre(ViolationOf("title", "required"),
                                    ViolationOf("city", "required"),
                                    ViolationOf("start_year"),
                                    ViolationOf("summary", "at most")));
  p = testing::BilbaoHealth();
  p.city_id = "cities/3128026";  // a resource name is not an id
  EXPECT_THAT(Check(p),
              ElementsAre(ViolationOf("city", "not a valid city id")));
}

TEST(ValidationTest, ViolationsAreAppendedNotReplaced) {
  std::vector<FieldViolation> out = {{"earlier", "kept"}};
  City c = testing::Milano();
  c.country = "";
  ValidateCity(c, "", &out);
  EXPECT_THAT(out, ElementsAre(ViolationOf("earlier", "kept"),
                               ViolationOf("country_code")));
  EXPECT_THAT(out, Not(Contains(ViolationOf("latitude"))));
}

}  // namespace
}  // namespace citymatch
