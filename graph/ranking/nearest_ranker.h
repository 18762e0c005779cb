// NearestRanker: closeness to the centroid of the member cities (the mean of
// their positions on the unit sphere). A baseline: cross-border programmes
// recruit neighbours, network programmes do not.
//
// Thread-safe: stateless.
#ifndef CITYMATCH_GRAPH_RANKING_NEAREST_RANKER_H_
#define CITYMATCH_GRAPH_RANKING_NEAREST_RANKER_H_

#include <vector>

#include "graph/ranking/ranker.h"

namespace citymatch {

class NearestRanker : public Ranker {
 public:
  absl::string_view name() const override { return "nearest"; }
  // Score = -(km to the members' centroid); all 0 without members.
  void Score(const GraphSnapshot& graph, const ResolvedQuery& query,
             std::vector<double>* scores) const override;
  std::vector<ScoreComponent> Components(const GraphSnapshot& graph,
                                         const ResolvedQuery& query,
                                         int city) const override;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_NEAREST_RANKER_H_
