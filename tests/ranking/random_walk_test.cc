#include "graph/ranking/random_walk.h"

#include <cmath>
#include <numeric>
#include <vector>

#include "boost/graph/compressed_sparse_row_graph.hpp"
#include "boost/range/iterator_range.hpp"
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

// The walk without twinnings runs on the snapshot's compact graph; it must
// give what a plain power iteration over the whole graph gives, including
// for a restart on a vertex without edges (its mass restarts at every step)
// and a vertex listed twice in the restart.
TEST(RandomWalkTest, CompactWalkMatchesAPlainPowerIteration) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  const GraphSnapshot::Csr& csr = graph->csr();
  const int n = graph->num_vertices();
  const uint32_t villeurbanne = graph->CityVertex(graph->CityIndex("7"));
  const uint32_t lyon = graph->CityVertex(graph->CityIndex("1"));
  const uint32_t theme =
      graph->ThemeVertex(graph->ResolveThemes({"Housing"})[0]);
  const std::vector<std::pair<uint32_t, double>> restart = {
      {lyon, 1.0}, {villeurbanne, 1.0}, {theme, 1.5}, {lyon, 0.5}};
  RandomWalkOptions options;
  options.follow_twinnings = false;
  options.alpha = 0.7;
  options.max_iterations = 25;
  options.tolerance = 0;  // exactly 25 iterations

  std::vector<double> teleport(n, 0.0);
  for (const auto& [v, w] : restart) teleport[v] += w / 4.0;
  std::vector<int> degree(n, 0);
  for (int v = 0; v < n; ++v) {
    for (auto e : boost::make_iterator_range(
             boost::out_edges(static_cast<uint32_t>(v), csr))) {
      degree[v] += csr[e].kind != EdgeKind::kTwinning;
    }
  }
  std::vector<double> x = teleport;
  for (int it = 0; it < options.max_iterations; ++it) {
    double moved = 0;
    std::vector<double> next(n, 0.0);
    for (int v = 0; v < n; ++v) {
      if (degree[v] == 0) continue;
      moved += options.alpha * x[v];
      for (auto e : boost::make_iterator_range(
               boost::out_edges(static_cast<uint32_t>(v), csr))) {
        if (csr[e].kind == EdgeKind::kTwinning) continue;
        next[boost::target(e, csr)] += options.alpha * x[v] / degree[v];
      }
    }
    for (int v = 0; v < n; ++v) next[v] += (1 - moved) * teleport[v];
    x = next;
  }

  std::vector<double> rank;
  PersonalizedPageRank(*graph, restart, options, &rank);
  ASSERT_EQ(static_cast<int>(rank.size()), n);
  for (int v = 0; v < n; ++v) EXPECT_NEAR(rank[v], x[v], 1e-12) << v;
  EXPECT_GT(rank[villeurbanne], 0);
  EXPECT_NEAR(std::accumulate(rank.begin(), rank.end(), 0.0), 1.0, 1e-9);
}

// Leaving a vertex out is walking on the graph without it: here the Alpine
// Link project, with and without twinnings.
TEST(RandomWalkTest, AnExcludedVertexIsAsIfItWereNotThere) {
  Dataset without_it = testing_data::SmallEurope();
  without_it.projects.pop_back();  // interreg-alps
  auto full = testing_data::Build(testing_data::SmallEurope());
  auto reduced = testing_data::Build(without_it);
  const int alps = full->ProjectIndex("interreg-alps");
  ASSERT_GE(alps, 0);
  const int excluded = static_cast<int>(full->ProjectVertex(alps));
  for (bool twinnings : {false, true}) {
    RandomWalkOptions options;
    options.follow_twinnings = twinnings;
    std::vector<double> a, b, plain;
    // Grenoble's only project is the excluded one.
    for (const char* seed : {"1", "5"}) {
      PersonalizedPageRank(*full,
                           {{full->CityVertex(full->CityIndex(seed)), 1.0}},
                           options, excluded, &a);
      PersonalizedPageRank(
          *reduced, {{reduced->CityVertex(reduced->CityIndex(seed)), 1.0}},
          options, &b);
      PersonalizedPageRank(*full,
                           {{full->CityVertex(full->CityIndex(seed)), 1.0}},
                           options, &plain);
      EXPECT_EQ(a[excluded], 0);
      EXPECT_NEAR(std::accumulate(a.begin(), a.end(), 0.0), 1.0, 1e-9);
      double moved = 0;
      for (const City& city : full->cities()) {
        const double in_full = a[full->CityVertex(full->CityIndex(city.id))];
        EXPECT_NEAR(in_full,
                    b[reduced->CityVertex(reduced->CityIndex(city.id))], 1e-12)
            << "seed " << seed << " city " << city.id << " twinnings "
            << twinnings;
        moved += std::fabs(in_full -
                           plain[full->CityVertex(full->CityIndex(city.id))]);
      }
      EXPECT_GT(moved, 1e-3) << "seed " << seed;  // the project mattered
    }
  }
}

}  // namespace
}  // namespace citymatch
