#include "graph/entities.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace citymatch {
namespace {

City Milano() {
  City c;
  c.id = "3173435";
  c.name = "Milano";
  c.country = "IT";
  c.lat = 45.46427;
  c.lon = 9.18951;
  c.population = 1371498;
  return c;
}

Project Arrival() {
  Project p;
  p.id = "urbact-arrival";
  p.title = "Arrival Cities";
  p.programme = "URBACT II";
  p.themes = {"Migrants", "Inclusion"};
  p.members = {{"3173435", Role::kLead}, {"3169070", Role::kPartner}};
  p.start_year = 2012;
  p.end_year = 2015;
  p.status = ProjectStatus::kClosed;
  return p;
}

Practice Health() {
  Practice p;
  p.id = "eumia-bilbao-health";
  p.title = "Women's Health in Women's Hands";
  p.city_id = "3128026";
  p.themes = {"Health"};
  return p;
}

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
  EXPECT_EQ(Milano(), Milano());
  City c = Milano();
  c.profile.languages = {"it"};
  EXPECT_FALSE(c == Milano());

  EXPECT_EQ(Arrival(), Arrival());
  Project p = Arrival();
  p.members[1].role = Role::kLead;
  EXPECT_FALSE(p == Arrival());
  p = Arrival();
  p.rules.max_per_country = 2;
  EXPECT_FALSE(p == Arrival());

  Practice x = Health();
  x.source_url = "https://example.org";
  EXPECT_FALSE(x == Health());
}

TEST(EntitiesTest, EtagIsStableForEqualContent) {
  // Fixed values: etags must survive a restart and agree across replicas,
  // so they cannot depend on a per-process hash seed.
  EXPECT_EQ(Etag(Milano()), Etag(Milano()));
  EXPECT_EQ(Etag(Milano()).size(), 16u);
  EXPECT_EQ(Etag(Arrival()), Etag(Arrival()));
  EXPECT_EQ(Etag(Health()), Etag(Health()));
}

TEST(EntitiesTest, EtagChangesWithAnyField) {
  std::set<std::string> etags = {Etag(Milano())};
  auto add = [&](const City& c) { return etags.insert(Etag(c)).second; };
  City c = Milano();
  c.name = "Milan";
  EXPECT_TRUE(add(c));
  c = Milano();
  c.lat += 0.0001;
  EXPECT_TRUE(add(c));
  c = Milano();
  c.population += 1;
  EXPECT_TRUE(add(c));
  c = Milano();
  c.profile.capacity = 3;
  EXPECT_TRUE(add(c));
  c = Milano();
  c.profile.seeking_themes = {"Migrants"};
  EXPECT_TRUE(add(c));

  std::set<std::string> project_etags = {Etag(Arrival())};
  Project p = Arrival();
  p.members[0].role = Role::kPartner;
  EXPECT_TRUE(project_etags.insert(Etag(p)).second);
  p = Arrival();
  p.status = ProjectStatus::kOpen;
  EXPECT_TRUE(project_etags.insert(Etag(p)).second);
  p = Arrival();
  p.themes = {"Inclusion", "Migrants"};  // order is content
  EXPECT_TRUE(project_etags.insert(Etag(p)).second);

  Practice x = Health();
  x.summary = "Peer health education by migrant women.";
  EXPECT_NE(Etag(x), Etag(Health()));
}

TEST(EntitiesTest, EtagDoesNotConfuseFieldBoundaries) {
  // "ab" + "c" must not hash like "a" + "bc".
  Practice a = Health();
  a.title = "ab";
  a.summary = "c";
  Practice b = Health();
  b.title = "a";
  b.summary = "bc";
  EXPECT_NE(Etag(a), Etag(b));
  City x = Milano();
  x.id = "31";
  x.name = "73435Milano";
  EXPECT_NE(Etag(x), Etag(Milano()));
  Project r = Arrival();
  r.members = {{"3173435", Role::kLead}};
  EXPECT_NE(Etag(r), Etag(Arrival()));
}

TEST(EntitiesTest, EntityKindNames) {
  EXPECT_STREQ(EntityKindName(EntityKind::kCity), "city");
  EXPECT_STREQ(EntityKindName(EntityKind::kProject), "project");
  EXPECT_STREQ(EntityKindName(EntityKind::kPractice), "practice");
  EXPECT_STREQ(EntityKindName(EntityKind::kTwinning), "twinning");
}

}  // namespace
}  // namespace citymatch
