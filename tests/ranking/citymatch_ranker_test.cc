#include "graph/ranking/citymatch_ranker.h"

#include <cmath>
#include <vector>

#include "graph/ranking/features.h"
#include "graph/ranking/geo.h"
#include "graph/ranking/query_resolver.h"
#include "gtest/gtest.h"
#include "tests/ranking/ranking_test_data.h"

namespace citymatch {
namespace {

ResolvedQuery Resolve(const GraphSnapshot& graph,
                      std::vector<std::string> themes, std::string programme,
                      std::vector<std::string> members) {
  PartnerQuery q;
  q.themes = std::move(themes);
  q.programme = std::move(programme);
  q.member_city_ids = std::move(members);
  return *ResolveQuery(graph, q);
}

TEST(CitymatchRankerTest, KnownProgrammeHasHistoryUnknownDoesNot) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  QueryFeatures x;
  ComputeFeatures(*graph, Resolve(*graph, {"Housing"}, "URBACT", {"1"}), {},
                  &x);
  EXPECT_TRUE(x.has_programme_history);
  EXPECT_GT(x.at(graph->CityIndex("2"), kProgrammeExperience), 0);
  ComputeFeatures(*graph, Resolve(*graph, {"Housing"}, "Horizon 2030", {"1"}),
                  {}, &x);
  EXPECT_FALSE(x.has_programme_history);
  for (int c = 0; c < x.num_cities; ++c) {
    for (int f = 0; f < kNumFeatures; ++f) {
      if (IsProgrammeFeature(f)) EXPECT_EQ(x.at(c, f), 0) << FeatureName(f);
    }
  }
}

TEST(CitymatchRankerTest, UnknownProgrammeFallsBackToFallbackWeights) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  CitymatchModel model;
  // Weights that would rank by programme experience alone ...
  model.weights[kProgrammeExperience] = 100;
  model.loose_weights[kProgrammeExperience] = 100;
  // ... and a fallback that is the walk.
  model.fallback_weights[kPpr] = 1;
  CitymatchRanker ranker(model);
  const ResolvedQuery unknown =
      Resolve(*graph, {"Housing"}, "Horizon 2030", {"1"});
  std::vector<double> scores;
  ranker.Score(*graph, unknown, &scores);
  QueryFeatures x;
  ComputeFeatures(*graph, unknown, model.features, &x);
  for (int c = 0; c < x.num_cities; ++c) {
    EXPECT_FLOAT_EQ(scores[c], x.at(c, kPpr));
  }
  // The components name only the signals in use.
  const auto components = ranker.Components(*graph, unknown, 3);
  ASSERT_EQ(components.size(), 1u);
  EXPECT_EQ(components[0].name, "ppr");
}

// Without a programme history the family comes from the members' spread:
// Lyon and Grenoble (about 90 km apart) get the tight fallback, Porto and
// Riga (about 3,000 km) the loose one.
TEST(CitymatchRankerTest, FallbackFamilyFollowsTheMembersSpread) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  CitymatchModel model;
  model.fallback_weights[kPpr] = 1;
  model.fallback_loose_weights[kPopulation] = 1;
  CitymatchRanker ranker(model);
  auto expect_scores_are = [&](const ResolvedQuery& q, int feature) {
    std::vector<double> scores;
    ranker.Score(*graph, q, &scores);
    QueryFeatures x;
    ComputeFeatures(*graph, q, model.features, &x);
    ASSERT_FALSE(x.has_programme_history);
    for (int c = 0; c < x.num_cities; ++c) {
      EXPECT_FLOAT_EQ(scores[c], x.at(c, feature)) << FeatureName(feature);
    }
  };
  expect_scores_are(Resolve(*graph, {"Housing"}, "", {"1", "5"}), kPpr);
  expect_scores_are(Resolve(*graph, {"Housing"}, "", {"2", "3"}), kPopulation);
}

TEST(CitymatchRankerTest, UnseenThemesWalkFromTheMembersOnly) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  CitymatchRanker ranker;
  std::vector<double> unseen, none;
  ranker.Score(*graph,
               Resolve(*graph, {"Quantum gardening"}, "URBACT", {"1", "2"}),
               &unseen);
  ranker.Score(*graph, Resolve(*graph, {}, "URBACT", {"1", "2"}), &none);
  EXPECT_EQ(unseen, none);
}

TEST(CitymatchRankerTest, ShippedModelRanksTheSharedPartnerFirst) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  CitymatchRanker ranker;
  std::vector<double> scores;
  const ResolvedQuery q = Resolve(*graph, {"Housing"}, "URBACT", {"1", "2"});
  ranker.Score(*graph, q, &scores);
  const int turin = graph->CityIndex("4");
  for (int c = 0; c < static_cast<int>(scores.size()); ++c) {
    if (c == turin || c == graph->CityIndex("1") ||
        c == graph->CityIndex("2")) {
      continue;
    }
    EXPECT_GT(scores[turin], scores[c]) << graph->cities()[c].name;
  }
}

// A feature at 0 adds 0, never -0 (a negative weight times 0), which the
// JSON of an explanation would print as "-0".
TEST(CitymatchRankerTest, AFeatureAtZeroContributesPlusZero) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  CitymatchRanker ranker;
  const ResolvedQuery q = Resolve(*graph, {"Housing"}, "URBACT", {"1", "2"});
  int zeros = 0;
  for (int c = 0; c < static_cast<int>(graph->cities().size()); ++c) {
    for (const ScoreComponent& component : ranker.Components(*graph, q, c)) {
      if (component.contribution != 0) continue;
      ++zeros;
      EXPECT_FALSE(std::signbit(component.contribution))
          << component.name << " of " << graph->cities()[c].name;
    }
  }
  EXPECT_GT(zeros, 0);
}

// The distance feature is log1p(km to the nearest member / 50), the km
// read to within the 1-km table and the equirectangular approximation.
double DistanceKm(const GraphSnapshot& graph, const QueryFeatures& x,
                  const char* id) {
  return 50 * std::expm1(x.at(graph.CityIndex(id), kDistance));
}

TEST(CitymatchRankerTest, DistanceIsToTheNearestMember) {
  auto graph = testing_data::Build(testing_data::SmallEurope());
  QueryFeatures x;
  // Members Lyon and Riga: Grenoble is near Lyon, Vilnius near Riga.
  ComputeFeatures(*graph, Resolve(*graph, {}, "", {"1", "3"}), {}, &x);
  EXPECT_NEAR(DistanceKm(*graph, x, "5"), HaversineKm(45.76, 4.84, 45.19, 5.72),
              3.0);
  EXPECT_NEAR(DistanceKm(*graph, x, "6"),
              HaversineKm(56.95, 24.10, 54.69, 25.28), 3.0);
}

TEST(CitymatchRankerTest, DistanceCrossesTheDateLine) {
  Dataset d;
  d.cities = {testing_data::MakeCity("1", "West", "FJ", -17.0, 179.5, 1000),
              testing_data::MakeCity("2", "East", "FJ", -17.0, -179.5, 1000),
              testing_data::MakeCity("3", "Inland", "FJ", -17.0, 178.0, 1000)};
  auto graph = testing_data::Build(d);
  QueryFeatures x;
  ComputeFeatures(*graph, Resolve(*graph, {}, "", {"1"}), {}, &x);
  // One degree of longitude east of West, over the 180th meridian, not 359
  // degrees west of it.
  EXPECT_NEAR(DistanceKm(*graph, x, "2"),
              HaversineKm(-17.0, 179.5, -17.0, -179.5), 2.0);
  EXPECT_NEAR(DistanceKm(*graph, x, "3"),
              HaversineKm(-17.0, 179.5, -17.0, 178.0), 2.0);
}

// A data set read for evaluation may leave countries out: cities without
// one are not of one country, neither with the members nor with each other.
TEST(CitymatchRankerTest, CitiesOfUnknownCountryShareNone) {
  Dataset d;
  d.cities = {testing_data::MakeCity("1", "A", "", 48.0, 2.0, 1000),
              testing_data::MakeCity("2", "B", "FR", 48.5, 2.5, 1000),
              testing_data::MakeCity("3", "C", "", 49.0, 3.0, 1000),
              testing_data::MakeCity("4", "D", "FR", 49.5, 3.5, 1000)};
  d.projects = {
      testing_data::MakeProject("p-1", "", "P", 0, 0, {}, {"1", "2", "3"})};
  auto graph = testing_data::Build(d);
  QueryFeatures x;
  ComputeFeatures(*graph, Resolve(*graph, {}, "", {"1", "2"}), {}, &x);
  EXPECT_EQ(x.at(graph->CityIndex("3"), kSameCountry), 0);
  EXPECT_EQ(x.at(graph->CityIndex("4"), kSameCountry), 1);
  // The programme's one consortium repeats no country: two of its three
  // cities have none, the third is alone in France.
  ComputeFeatures(*graph, Resolve(*graph, {}, "P", {"1", "2"}), {}, &x);
  EXPECT_EQ(x.at(graph->CityIndex("4"), kSameCountryRepeat), 0);
}

// A programme that files neighbourhood pairs and continental pairs under one
// label gives no family of its own: each query takes its members' spread,
// as a query without a programme does. A programme of one kind gives every
// query the same tightness, its median consortium's.
TEST(CitymatchRankerTest, MixedProgrammeTakesTheFamilyFromTheMembers) {
  using testing_data::MakeProject;
  Dataset d = testing_data::SmallEurope();
  // Lyon-Villeurbanne and Lyon-Grenoble (a few km, 90 km) against
  // Porto-Riga and Oslo-Porto (thousands of km).
  d.projects.push_back(
      MakeProject("mixed-1", "M1", "Mixed", 2015, 2016, {}, {"1", "7"}));
  d.projects.push_back(
      MakeProject("mixed-2", "M2", "Mixed", 2015, 2016, {}, {"1", "5"}));
  d.projects.push_back(
      MakeProject("mixed-3", "M3", "Mixed", 2015, 2016, {}, {"2", "3"}));
  d.projects.push_back(
      MakeProject("mixed-4", "M4", "Mixed", 2015, 2016, {}, {"8", "2"}));
  for (const char* id : {"local-1", "local-2", "local-3", "local-4"}) {
    d.projects.push_back(
        MakeProject(id, id, "Local", 2015, 2016, {}, {"1", "5", "7"}));
  }
  auto graph = testing_data::Build(d);
  auto tightness = [&](const std::string& programme,
                       std::vector<std::string> members) {
    QueryFeatures x;
    ComputeFeatures(*graph, Resolve(*graph, {}, programme, std::move(members)),
                    {}, &x);
    return x.tightness;
  };
  const double near = tightness("", {"1", "5"});
  const double far = tightness("", {"2", "3"});
  ASSERT_GT(near, 0.7);
  ASSERT_LT(far, 0.2);
  EXPECT_DOUBLE_EQ(tightness("Mixed", {"1", "5"}), near);
  EXPECT_DOUBLE_EQ(tightness("Mixed", {"2", "3"}), far);
  // The local programme's consortia are all alike: its own median, whoever
  // the members are.
  EXPECT_DOUBLE_EQ(tightness("Local", {"2", "3"}),
                   tightness("Local", {"1", "5"}));
  EXPECT_DOUBLE_EQ(tightness("Local", {"2", "3"}),
                   tightness("", {"1", "5", "7"}));
}

TEST(CitymatchRankerTest, LooseShareBlendsByTightness) {
  EXPECT_DOUBLE_EQ(LooseShare(0.1), 1.0);
  EXPECT_DOUBLE_EQ(LooseShare(0.9), 0.0);
  EXPECT_NEAR(LooseShare(0.35), 0.5, 1e-12);
}

}  // namespace
}  // namespace citymatch
