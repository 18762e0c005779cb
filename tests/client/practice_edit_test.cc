#include "client/practice_edit.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace citymatch {
namespace {

using ::testing::ElementsAre;

v1::Practice Stored() {
  v1::Practice p;
  p.set_name("practices/p");
  p.set_title("Homes, not shelters");
  p.set_city("cities/sevilla");
  p.add_themes("Housing");
  p.add_themes("Roma");
  p.set_start_year(2015);
  p.set_summary("Flats instead of dormitories.");
  p.set_owner("organizations/sevilla");
  p.set_etag("e1");
  return p;
}

TEST(PracticeEditTest, OnlyTheFieldsGivenAreChangedAndMasked) {
  v1::Practice practice = Stored();
  PracticeEdit edit;
  edit.summary = "Flats, not dormitories.";
  edit.source_url = "https://example.org/homes";
  EXPECT_THAT(ApplyPracticeEdit(edit, &practice),
              ElementsAre("summary", "source_url"));
  EXPECT_EQ(practice.summary(), "Flats, not dormitories.");
  EXPECT_EQ(practice.source_url(), "https://example.org/homes");
  EXPECT_EQ(practice.title(), "Homes, not shelters");
  EXPECT_THAT(practice.themes(), ElementsAre("Housing", "Roma"));
  EXPECT_EQ(practice.start_year(), 2015);
  EXPECT_EQ(practice.etag(), "e1");
}

TEST(PracticeEditTest, EveryFieldInTheOrderOfThePracticeMessage) {
  v1::Practice practice = Stored();
  PracticeEdit edit;
  edit.owner = "organizations/andalucia";
  edit.start_year = 0;
  edit.themes = std::vector<std::string>{"housing"};
  edit.city = "cities/graz";
  edit.title = "Homes first";
  edit.summary = "";
  edit.source_url = "";
  EXPECT_THAT(ApplyPracticeEdit(edit, &practice),
              ElementsAre("title", "city", "themes", "start_year", "summary",
                          "source_url", "owner"));
  EXPECT_EQ(practice.city(), "cities/graz");
  EXPECT_THAT(practice.themes(), ElementsAre("housing"));
  EXPECT_EQ(practice.start_year(), 0);
  EXPECT_EQ(practice.summary(), "");
  EXPECT_EQ(practice.owner(), "organizations/andalucia");
}

TEST(PracticeEditTest, EmptyUntilAFieldIsGiven) {
  PracticeEdit edit;
  EXPECT_TRUE(edit.empty());
  edit.themes = std::vector<std::string>{};
  EXPECT_FALSE(edit.empty());
}

}  // namespace
}  // namespace citymatch
