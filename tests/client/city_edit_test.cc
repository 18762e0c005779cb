#include "client/city_edit.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace citymatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::City Stored() {
  v1::City c;
  c.set_name("cities/lyon");
  c.set_display_name("Lyon");
  c.set_country_code("FR");
  c.set_latitude(45.74846);
  c.set_longitude(4.84671);
  c.set_population(472317);
  c.mutable_profile()->add_seeking_themes("housing");
  c.mutable_profile()->add_languages("fr");
  c.mutable_profile()->set_capacity(2);
  c.set_etag("e1");
  return c;
}

TEST(CityEditTest, OnlyTheFieldsGivenAreChangedAndMasked) {
  v1::City city = Stored();
  CityEdit edit;
  edit.population = 522250;
  edit.latitude = 45.76;
  EXPECT_THAT(ApplyCityEdit(edit, &city),
              ElementsAre("latitude", "population"));
  EXPECT_EQ(city.population(), 522250);
  EXPECT_DOUBLE_EQ(city.latitude(), 45.76);
  EXPECT_DOUBLE_EQ(city.longitude(), 4.84671);
  EXPECT_EQ(city.display_name(), "Lyon");
  EXPECT_EQ(city.profile().capacity(), 2);
  // The etag read goes back, so a change in between is detected.
  EXPECT_EQ(city.etag(), "e1");
}

TEST(CityEditTest, ProfileFieldsAreMaskedEachOnItsOwn) {
  v1::City city = Stored();
  CityEdit edit;
  edit.languages = std::vector<std::string>{"fr", "en"};
  edit.contact_organization = "Métropole de Lyon";
  EXPECT_THAT(ApplyCityEdit(edit, &city),
              ElementsAre("profile.languages", "profile.contact_organization"));
  EXPECT_THAT(city.profile().languages(), ElementsAre("fr", "en"));
  EXPECT_EQ(city.profile().contact_organization(), "Métropole de Lyon");
  EXPECT_THAT(city.profile().seeking_themes(), ElementsAre("housing"));
  EXPECT_EQ(city.profile().capacity(), 2);
}

TEST(CityEditTest, AnEmptyListClearsIt) {
  v1::City city = Stored();
  CityEdit edit;
  edit.seeking_themes = std::vector<std::string>{};
  EXPECT_THAT(ApplyCityEdit(edit, &city),
              ElementsAre("profile.seeking_themes"));
  EXPECT_THAT(city.profile().seeking_themes(), IsEmpty());
}

TEST(CityEditTest, ACityWithoutAProfileGetsNoneUnlessOneIsEdited) {
  v1::City city = Stored();
  city.clear_profile();
  CityEdit edit;
  edit.display_name = "Lyon Métropole";
  EXPECT_THAT(ApplyCityEdit(edit, &city), ElementsAre("display_name"));
  EXPECT_FALSE(city.has_profile());

  edit.capacity = 4;
  EXPECT_THAT(ApplyCityEdit(edit, &city),
              ElementsAre("display_name", "profile.capacity"));
  EXPECT_EQ(city.profile().capacity(), 4);
}

TEST(CityEditTest, EmptyUntilAFieldIsGiven) {
  CityEdit edit;
  EXPECT_TRUE(edit.empty());
  edit.contact_organization = "";
  EXPECT_FALSE(edit.empty());
}

}  // namespace
}  // namespace citymatch
