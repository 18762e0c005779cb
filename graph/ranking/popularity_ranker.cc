#include "graph/ranking/popularity_ranker.h"

namespace citymatch {

void PopularityRanker::Score(const GraphSnapshot& graph,
                             const ResolvedQuery& /*query*/,
                             std::vector<double>* scores) const {
  const int n = static_cast<int>(graph.cities().size());
  scores->resize(n);
  for (int c = 0; c < n; ++c) {
    (*scores)[c] = static_cast<double>(graph.city_projects(c).size());
  }
}

std::vector<ScoreComponent> PopularityRanker::Components(
    const GraphSnapshot& graph, const ResolvedQuery& /*query*/,
    int city) const {
  const double n = static_cast<double>(graph.city_projects(city).size());
  return {{"experience", n, n}};
}

}  // namespace citymatch
