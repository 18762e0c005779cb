// The tables GraphBuilder derives for the rankers: they must say the same as
// the entities and the heterogeneous graph they are derived from, and follow
// every rebuild.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "boost/graph/compressed_sparse_row_graph.hpp"
#include "boost/range/iterator_range.hpp"
#include "graph/graph_builder.h"
#include "graph/graph_snapshot.h"
#include "graph/mutation.h"
#include "gtest/gtest.h"
#include "tests/ranking/ranking_test_data.h"

namespace citymatch {
namespace {

TEST(SnapshotTablesTest, TwinFreeGraphIsTheGraphWithoutTwinningsOrIsolates) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  const GraphSnapshot::CompactGraph& walk = graph->twin_free_graph();
  ASSERT_EQ(static_cast<int>(walk.local.size()), graph->num_vertices());
  ASSERT_EQ(walk.row.size(), walk.vertices.size() + 1);
  EXPECT_TRUE(std::is_sorted(walk.vertices.begin(), walk.vertices.end()));

  for (uint32_t v = 0; v < static_cast<uint32_t>(graph->num_vertices()); ++v) {
    // The neighbours over the edges that are not twinnings, from the CSR.
    std::vector<uint32_t> expected;
    for (auto e :
         boost::make_iterator_range(boost::out_edges(v, graph->csr()))) {
      if (graph->csr()[e].kind != EdgeKind::kTwinning) {
        expected.push_back(boost::target(e, graph->csr()));
      }
    }
    const int i = walk.local[v];
    if (expected.empty()) {
      EXPECT_EQ(i, -1) << "vertex " << v << " has no edge but a twinning";
      continue;
    }
    ASSERT_GE(i, 0) << "vertex " << v;
    EXPECT_EQ(walk.vertices[i], v);
    std::vector<uint32_t> actual;
    for (uint32_t e = walk.row[i]; e < walk.row[i + 1]; ++e) {
      actual.push_back(walk.vertices[walk.col[e]]);
    }
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    EXPECT_EQ(actual, expected) << "vertex " << v;
  }
  // Villeurbanne has no tie at all, Vilnius only a project besides its
  // twinning with Lyon.
  EXPECT_EQ(walk.local[graph->CityVertex(graph->CityIndex("7"))], -1);
  EXPECT_GE(walk.local[graph->CityVertex(graph->CityIndex("6"))], 0);
}

TEST(SnapshotTablesTest, ProgrammesIndexTheirProjects) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  EXPECT_EQ(graph->programmes(),
            (std::vector<std::string>{"Interreg Alps", "URBACT"}));
  const int urbact = graph->ProgrammeIndex("URBACT");
  ASSERT_EQ(urbact, 1);
  EXPECT_EQ(graph->programme_projects(urbact),
            (std::vector<int>{graph->ProjectIndex("urbact-citylab"),
                              graph->ProjectIndex("urbact-green")}));
  EXPECT_EQ(graph->project_programme(graph->ProjectIndex("interreg-alps")), 0);
  EXPECT_EQ(graph->ProgrammeIndex(""), -1);
  EXPECT_EQ(graph->ProgrammeIndex("urbact"), -1);  // names are exact
  EXPECT_EQ(graph->practice_city(0), graph->CityIndex("4"));
}

TEST(SnapshotTablesTest, CityPointsAndEras) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  const int lyon = graph->CityIndex("1");
  const int villeurbanne = graph->CityIndex("7");
  const GraphSnapshot::CityPoint& p = graph->city_points()[lyon];
  EXPECT_FLOAT_EQ(p.lat, 45.76f);
  EXPECT_FLOAT_EQ(p.lon, 4.84f);
  EXPECT_FLOAT_EQ(p.log_population, std::log(500000.0f));
  EXPECT_EQ(p.country_slot, ('F' - 'A') * 26 + ('R' - 'A'));
  EXPECT_EQ(p.cell, (45 + 90) * GraphSnapshot::kLonCells + (4 + 180));
  // An unknown population counts as 5,000.
  EXPECT_FLOAT_EQ(graph->city_points()[villeurbanne].log_population,
                  std::log(5000.0f));
  EXPECT_EQ(GraphSnapshot::CountrySlot("fr"),
            GraphSnapshot::kNumCountrySlots - 1);
  EXPECT_EQ(GraphSnapshot::LonCell(-180.5), GraphSnapshot::kLonCells - 1);
  // Lyon: CityLab (2015) and Alpine Link (2016).
  EXPECT_FLOAT_EQ(p.log1p_projects, std::log1p(2.0f));
  EXPECT_EQ(graph->city_points()[villeurbanne].log1p_projects, 0);
  EXPECT_DOUBLE_EQ(graph->city_mean_start_year(lyon), 2015.5);
  EXPECT_EQ(graph->city_mean_start_year(villeurbanne), 0);
}

TEST(SnapshotTablesTest, FollowAMutation) {
  auto base = testing_data::Build(testing_data::SmallEurope());
  Mutation m;
  m.delete_projects = {"interreg-alps"};
  Project p = testing_data::MakeProject("new", "New", "Interreg Rhine", 2020,
                                        2022, {"Tourism"}, {"7", "1"});
  m.put_projects = {p};
  GraphBuilder builder(*base);
  builder.Apply(m);
  auto graph = *std::move(builder).Build(2);
  EXPECT_EQ(graph->programmes(),
            (std::vector<std::string>{"Interreg Rhine", "URBACT"}));
  const int villeurbanne = graph->CityIndex("7");
  EXPECT_GE(graph->twin_free_graph().local[graph->CityVertex(villeurbanne)], 0);
  EXPECT_DOUBLE_EQ(graph->city_mean_start_year(villeurbanne), 2020);
  EXPECT_DOUBLE_EQ(graph->city_mean_start_year(graph->CityIndex("1")),
                   (2015 + 2020) / 2.0);
}

}  // namespace
}  // namespace citymatch
