#include "graph/ranking/random_walk.h"

#include <cmath>

namespace citymatch {

void PersonalizedPageRank(
    const GraphSnapshot& graph,
    const std::vector<std::pair<uint32_t, double>>& restart,
    const RandomWalkOptions& options, std::vector<double>* rank) {
  const GraphSnapshot::Csr& csr = graph.csr();
  const int n = graph.num_vertices();
  rank->assign(n, 0.0);
  if (restart.empty() || n == 0) return;

  std::vector<double> teleport(n, 0.0);
  double total = 0;
  for (const auto& [v, w] : restart) total += w;
  for (const auto& [v, w] : restart) teleport[v] += w / total;

  // Out-degree over the allowed edges. Twinning edges only leave cities, so
  // the city's twin count is what to subtract.
  std::vector<double> inv_degree(n, 0.0);
  for (int v = 0; v < n; ++v) {
    int degree = static_cast<int>(boost::out_degree(static_cast<uint32_t>(v), csr));
    const int city = graph.VertexCity(v);
    if (!options.follow_twinnings && city >= 0) {
      degree -= static_cast<int>(graph.city_twins(city).size());
    }
    if (degree > 0) inv_degree[v] = 1.0 / degree;
  }

  std::vector<double>& x = *rank;
  x = teleport;
  std::vector<double> next(n);
  for (int it = 0; it < options.max_iterations; ++it) {
    std::fill(next.begin(), next.end(), 0.0);
    for (int v = 0; v < n; ++v) {
      const double mass = x[v];
      if (mass == 0) continue;
      if (inv_degree[v] == 0) continue;
      const double share = options.alpha * mass * inv_degree[v];
      for (auto [e, end] = boost::out_edges(static_cast<uint32_t>(v), csr); e != end; ++e) {
        if (!options.follow_twinnings && csr[*e].kind == EdgeKind::kTwinning) {
          continue;
        }
        next[boost::target(*e, csr)] += share;
      }
    }
    // Everything that did not move along an edge restarts (the 1 - alpha
    // share and the mass of dangling vertices), so x stays a distribution.
    double moved = 0;
    for (int v = 0; v < n; ++v) {
      if (inv_degree[v] != 0) moved += options.alpha * x[v];
    }
    const double restart_mass = 1.0 - moved;
    double change = 0;
    for (int v = 0; v < n; ++v) {
      next[v] += restart_mass * teleport[v];
      change += std::fabs(next[v] - x[v]);
    }
    x.swap(next);
    if (change < options.tolerance) break;
  }
}

std::vector<std::pair<uint32_t, double>> QueryRestart(
    const GraphSnapshot& graph, const std::vector<int>& members,
    const std::vector<int>& themes, double member_share) {
  std::vector<std::pair<uint32_t, double>> restart;
  if (members.empty()) member_share = 0;
  if (themes.empty()) member_share = 1;
  for (int c : members) {
    restart.emplace_back(graph.CityVertex(c), member_share / members.size());
  }
  for (int t : themes) {
    restart.emplace_back(graph.ThemeVertex(t),
                         (1 - member_share) / themes.size());
  }
  return restart;
}

}  // namespace citymatch
