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

void Dot(const QueryFeatures& features, const FeatureWeights& w,
         std::vector<double>* scores) {
  const int n = features.num_cities;
  scores->resize(n);
  // Four cities at a time: each score is a chain of dependent additions
  // (kept in feature order, so that the score does not depend on how it is
  // computed), and four independent chains keep the adder busy.
  int c = 0;
  for (; c + 4 <= n; c += 4) {
    const float* x0 = features.row(c);
    const float* x1 = x0 + kNumFeatures;
    const float* x2 = x1 + kNumFeatures;
    const float* x3 = x2 + kNumFeatures;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int f = 0; f < kNumFeatures; ++f) {
      s0 += w[f] * x0[f];
      s1 += w[f] * x1[f];
      s2 += w[f] * x2[f];
      s3 += w[f] * x3[f];
    }
    (*scores)[c] = s0;
    (*scores)[c + 1] = s1;
    (*scores)[c + 2] = s2;
    (*scores)[c + 3] = s3;
  }
  for (; c < n; ++c) {
    const float* x = features.row(c);
    double s = 0;
    for (int f = 0; f < kNumFeatures; ++f) s += w[f] * x[f];
    (*scores)[c] = s;
  }
}

std::vector<std::vector<ScoreComponent>> Explain(
    const QueryFeatures& features, const FeatureWeights& w,
    const std::vector<int>& cities) {
  std::vector<std::vector<ScoreComponent>> out;
  out.reserve(cities.size());
  for (int c : cities) {
    std::vector<ScoreComponent> components;
    const float* x = features.row(c);
    for (int f = 0; f < kNumFeatures; ++f) {
      if (w[f] == 0) continue;  // a signal this query does not use
      components.push_back({FeatureName(f), x[f], w[f] * x[f]});
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
