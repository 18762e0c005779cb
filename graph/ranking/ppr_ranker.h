// PprRanker: personalised PageRank over the whole heterogeneous graph
// (twinnings included), restarting evenly on the member cities and the
// query's theme nodes, alpha 0.85. The graph-walk baseline.
//
// Thread-safe: stateless; scratch space per call.
#ifndef CITYMATCH_GRAPH_RANKING_PPR_RANKER_H_
#define CITYMATCH_GRAPH_RANKING_PPR_RANKER_H_

#include <vector>

#include "graph/ranking/random_walk.h"
#include "graph/ranking/ranker.h"

namespace citymatch {

class PprRanker : public Ranker {
 public:
  PprRanker() = default;
  explicit PprRanker(RandomWalkOptions options) : options_(options) {}

  absl::string_view name() const override { return "ppr"; }
  void Score(const GraphSnapshot& graph, const ResolvedQuery& query,
             std::vector<double>* scores) const override;
  std::vector<ScoreComponent> Components(const GraphSnapshot& graph,
                                         const ResolvedQuery& query,
                                         int city) const override;

 private:
  RandomWalkOptions options_;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_PPR_RANKER_H_
