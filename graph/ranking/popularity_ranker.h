// PopularityRanker: a city's number of projects in the graph, whatever the
// query. The floor every other ranker must clear.
//
// Thread-safe: stateless.
#ifndef CITYMATCH_GRAPH_RANKING_POPULARITY_RANKER_H_
#define CITYMATCH_GRAPH_RANKING_POPULARITY_RANKER_H_

#include <vector>

#include "graph/ranking/ranker.h"

namespace citymatch {

class PopularityRanker : public Ranker {
 public:
  absl::string_view name() const override { return "popularity"; }
  void Score(const GraphSnapshot& graph, const ResolvedQuery& query,
             std::vector<double>* scores) const override;
  std::vector<ScoreComponent> Components(const GraphSnapshot& graph,
                                         const ResolvedQuery& query,
                                         int city) const override;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_POPULARITY_RANKER_H_
