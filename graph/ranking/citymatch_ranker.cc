#include "graph/ranking/citymatch_ranker.h"

#include <utility>

namespace citymatch {

CitymatchRanker::CitymatchRanker() : model_(ShippedCitymatchModel()) {}

CitymatchRanker::CitymatchRanker(CitymatchModel model)
    : model_(std::move(model)) {}

FeatureWeights BlendFamilies(const FeatureWeights& tight,
                             const FeatureWeights& loose, double tightness) {
  const double share = LooseShare(tightness);
  FeatureWeights w;
  for (int f = 0; f < kNumFeatures; ++f) {
    w[f] = (1 - share) * tight[f] + share * loose[f];
  }
  return w;
}

FeatureWeights CitymatchRanker::WeightsFor(
    const QueryFeatures& features) const {
  const bool history = features.has_programme_history;
  return history
             ? BlendFamilies(model_.weights, model_.loose_weights,
                             features.tightness)
             : BlendFamilies(model_.fallback_weights,
                             model_.fallback_loose_weights, features.tightness);
}

namespace {

// An AVX2 copy for the processors that have it (without FMA: the same
// roundings, twice the cities per instruction).
__attribute__((target_clones("avx2", "default"))) void Dot(
    const QueryFeatures& features, const FeatureWeights& w,
    std::vector<double>* scores) {
  const int n = features.num_cities;
  scores->assign(n, 0.0);
  // Column by column: each score is still its chain of additions in feature
  // order, so it does not depend on how it is computed, and the inner loop
  // runs over contiguous floats.
  double* s = scores->data();
  for (int f = 0; f < kNumFeatures; ++f) {
    const double wf = w[f];
    const float* x = features.column(f);
    for (int c = 0; c < n; ++c) s[c] += wf * x[c];
  }
}

std::vector<std::vector<ScoreComponent>> Explain(
    const QueryFeatures& features, const FeatureWeights& w,
    const std::vector<int>& cities) {
  std::vector<std::vector<ScoreComponent>> out;
  out.reserve(cities.size());
  for (int c : cities) {
    std::vector<ScoreComponent> components;
    for (int f = 0; f < kNumFeatures; ++f) {
      if (w[f] == 0) continue;  // a signal this query does not use
      const float x = features.at(c, f);
      // + 0.0: a negative weight times 0 is -0, which JSON shows as "-0".
      components.push_back({FeatureName(f), x, w[f] * x + 0.0});
    }
    out.push_back(std::move(components));
  }
  return out;
}

}  // namespace

void CitymatchRanker::Score(const GraphSnapshot& graph,
                            const ResolvedQuery& query,
                            std::vector<double>* scores) const {
  QueryFeatures features;
  ComputeFeatures(graph, query, model_.features, &features);
  Dot(features, WeightsFor(features), scores);
}

std::vector<std::vector<ScoreComponent>> CitymatchRanker::ScoreAndExplain(
    const GraphSnapshot& graph, const ResolvedQuery& query,
    const Selector& select, std::vector<double>* scores,
    std::vector<int>* selected) const {
  QueryFeatures features;
  ComputeFeatures(graph, query, model_.features, &features);
  const FeatureWeights w = WeightsFor(features);
  Dot(features, w, scores);
  *selected = select(*scores);
  return Explain(features, w, *selected);
}

std::vector<ScoreComponent> CitymatchRanker::Components(
    const GraphSnapshot& graph, const ResolvedQuery& query, int city) const {
  return ComponentsFor(graph, query, {city}).front();
}

std::vector<std::vector<ScoreComponent>> CitymatchRanker::ComponentsFor(
    const GraphSnapshot& graph, const ResolvedQuery& query,
    const std::vector<int>& cities) const {
  QueryFeatures features;
  ComputeFeatures(graph, query, model_.features, &features);
  return Explain(features, WeightsFor(features), cities);
}

}  // namespace citymatch
