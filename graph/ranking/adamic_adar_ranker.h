// AdamicAdarRanker: link prediction from the members' neighbourhoods. A
// city's neighbours are its projects and its twin cities; every neighbour z
// shared between a member and the candidate adds 1 / log(degree(z)), where a
// project's degree is its member count and a twin city's degree is its
// number of projects plus twins. Summed over the members.
//
// Thread-safe: stateless; scratch space per call.
#ifndef CITYMATCH_GRAPH_RANKING_ADAMIC_ADAR_RANKER_H_
#define CITYMATCH_GRAPH_RANKING_ADAMIC_ADAR_RANKER_H_

#include <vector>

#include "graph/ranking/ranker.h"

namespace citymatch {

class AdamicAdarRanker : public Ranker {
 public:
  absl::string_view name() const override { return "adamic_adar"; }
  void Score(const GraphSnapshot& graph, const ResolvedQuery& query,
             std::vector<double>* scores) const override;
  std::vector<ScoreComponent> Components(const GraphSnapshot& graph,
                                         const ResolvedQuery& query,
                                         int city) const override;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_ADAMIC_ADAR_RANKER_H_
