#include "graph/ranking/model_fitting.h"

#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace citymatch {
namespace {

// Queries of 20 candidates in five cross-validation groups (query % 5),
// every feature N(0, 1) noise except what `mark(row, is_positive)` sets.
template <typename Mark>
std::vector<TrainingQuery> NoisyQueries(int n, uint32_t seed, Mark mark) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise;
  std::vector<TrainingQuery> out;
  for (int q = 0; q < n; ++q) {
    TrainingQuery t;
    t.positive = q % 20;
    t.group = q % 5;
    for (int r = 0; r < 20; ++r) {
      for (int f = 0; f < kNumFeatures; ++f) t.rows.push_back(noise(rng));
      mark(&t.rows[r * kNumFeatures], r == t.positive);
      t.weight.push_back(1);
    }
    out.push_back(std::move(t));
  }
  return out;
}

// The positive has the highest co-membership; every other feature is noise.
std::vector<TrainingQuery> Synthetic(int n) {
  return NoisyQueries(n, 7, [](float* row, bool positive) {
    row[kCoMembership] = positive ? 3.0f : 0.0f;
  });
}

// Only the walk tells the positive (a little); every other feature is noise
// that a lightly penalised fit on 40 queries mistakes for signal.
std::vector<TrainingQuery> WalkOnly(int n) {
  return NoisyQueries(n, 11, [](float* row, bool positive) {
    if (positive) row[kPpr] += 1.5f;
  });
}

// 1,000 cities; each city's index is written into kTwinned (a feature no
// candidate is sampled for) so that a training row can be traced back.
QueryFeatures Traceable(int n) {
  QueryFeatures f;
  f.Reset(n);
  for (int c = 0; c < n; ++c) f.at(c, kTwinned) = c;
  return f;
}

// City index -> sample weight of its row.
std::map<int, float> RowsByCity(const TrainingQuery& q) {
  std::map<int, float> out;
  for (int r = 0; r < q.num_rows(); ++r) {
    out[static_cast<int>(q.rows[r * kNumFeatures + kTwinned])] = q.weight[r];
  }
  return out;
}

TEST(SampleTrainingQueryTest, TakesTheStrongestByEachSignalAndTheHidden) {
  const int n = 1000;
  QueryFeatures f = Traceable(n);
  // The walk: strongest at the high indices, distinct values.
  for (int c = 0; c < n; ++c) f.at(c, kPpr) = c / 1000.0f;
  // Co-membership: 100 cities tie at 1; 40 are taken, the first by id.
  for (int c = 500; c < 600; ++c) f.at(c, kCoMembership) = 1;
  // Distance is taken by its smallest values.
  for (int c = 0; c < n; ++c) f.at(c, kDistance) = 1 + (c * 7919) % n;
  const std::vector<int> members = {998, 999};
  const int hidden = 300;
  const TrainingQuery q = SampleTrainingQuery(f, members, hidden, 1);

  const std::map<int, float> rows = RowsByCity(q);
  ASSERT_EQ(static_cast<int>(rows.size()), q.num_rows()) << "a city twice";
  EXPECT_EQ(q.rows[q.positive * kNumFeatures + kTwinned], hidden);
  for (int m : members) EXPECT_EQ(rows.count(m), 0u) << m;
  auto taken_for_strength = [&](int c) {
    auto it = rows.find(c);
    return it != rows.end() && it->second == 1.0f;
  };
  auto near = [&](int c) { return 1 + (c * 7919) % n <= 40; };
  // The 150 best by the walk, of which the members are two.
  for (int c = 850; c < 998; ++c) EXPECT_TRUE(taken_for_strength(c)) << c;
  EXPECT_FALSE(taken_for_strength(849) && !near(849));
  for (int c = 500; c < 540; ++c) EXPECT_TRUE(taken_for_strength(c)) << c;
  // The tied cities past the 40th are only ever among the random rows
  // (unless they are among the 40 nearest).
  for (int c = 540; c < 600; ++c) {
    if (!near(c)) EXPECT_FALSE(taken_for_strength(c)) << c;
  }
  for (int c = 0; c < 998; ++c) {
    if (near(c)) EXPECT_TRUE(taken_for_strength(c)) << "near city " << c;
  }
  // The random rows stand for every candidate left out: the weights add up
  // to the number of candidates.
  double total = 0;
  for (float w : q.weight) total += w;
  EXPECT_NEAR(total, n - members.size(), 1e-3);
}

TEST(SampleTrainingQueryTest, SameSeedSameRows) {
  QueryFeatures f = Traceable(1000);
  for (int c = 0; c < 1000; ++c) f.at(c, kPpr) = (c * 31) % 1000;
  const TrainingQuery a = SampleTrainingQuery(f, {1, 2}, 3, 9);
  const TrainingQuery b = SampleTrainingQuery(f, {1, 2}, 3, 9);
  const TrainingQuery c = SampleTrainingQuery(f, {1, 2}, 3, 10);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.weight, b.weight);
  EXPECT_NE(a.rows, c.rows);
}

TEST(ModelFittingTest, LearnsTheInformativeSignal) {
  std::vector<TrainingQuery> queries = Synthetic(200);
  std::vector<const TrainingQuery*> ptrs;
  for (const auto& q : queries) ptrs.push_back(&q);
  std::array<bool, kNumFeatures> all;
  all.fill(true);
  const FeatureWeights w = FitSoftmaxWeights(ptrs, {}, all, FitOptions());
  for (int f = 0; f < kNumFeatures; ++f) {
    if (f == kCoMembership) continue;
    EXPECT_GT(w[kCoMembership], 5 * std::fabs(w[f])) << FeatureName(f);
  }
}

TEST(ModelFittingTest, InactiveFeaturesGetNoWeight) {
  std::vector<TrainingQuery> queries = Synthetic(50);
  std::vector<const TrainingQuery*> ptrs;
  for (const auto& q : queries) ptrs.push_back(&q);
  std::array<bool, kNumFeatures> active;
  active.fill(true);
  active[kCoMembership] = false;
  const FeatureWeights w = FitSoftmaxWeights(ptrs, {}, active, FitOptions());
  EXPECT_EQ(w[kCoMembership], 0);
}

TEST(ModelFittingTest, MrrRefinementIsHeldByItsPenalty) {
  std::vector<TrainingQuery> queries = Synthetic(50);
  std::vector<const TrainingQuery*> ptrs;
  for (const auto& q : queries) ptrs.push_back(&q);
  std::array<bool, kNumFeatures> all;
  all.fill(true);
  FeatureWeights start{};
  start[kPpr] = 1;  // the walk alone: noise here, far from the best MRR
  FitOptions options;
  // 50 queries are below mrr_min_queries: untouched unless forced.
  EXPECT_EQ(RefineOnMrr(ptrs, {}, all, start, options), start);
  const FeatureWeights free =
      RefineOnMrr(ptrs, {}, all, start, options, 0, true);
  EXPECT_GT(free[kCoMembership], 0);
  // A penalty far above any MRR gain keeps the start.
  EXPECT_EQ(RefineOnMrr(ptrs, {}, all, start, options, 1e6, true), start);
}

TEST(ModelFittingTest, WithoutQueriesTheModelIsTheWalk) {
  const CitymatchModel model = FitCitymatchModel({}, {}, FitOptions());
  for (int f = 0; f < kNumFeatures; ++f) {
    EXPECT_EQ(model.fallback_weights[f], f == kPpr ? 1 : 0);
    EXPECT_EQ(model.fallback_loose_weights[f], f == kPpr ? 1 : 0);
    EXPECT_EQ(model.weights[f], f == kPpr ? 1 : 0);
  }
}

TEST(ModelFittingTest, FallbackNeverUsesProgrammeFeatures) {
  std::vector<TrainingQuery> queries = Synthetic(50);
  const CitymatchModel model =
      FitCitymatchModel(queries, queries, FitOptions());
  for (int f = 0; f < kNumFeatures; ++f) {
    if (IsProgrammeFeature(f)) {
      EXPECT_EQ(model.fallback_weights[f], 0);
      EXPECT_EQ(model.fallback_loose_weights[f], 0);
    }
  }
}

// The ablation switch: a disabled feature has no weight in any vector,
// and the signal it carried is gone from the model (co-membership is the
// only informative feature of the synthetic queries).
TEST(ModelFittingTest, DisabledFeaturesAreLeftOutOfEveryVector) {
  std::vector<TrainingQuery> queries = Synthetic(50);
  FitOptions options;
  const CitymatchModel with = FitCitymatchModel(queries, queries, options);
  EXPECT_GT(with.weights[kCoMembership], 0);
  options.disabled_features = uint64_t{1} << kCoMembership;
  const CitymatchModel without = FitCitymatchModel(queries, queries, options);
  EXPECT_EQ(without.weights[kCoMembership], 0);
  EXPECT_EQ(without.loose_weights[kCoMembership], 0);
  EXPECT_EQ(without.fallback_weights[kCoMembership], 0);
  EXPECT_EQ(without.fallback_loose_weights[kCoMembership], 0);
}

TEST(ModelFittingTest, HeldOutGroupsChooseTheSmallPenaltyForARealSignal) {
  const std::vector<TrainingQuery> queries = Synthetic(100);
  FitOptions options;
  options.l2_choices = {10, 1e6};
  EXPECT_EQ(ChooseL2(queries, queries, options), 10);
}

TEST(ModelFittingTest, HeldOutGroupsChooseTheLargePenaltyForNoise) {
  const std::vector<TrainingQuery> queries = WalkOnly(50);
  FitOptions options;
  options.l2_choices = {1e-3, 1e3};
  EXPECT_EQ(ChooseL2(queries, queries, options), 1e3);
  // The fitted model follows the choice: the noise gets (almost) no weight.
  const CitymatchModel model = FitCitymatchModel(queries, queries, options);
  options.l2_choices.clear();
  options.l2 = 1e-3;
  const CitymatchModel loose = FitCitymatchModel(queries, queries, options);
  double chosen_noise = 0, free_noise = 0;
  for (int f = 0; f < kNumFeatures; ++f) {
    if (f == kPpr) continue;
    chosen_noise += std::fabs(model.weights[f]);
    free_noise += std::fabs(loose.weights[f]);
  }
  EXPECT_LT(chosen_noise, free_noise / 5);
}

TEST(ModelFittingTest, WithoutChoicesOrGroupsThePenaltyIsAsGiven) {
  std::vector<TrainingQuery> queries = WalkOnly(50);
  FitOptions options;
  options.l2 = 42;
  options.l2_choices.clear();
  EXPECT_EQ(ChooseL2(queries, queries, options), 42);
  options.l2_choices = {1e-3, 1e3};
  for (TrainingQuery& q : queries) q.group = 3;  // nothing to hold out
  EXPECT_EQ(ChooseL2(queries, queries, options), 42);
}

}  // namespace
}  // namespace citymatch
