#include "graph/graph_builder.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_data.h"

namespace citymatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

std::vector<std::string> CityIds(const GraphSnapshot& g) {
  std::vector<std::string> ids;
  for (const City& c : g.cities()) ids.push_back(c.id);
  return ids;
}

City MakeCity(const std::string& id, const std::string& name = "Town") {
  City c;
  c.id = id;
  c.name = name;
  c.country = "IT";
  c.lat = 45;
  c.lon = 9;
  return c;
}

Project MakeProject(const std::string& id,
                    std::vector<Membership> members = {}) {
  Project p;
  p.id = id;
  p.title = "Project " + id;
  p.themes = {"Migrants"};
  p.members = std::move(members);
  return p;
}

// Build() consumes the builder, so a chained Apply() needs it moved.
absl::StatusOr<std::shared_ptr<const GraphSnapshot>> ApplyAndBuild(
    const GraphSnapshot& base, const Mutation& m, int64_t version) {
  GraphBuilder builder(base);
  builder.Apply(m);
  return std::move(builder).Build(version);
}

TEST(GraphBuilderTest, BuildsSortedSnapshotWithTheGivenVersion) {
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> g =
      GraphBuilder(testing::SampleDataset()).Build(42);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ((*g)->version(), 42);
  EXPECT_THAT(CityIds(**g), ElementsAre("bilbao", "graz", "lyon", "milano",
                                        "roma", "sevilla", "torino", "wien"));
  ASSERT_THAT((*g)->projects(), SizeIs(4));
  EXPECT_EQ((*g)->projects()[0].id, "interreg-alps-heritage");
  EXPECT_EQ((*g)->projects()[3].id, "urbact-welcome");
  EXPECT_THAT((*g)->practices(), SizeIs(2));
  EXPECT_THAT((*g)->twinnings(), ElementsAre(Twinning{"graz", "sevilla"},
                                             Twinning{"lyon", "milano"}));
  EXPECT_EQ(&(*g)->taxonomy(), &ThemeTaxonomy::Default());
}

TEST(GraphBuilderTest, EmptyDatasetBuilds) {
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> g =
      GraphBuilder(Dataset()).Build(0);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_TRUE((*g)->cities().empty());
  EXPECT_EQ((*g)->num_vertices(),
            static_cast<int>(ThemeTaxonomy::Default().themes().size()));
}

TEST(GraphBuilderTest, LaterEntityWithTheSameIdReplacesTheEarlier) {
  Dataset data;
  data.cities = {MakeCity("a", "First"), MakeCity("b"),
                 MakeCity("a", "Second")};
  data.twinnings = {{"b", "a"}, {"a", "b"}};  // the same tie, twice
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> g =
      GraphBuilder(std::move(data)).Build(1);
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_THAT((*g)->cities(), SizeIs(2));
  EXPECT_EQ((*g)->FindCity("a")->name, "Second");
  EXPECT_THAT((*g)->twinnings(), ElementsAre(Twinning{"a", "b"}));
}

TEST(GraphBuilderTest, DanglingMemberIsFailedPrecondition) {
  Dataset data;
  data.cities = {MakeCity("a")};
  data.projects = {
      MakeProject("p", {{"a", Role::kLead}, {"ghost", Role::kPartner}})};
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> g =
      GraphBuilder(std::move(data)).Build(1);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(g.status().message(), HasSubstr("project p"));
  EXPECT_THAT(g.status().message(), HasSubstr("ghost"));
}

TEST(GraphBuilderTest, DanglingPracticeOrTwinningCityIsFailedPrecondition) {
  Dataset practice_data;
  practice_data.cities = {MakeCity("a")};
  Practice x;
  x.id = "x";
  x.title = "X";
  x.city_id = "ghost";
  practice_data.practices = {x};
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> g =
      GraphBuilder(std::move(practice_data)).Build(1);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(g.status().message(), HasSubstr("ghost"));

  Dataset twin_data;
  twin_data.cities = {MakeCity("a")};
  twin_data.twinnings = {Twinning::Normalized("a", "zombie")};
  g = GraphBuilder(std::move(twin_data)).Build(1);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(g.status().message(), HasSubstr("zombie"));
}

TEST(GraphBuilderTest, CityListedTwiceInAProjectIsInvalidArgument) {
  Dataset data;
  data.cities = {MakeCity("a"), MakeCity("b")};
  data.projects = {MakeProject(
      "p", {{"a", Role::kLead}, {"b", Role::kPartner}, {"a", Role::kPartner}})};
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> g =
      GraphBuilder(std::move(data)).Build(1);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(g.status().message(), HasSubstr("project p"));
}

TEST(GraphBuilderTest, SelfTwinningIsInvalidArgument) {
  Dataset data;
  data.cities = {MakeCity("a")};
  data.twinnings = {{"a", "a"}};
  EXPECT_EQ(GraphBuilder(std::move(data)).Build(1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(GraphBuilderTest, ApplyPutsThenDeletes) {
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> base =
      GraphBuilder(testing::SampleDataset()).Build(5);
  ASSERT_TRUE(base.ok()) << base.status();
  Mutation m;
  m.put_cities = {MakeCity("napoli", "Napoli"), MakeCity("milano", "Milan")};
  m.put_projects = {MakeProject(
      "p-new", {{"napoli", Role::kLead}, {"roma", Role::kPartner}})};
  m.put_twinnings = {Twinning::Normalized("roma", "napoli")};
  m.delete_twinnings = {Twinning::Normalized("milano", "lyon")};
  m.delete_practices = {"gp-sevilla-housing"};
  // A put and a delete of the same id: the delete comes last and wins.
  m.put_cities.push_back(MakeCity("bari", "Bari"));
  m.delete_cities = {"bari"};
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> next =
      ApplyAndBuild(**base, m, 6);
  ASSERT_TRUE(next.ok()) << next.status();
  const GraphSnapshot& g = **next;
  EXPECT_EQ(g.version(), 6);
  EXPECT_EQ(g.cities().size(), 9u);
  EXPECT_EQ(g.FindCity("milano")->name, "Milan");
  EXPECT_EQ(g.FindCity("bari"), nullptr);
  EXPECT_NE(g.FindProject("p-new"), nullptr);
  EXPECT_EQ(g.FindPractice("gp-sevilla-housing"), nullptr);
  EXPECT_TRUE(g.HasTwinning(Twinning::Normalized("napoli", "roma")));
  EXPECT_FALSE(g.HasTwinning(Twinning::Normalized("lyon", "milano")));
  // The base is immutable: it still shows the old content.
  EXPECT_EQ((*base)->FindCity("milano")->name, "Milano");
  EXPECT_EQ((*base)->cities().size(), 8u);
  EXPECT_TRUE((*base)->HasTwinning(Twinning::Normalized("lyon", "milano")));
}

TEST(GraphBuilderTest, DeletingAReferencedCityFailsTheBuild) {
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> base =
      GraphBuilder(testing::SampleDataset()).Build(1);
  ASSERT_TRUE(base.ok()) << base.status();
  Mutation m;
  m.delete_cities = {"sevilla"};  // runs a practice and has a twin
  EXPECT_EQ(ApplyAndBuild(**base, m, 2).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Deleting what refers to it as well makes it consistent.
  m.delete_practices = {"gp-sevilla-housing"};
  m.delete_twinnings = {Twinning::Normalized("graz", "sevilla")};
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> next =
      ApplyAndBuild(**base, m, 2);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ((*next)->FindCity("sevilla"), nullptr);
}

TEST(GraphBuilderTest, ToDatasetRebuildsAnEqualSnapshot) {
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> first =
      GraphBuilder(testing::SampleDataset()).Build(3);
  ASSERT_TRUE(first.ok()) << first.status();
  const Dataset data = GraphBuilder::ToDataset(**first);
  EXPECT_EQ(data.cities, (*first)->cities());
  EXPECT_EQ(data.projects, (*first)->projects());
  EXPECT_EQ(data.practices, (*first)->practices());
  EXPECT_EQ(data.twinnings, (*first)->twinnings());
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> second =
      GraphBuilder(**first).Build(4);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->cities(), (*first)->cities());
  EXPECT_EQ((*second)->projects(), (*first)->projects());
  EXPECT_EQ((*second)->theme_ids(), (*first)->theme_ids());
  EXPECT_EQ(boost::num_edges((*second)->csr()),
            boost::num_edges((*first)->csr()));
}

TEST(GraphBuilderTest, UsesTheGivenTaxonomy) {
  static const ThemeTaxonomy* const kTaxonomy =
      new ThemeTaxonomy({{"movement", "Movement", {"Migrants"}, {}}});
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> g =
      GraphBuilder(testing::SampleDataset()).Build(1, *kTaxonomy);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(&(*g)->taxonomy(), kTaxonomy);
  EXPECT_EQ((*g)->theme_ids()[0], "movement");
  const int arrival = (*g)->ProjectIndex("urbact-arrival");
  ASSERT_GE(arrival, 0);
  EXPECT_THAT(
      (*g)->project_themes(arrival),
      ElementsAre(
          (*g)->ThemeIndex("movement"),
          (*g)->ThemeIndex("label:social inclusion and equal opportunities")));
}

}  // namespace
}  // namespace citymatch
