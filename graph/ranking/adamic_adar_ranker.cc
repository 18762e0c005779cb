#include "graph/ranking/adamic_adar_ranker.h"

#include <cmath>

namespace citymatch {

void AdamicAdarRanker::Score(const GraphSnapshot& graph,
                             const ResolvedQuery& query,
                             std::vector<double>* scores) const {
  scores->assign(graph.cities().size(), 0.0);
  // Walk member -> shared neighbour -> candidate; every path is one common
  // neighbour of that member and the candidate.
  for (int m : query.members) {
    for (int p : graph.city_projects(m)) {
      const std::vector<int>& members = graph.project_members(p);
      if (members.size() < 2) continue;
      const double w = 1.0 / std::log(static_cast<double>(members.size()));
      for (int c : members) (*scores)[c] += w;
    }
    for (int z : graph.city_twins(m)) {
      const size_t degree =
          graph.city_projects(z).size() + graph.city_twins(z).size();
      if (degree < 2) continue;
      const double w = 1.0 / std::log(static_cast<double>(degree));
      for (int c : graph.city_twins(z)) (*scores)[c] += w;
    }
  }
}

std::vector<ScoreComponent> AdamicAdarRanker::Components(
    const GraphSnapshot& graph, const ResolvedQuery& query, int city) const {
  std::vector<double> scores;
  Score(graph, query, &scores);
  return {{"adamic_adar", scores[city], scores[city]}};
}

}  // namespace citymatch
