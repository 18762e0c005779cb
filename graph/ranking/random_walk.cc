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
  // The CSR arrays themselves: this loop is most of a query's cost, and the
  // descriptor/iterator layer of out_edges() roughly doubles it.
  const std::vector<uint32_t>& rowstart = csr.m_forward.m_rowstart;
  const std::vector<uint32_t>& column = csr.m_forward.m_column;
  const uint32_t num_cities = static_cast<uint32_t>(graph.cities().size());
  // Only twinnings join two cities, so "city to city" is "twinning".
  const bool skip_twins = !options.follow_twinnings;

  // The adjacency the walk may use, copied once so that every iteration
  // runs over a dense array (twinnings are a third of the shipped graph's
  // edges). Every tie is stored both ways, so a vertex's neighbours are also
  // the vertices that send it mass, which lets each iteration *pull*:
  // sequential writes instead of scattered read-modify-writes.
  std::vector<uint32_t> row(n + 1);
  std::vector<uint32_t> col;
  col.reserve(column.size());
  for (int v = 0; v < n; ++v) {
    row[v] = static_cast<uint32_t>(col.size());
    const bool city = static_cast<uint32_t>(v) < num_cities;
    for (uint32_t e = rowstart[v]; e < rowstart[v + 1]; ++e) {
      if (skip_twins && city && column[e] < num_cities) continue;
      col.push_back(column[e]);
    }
  }
  row[n] = static_cast<uint32_t>(col.size());

  std::vector<double> teleport(n, 0.0);
  double total = 0;
  for (const auto& [v, w] : restart) total += w;
  for (const auto& [v, w] : restart) teleport[v] += w / total;

  // alpha / degree, 0 for a vertex without edges (its mass restarts).
  std::vector<double> step(n, 0.0);
  for (int v = 0; v < n; ++v) {
    const uint32_t degree = row[v + 1] - row[v];
    if (degree > 0) step[v] = options.alpha / degree;
  }

  std::vector<double>& x = *rank;
  x = teleport;
  std::vector<double> z(n), next(n);
  for (int it = 0; it < options.max_iterations; ++it) {
    // Everything that does not move along an edge restarts (the 1 - alpha
    // share and the mass of dangling vertices), so x stays a distribution.
    double moved = 0;
    for (int v = 0; v < n; ++v) {
      z[v] = x[v] * step[v];
      if (step[v] != 0) moved += options.alpha * x[v];
    }
    const double restart_mass = 1.0 - moved;
    double change = 0;
    for (int v = 0; v < n; ++v) {
      double sum = restart_mass * teleport[v];
      for (uint32_t e = row[v]; e < row[v + 1]; ++e) sum += z[col[e]];
      next[v] = sum;
      change += std::fabs(sum - x[v]);
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
