#include "graph/entities.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/entity_fixtures.h"

namespace citymatch {
namespace {

TEST(EntitiesTest, IsValidIdFollowsTheIdSyntax) {
  EXPECT_TRUE(IsValidId("3173435"));
  EXPECT_TRUE(IsValidId("urbact-arrival-cities"));
  EXPECT_TRUE(IsValidId("a"));
  EXPECT_TRUE(IsValidId("0-"));
  EXPECT_TRUE(IsValidId(std::string(63, 'a')));
  EXPECT_FALSE(IsValidId(std::string(64, 'a')));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("-leading"));
  EXPECT_FALSE(IsValidId("Upper"));
  EXPECT_FALSE(IsValidId("under_score"));
  EXPECT_FALSE(IsValidId("cities/3173435"));
  EXPECT_FALSE(IsValidId("a b"));
  EXPECT_FALSE(IsValidId("é"));
  EXPECT_FALSE(IsValidId(std::string("a\0b", 3)));
}

TEST(EntitiesTest, TwinningIsNormalised) {
  Twinning t = Twinning::Normalized("roma", "milano");
  EXPECT_EQ(t.city_a, "milano");
  EXPECT_EQ(t.city_b, "roma");
  EXPECT_EQ(t, Twinning::Normalized("milano", "roma"));
  // Ids compare as strings, not numbers: "10" < "9".
  EXPECT_EQ(Twinning::Normalized("9", "10").city_a, "10");
  EXPECT_TRUE(Twinning::Normalized("a", "b") < Twinning::Normalized("a", "c"));
  EXPECT_FALSE(Twinning::Normalized("a", "c") < Twinning::Normalized("a", "b"));
}

TEST(EntitiesTest, EqualityComparesEveryField) {
  EXPECT_EQ(testing::Milano(), testing::Milano());
  City c = testing::Milano();
  c.profile.languages = {"it"};
  EXPECT_FALSE(c == testing::Milano());

  EXPECT_EQ(testing::ArrivalCities(), testing::ArrivalCities());
  Project p = testing::ArrivalCities();
  p.members[1].role = Role::kLead;
  EXPECT_FALSE(p == testing::ArrivalCities());
  p = testing::ArrivalCities();
  p.rules.max_per_country = 2;
  EXPECT_FALSE(p == testing::ArrivalCities());

  Practice x = testing::BilbaoHealth();
  x.source_url = "https://example.org";
  EXPECT_FALSE(x == testing::BilbaoHealth());
}

TEST(EntitiesTest, EtagIsStableForEqualContent) {
  // Fixed values: etags must survive a restart and agree across replicas,
  // so they cannot depend on a per-process hash seed.
  EXPECT_EQ(Etag(testing::Milano()), Etag(testing::Milano()));
  EXPECT_EQ(Etag(testing::Milano()).size(), 16u);
  EXPECT_EQ(Etag(testing::ArrivalCities()), Etag(testing::ArrivalCities()));
  EXPECT_EQ(Etag(testing::BilbaoHealth()), Etag(testing::BilbaoHealth()));
}

TEST(EntitiesTest, EtagChangesWithAnyField) {
  std::set<std::string> etags = {Etag(testing::Milano())};
  auto add = [&](const City& c) { return etags.insert(Etag(c)).second; };
  City c = testing::Milano();
  c.name = "Milan";
  EXPECT_TRUE(add(c));
  c = testing::Milano();
  c.lat += 0.0001;
  EXPECT_TRUE(add(c));
  c = testing::Milano();
  c.population += 1;
  EXPECT_TRUE(add(c));
  c = testing::Milano();
  c.profile.capacity = 3;
  EXPECT_TRUE(add(c));
  c = testing::Milano();
  c.profile.seeking_themes = {"Migrants"};
  EXPECT_TRUE(add(c));

  std::set<std::string> project_etags = {Etag(testing::ArrivalCities())};
  Project p = testing::ArrivalCities();
  p.members[0].role = Role::kPartner;
  EXPECT_TRUE(project_etags.insert(Etag(p)).second);
  p = testing::ArrivalCities();
  p.status = ProjectStatus::kOpen;
  EXPECT_TRUE(project_etags.insert(Etag(p)).second);
  p = testing::ArrivalCities();
  p.themes = {"Inclusion", "Migrants"};  // order is content
  EXPECT_TRUE(project_etags.insert(Etag(p)).second);

  Practice x = testing::BilbaoHealth();
  x.summary = "Peer health education by migrant women.";
  EXPECT_NE(Etag(x), Etag(testing::BilbaoHealth()));
}

TEST(EntitiesTest, EtagDoesNotConfuseFieldBoundaries) {
  // "ab" + "c" must not hash like "a" + "bc".
  Practice a = testing::BilbaoHealth();
  a.title = "ab";
  a.summary = "c";
  Practice b = testing::BilbaoHealth();
  b.title = "a";
  b.summary = "bc";
  EXPECT_NE(Etag(a), Etag(b));
  City x = testing::Milano();
  x.id = "31";
  x.name = "73435Milano";
  EXPECT_NE(Etag(x), Etag(testing::Milano()));
  Project r = testing::ArrivalCities();
  r.members = {{"3173435", Role::kLead}};
  EXPECT_NE(Etag(r), Etag(testing::ArrivalCities()));
}

TEST(EntitiesTest, EntityKindNames) {
  EXPECT_STREQ(EntityKindName(EntityKind::kCity), "city");
  EXPECT_STREQ(EntityKindName(EntityKind::kProject), "project");
  EXPECT_STREQ(EntityKindName(EntityKind::kPractice), "practice");
  EXPECT_STREQ(EntityKindName(EntityKind::kTwinning), "twinning");
}

}  // namespace
}  // namespace citymatch
