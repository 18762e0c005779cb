#include "graph/ranking/ppr_ranker.h"

namespace citymatch {

void PprRanker::Score(const GraphSnapshot& graph, const ResolvedQuery& query,
                      std::vector<double>* scores) const {
  // Every seed weighs the same, member or theme, as the reference baseline.
  std::vector<std::pair<uint32_t, double>> restart;
  for (int c : query.members) restart.emplace_back(graph.CityVertex(c), 1.0);
  for (int t : query.themes) restart.emplace_back(graph.ThemeVertex(t), 1.0);
  std::vector<double> rank;
  PersonalizedPageRank(graph, restart, options_, ExcludedVertex(graph, query),
                       &rank);
  const int n = static_cast<int>(graph.cities().size());
  scores->assign(n, 0.0);
  if (rank.empty()) return;
  for (int c = 0; c < n; ++c) (*scores)[c] = rank[graph.CityVertex(c)];
}

std::vector<ScoreComponent> PprRanker::Components(const GraphSnapshot& graph,
                                                  const ResolvedQuery& query,
                                                  int city) const {
  std::vector<double> scores;
  Score(graph, query, &scores);
  return {{"ppr", scores[city], scores[city]}};
}

}  // namespace citymatch
