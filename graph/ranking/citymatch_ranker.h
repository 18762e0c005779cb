// CitymatchRanker: the service's ranker. A linear score over the features of
// features.h, with weights learned by a listwise (softmax) fit on held-out
// memberships (model_fitting.h).
//
// When the query's programme has a history in the graph, the weights are a
// blend of two vectors, one fitted on programmes whose past consortia are
// geographically tight, one on loose ones, by the programme's own tightness
// (a programme family inferred from data, never from its name). Otherwise
// the fallback pair applies, fitted on the same queries with the programme
// hidden and blended by the members' own tightness, so that a new programme
// leans on the walk, the members' geography and co-membership instead of
// on weights that expected programme evidence. Themes the graph has never seen
// leave the walk restarting on the members only and the theme features at 0.
//
// Thread-safe: immutable after construction; Score() allocates per call.
#ifndef CITYMATCH_GRAPH_RANKING_CITYMATCH_RANKER_H_
#define CITYMATCH_GRAPH_RANKING_CITYMATCH_RANKER_H_

#include <array>
#include <vector>

#include "graph/ranking/features.h"
#include "graph/ranking/ranker.h"

namespace citymatch {

using FeatureWeights = std::array<double, kNumFeatures>;

struct CitymatchModel {
  // When the programme has a history: a blend of the weights fitted on
  // tight (cross-border) and loose (network) programmes, by LooseShare().
  FeatureWeights weights{};
  FeatureWeights loose_weights{};
  // When it has none (or none was given): no programme features, and the
  // family inferred from the members' own spread (QueryFeatures::tightness
  // is theirs then): a blend of a tight and a loose vector as above. One
  // vector for every such query let the cross-border majority's distance
  // weight sink continental networks below the plain walk.
  FeatureWeights fallback_weights{};
  FeatureWeights fallback_loose_weights{};
  FeatureOptions features;
};

// The weights for a query of this tightness: `tight` and `loose` blended
// by LooseShare(tightness).
FeatureWeights BlendFamilies(const FeatureWeights& tight,
                             const FeatureWeights& loose, double tightness);

// The model fitted on the shipped data set (citymatch_model.cc says how).
const CitymatchModel& ShippedCitymatchModel();

class CitymatchRanker : public Ranker {
 public:
  // Uses ShippedCitymatchModel().
  CitymatchRanker();
  explicit CitymatchRanker(CitymatchModel model);

  absl::string_view name() const override { return "citymatch"; }
  void Score(const GraphSnapshot& graph, const ResolvedQuery& query,
             std::vector<double>* scores) const override;
  // One component per feature: value = the feature, contribution = weight x
  // feature. The contributions sum to the score.
  std::vector<ScoreComponent> Components(const GraphSnapshot& graph,
                                         const ResolvedQuery& query,
                                         int city) const override;
  std::vector<std::vector<ScoreComponent>> ComponentsFor(
      const GraphSnapshot& graph, const ResolvedQuery& query,
      const std::vector<int>& cities) const override;
  std::vector<std::vector<ScoreComponent>> ScoreAndExplain(
      const GraphSnapshot& graph, const ResolvedQuery& query,
      const Selector& select, std::vector<double>* scores,
      std::vector<int>* selected) const override;

  const CitymatchModel& model() const { return model_; }

  // The weights that apply to a query with these features.
  FeatureWeights WeightsFor(const QueryFeatures& features) const;

 private:
  CitymatchModel model_;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_CITYMATCH_RANKER_H_
