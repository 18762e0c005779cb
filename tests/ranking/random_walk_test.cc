#include "graph/ranking/random_walk.h"

#include <numeric>
#include <vector>

#include "gtest/gtest.h"
#include "tests/ranking/ranking_test_data.h"

namespace citymatch {
namespace {

TEST(RandomWalkTest, IsADistributionFavouringTheSeedsNeighbourhood) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  std::vector<double> rank;
  PersonalizedPageRank(*graph,
                       {{graph->CityVertex(graph->CityIndex("1")), 1.0}},
                       RandomWalkOptions(), &rank);
  ASSERT_EQ(static_cast<int>(rank.size()), graph->num_vertices());
  EXPECT_NEAR(std::accumulate(rank.begin(), rank.end(), 0.0), 1.0, 1e-9);
  // Turin shares two projects with Lyon, Oslo none.
  EXPECT_GT(rank[graph->CityIndex("4")], rank[graph->CityIndex("8")]);
}

TEST(RandomWalkTest, TwinningsCanBeLeftOut) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  const uint32_t lyon = graph->CityVertex(graph->CityIndex("1"));
  const int vilnius = graph->CityIndex("6");  // Lyon's twin, no shared project
  RandomWalkOptions with, without;
  without.follow_twinnings = false;
  std::vector<double> a, b;
  PersonalizedPageRank(*graph, {{lyon, 1.0}}, with, &a);
  PersonalizedPageRank(*graph, {{lyon, 1.0}}, without, &b);
  EXPECT_GT(a[vilnius], b[vilnius]);
  EXPECT_NEAR(std::accumulate(b.begin(), b.end(), 0.0), 1.0, 1e-9);
}

TEST(RandomWalkTest, RestartSplitsBetweenMembersAndThemes) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  const auto restart = QueryRestart(*graph, {0, 1}, {2}, 0.5);
  ASSERT_EQ(restart.size(), 3u);
  EXPECT_DOUBLE_EQ(restart[0].second, 0.25);
  EXPECT_DOUBLE_EQ(restart[2].second, 0.5);
  // No themes: all on the members.
  const auto members_only = QueryRestart(*graph, {0, 1}, {}, 0.5);
  EXPECT_DOUBLE_EQ(members_only[0].second, 0.5);
}

}  // namespace
}  // namespace citymatch
