#include "graph/graph_snapshot.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>

#include "gmock/gmock.h"
#include "graph/graph_builder.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_data.h"

namespace citymatch {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

class GraphSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<const GraphSnapshot>> g =
        GraphBuilder(testing::SampleDataset()).Build(9);
    ASSERT_TRUE(g.ok()) << g.status();
    graph_ = *std::move(g);
  }

  int CityIdx(const std::string& id) const { return graph_->CityIndex(id); }
  int ProjectIdx(const std::string& id) const {
    return graph_->ProjectIndex(id);
  }
  int ThemeIdx(const std::string& id) const { return graph_->ThemeIndex(id); }

  std::shared_ptr<const GraphSnapshot> graph_;
};

TEST_F(GraphSnapshotTest, IndicesAreSortedPositions) {
  const GraphSnapshot& g = *graph_;
  for (int i = 0; i < static_cast<int>(g.cities().size()); ++i) {
    EXPECT_EQ(g.CityIndex(g.cities()[i].id), i);
    EXPECT_EQ(g.FindCity(g.cities()[i].id), &g.cities()[i]);
  }
  for (int i = 0; i < static_cast<int>(g.projects().size()); ++i) {
    EXPECT_EQ(g.ProjectIndex(g.projects()[i].id), i);
  }
  EXPECT_EQ(g.PracticeIndex("gp-sevilla-housing"), 1);
  EXPECT_EQ(g.FindPractice("gp-sevilla-housing")->city_id, "sevilla");
}

TEST_F(GraphSnapshotTest, UnknownIdsAreNotFound) {
  const GraphSnapshot& g = *graph_;
  EXPECT_EQ(g.CityIndex("napoli"), -1);
  EXPECT_EQ(g.CityIndex(""), -1);
  EXPECT_EQ(g.FindCity("napoli"), nullptr);
  EXPECT_EQ(g.FindCity("urbact-arrival"), nullptr);  // a project, not a city
  EXPECT_EQ(g.FindProject("milano"), nullptr);
  EXPECT_EQ(g.FindPractice("nope"), nullptr);
  EXPECT_EQ(g.ThemeIndex("nope"), -1);
}

TEST_F(GraphSnapshotTest, AdjacencyMatchesMemberships) {
  const GraphSnapshot& g = *graph_;
  EXPECT_THAT(
      g.city_projects(CityIdx("wien")),
      ElementsAre(ProjectIdx("urbact-arrival"), ProjectIdx("urbact-welcome")));
  EXPECT_THAT(g.city_projects(CityIdx("sevilla")), IsEmpty());
  EXPECT_THAT(g.project_members(ProjectIdx("urbact-arrival")),
              ElementsAre(CityIdx("bilbao"), CityIdx("milano"), CityIdx("roma"),
                          CityIdx("wien")));
  EXPECT_THAT(g.city_practices(CityIdx("bilbao")),
              ElementsAre(g.PracticeIndex("eumia-bilbao-health")));
  EXPECT_THAT(g.city_twins(CityIdx("graz")), ElementsAre(CityIdx("sevilla")));
  EXPECT_THAT(g.city_twins(CityIdx("sevilla")), ElementsAre(CityIdx("graz")));
  EXPECT_THAT(g.city_twins(CityIdx("roma")), IsEmpty());
  // Both directions agree for every city and project.
  for (int p = 0; p < static_cast<int>(g.projects().size()); ++p) {
    for (int c : g.project_members(p)) {
      EXPECT_THAT(g.city_projects(c), Contains(p));
    }
    EXPECT_EQ(g.project_members(p).size(), g.projects()[p].members.size());
    EXPECT_TRUE(std::is_sorted(g.project_members(p).begin(),
                               g.project_members(p).end()));
  }
}

TEST_F(GraphSnapshotTest, HasTwinningTakesTheNormalisedPair) {
  EXPECT_TRUE(graph_->HasTwinning(Twinning::Normalized("milano", "lyon")));
  EXPECT_TRUE(graph_->HasTwinning(Twinning{"lyon", "milano"}));
  EXPECT_FALSE(graph_->HasTwinning(Twinning::Normalized("milano", "roma")));
}

TEST_F(GraphSnapshotTest, ThemeNodesAreTaxonomyThemesThenUnknownLabels) {
  const GraphSnapshot& g = *graph_;
  const std::vector<ThemeDefinition>& themes = g.taxonomy().themes();
  ASSERT_GE(g.theme_ids().size(), themes.size());
  for (size_t i = 0; i < themes.size(); ++i) {
    EXPECT_EQ(g.theme_ids()[i], themes[i].id);
  }
  for (size_t i = themes.size(); i < g.theme_ids().size(); ++i) {
    EXPECT_EQ(g.theme_ids()[i].rfind("label:", 0), 0u) << g.theme_ids()[i];
  }
  EXPECT_THAT(g.project_themes(ProjectIdx("urbact-arrival")),
              Contains(ThemeIdx("migration")));
  EXPECT_THAT(g.project_themes(ProjectIdx("urbact-welcome")),
              Contains(ThemeIdx("housing")));
  EXPECT_THAT(g.theme_projects(ThemeIdx("migration")),
              Contains(ProjectIdx("urbact-arrival")));
  EXPECT_THAT(g.theme_projects(ThemeIdx("migration")),
              Not(Contains(ProjectIdx("interreg-alps-heritage"))));
  EXPECT_THAT(g.theme_practices(ThemeIdx("housing")),
              ElementsAre(g.PracticeIndex("gp-sevilla-housing")));
}

TEST_F(GraphSnapshotTest, ThemeListsAreInverseOfEachOther) {
  const GraphSnapshot& g = *graph_;
  std::set<std::pair<int, int>> forward, backward;
  for (int p = 0; p < static_cast<int>(g.projects().size()); ++p) {
    const std::vector<int>& t = g.project_themes(p);
    EXPECT_TRUE(std::adjacent_find(t.begin(), t.end(),
                                   std::greater_equal<int>()) == t.end())
        << "strictly ascending";
    for (int theme : t) forward.insert({p, theme});
  }
  for (int t = 0; t < static_cast<int>(g.theme_ids().size()); ++t) {
    for (int p : g.theme_projects(t)) backward.insert({p, t});
  }
  EXPECT_EQ(forward, backward);
  EXPECT_FALSE(forward.empty());
}

TEST_F(GraphSnapshotTest, ResolveThemesMapsLabelsAndIdsWithoutDuplicates) {
  const GraphSnapshot& g = *graph_;
  EXPECT_THAT(g.ResolveThemes({"Migrants", "migration", "MIGRANTS"}),
              ElementsAre(ThemeIdx("migration")));
  std::vector<int> both = g.ResolveThemes({"Housing", "Migrants"});
  std::vector<int> expected = {ThemeIdx("housing"), ThemeIdx("migration")};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(both, expected);
  EXPECT_THAT(g.ResolveThemes({"Zzyzx never seen"}), IsEmpty());
  EXPECT_THAT(g.ResolveThemes({}), IsEmpty());
}

TEST_F(GraphSnapshotTest, CsrHoldsEveryTieInBothDirections) {
  const GraphSnapshot& g = *graph_;
  const int num_themes = static_cast<int>(g.theme_ids().size());
  EXPECT_EQ(g.num_vertices(),
            static_cast<int>(g.cities().size() + g.projects().size() +
                             g.practices().size()) +
                num_themes);
  size_t ties = g.twinnings().size() + g.practices().size();
  for (int p = 0; p < static_cast<int>(g.projects().size()); ++p) {
    ties += g.project_members(p).size() + g.project_themes(p).size();
  }
  for (int p = 0; p < static_cast<int>(g.practices().size()); ++p) {
    ties += g.practice_themes(p).size();
  }
  EXPECT_EQ(boost::num_edges(g.csr()), 2 * ties);

  // Every edge has its reverse with the same kind, and joins the right kinds
  // of vertex.
  std::map<std::tuple<uint32_t, uint32_t, EdgeKind>, int> edges;
  auto kind_of = [&](uint32_t v) {
    if (g.VertexCity(v) >= 0) return 'c';
    if (v < g.PracticeVertex(0)) return 'p';
    if (v < g.ThemeVertex(0)) return 'x';
    return 't';
  };
  auto [begin, end] = boost::edges(g.csr());
  for (auto it = begin; it != end; ++it) {
    const auto e = *it;
    const uint32_t s = boost::source(e, g.csr());
    const uint32_t t = boost::target(e, g.csr());
    const EdgeKind kind = g.csr()[e].kind;
    ++edges[{s, t, kind}];
    std::string ends = {kind_of(s), kind_of(t)};
    std::sort(ends.begin(), ends.end());
    switch (kind) {
      case EdgeKind::kMembership:
        EXPECT_EQ(ends, "cp");
        break;
      case EdgeKind::kRuns:
        EXPECT_EQ(ends, "cx");
        break;
      case EdgeKind::kProjectTheme:
        EXPECT_EQ(ends, "pt");
        break;
      case EdgeKind::kPracticeTheme:
        EXPECT_EQ(ends, "tx");
        break;
      case EdgeKind::kTwinning:
        EXPECT_EQ(ends, "cc");
        break;
    }
  }
  for (const auto& [edge, count] : edges) {
    const auto& [s, t, kind] = edge;
    auto reverse = edges.find({t, s, kind});
    ASSERT_NE(reverse, edges.end());
    EXPECT_EQ(reverse->second, count);
  }
}

TEST_F(GraphSnapshotTest, VertexNumberingPutsCitiesFirst) {
  const GraphSnapshot& g = *graph_;
  const int cities = static_cast<int>(g.cities().size());
  EXPECT_EQ(g.CityVertex(3), 3u);
  EXPECT_EQ(g.VertexCity(g.CityVertex(cities - 1)), cities - 1);
  EXPECT_EQ(g.ProjectVertex(0), static_cast<uint32_t>(cities));
  EXPECT_EQ(g.VertexCity(g.ProjectVertex(0)), -1);
  EXPECT_EQ(g.PracticeVertex(0), g.ProjectVertex(0) + g.projects().size());
  EXPECT_EQ(g.ThemeVertex(0), g.PracticeVertex(0) + g.practices().size());
  EXPECT_EQ(g.VertexCity(g.ThemeVertex(0)), -1);
}

TEST(GraphSnapshotVersionTest, SnapshotsKeepTheirVersion) {
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> a =
      GraphBuilder(Dataset()).Build(0);
  ASSERT_TRUE(a.ok());
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> b =
      GraphBuilder(**a).Build(1);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*a)->version(), 0);
  EXPECT_EQ((*b)->version(), 1);
}

}  // namespace
}  // namespace citymatch
