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

  std::vector<double> teleport_all(n, 0.0);
  double total = 0;
  for (const auto& [v, w] : restart) total += w;
  for (const auto& [v, w] : restart) teleport_all[v] += w / total;

  // The walk runs on a compact copy of the graph: only the vertices it can
  // reach or restart at (most cities of a data set have no project, so
  // without twinnings they are isolated), and only the edges it may use
  // (twinnings are a third of the shipped graph's edges). Every tie is
  // stored both ways, so a vertex's neighbours are also the vertices that
  // send it mass, which lets each iteration *pull*: sequential writes
  // instead of scattered read-modify-writes.
  auto allowed = [&](uint32_t v, uint32_t e) {
    return !(skip_twins && v < num_cities && column[e] < num_cities);
  };
  std::vector<int> local(n, -1);
  std::vector<uint32_t> global;
  for (int v = 0; v < n; ++v) {
    bool active = teleport_all[v] > 0;
    for (uint32_t e = rowstart[v]; !active && e < rowstart[v + 1]; ++e) {
      active = allowed(v, e);
    }
    if (active) {
      local[v] = static_cast<int>(global.size());
      global.push_back(v);
    }
  }
  const int m = static_cast<int>(global.size());
  std::vector<uint32_t> row(m + 1);
  std::vector<uint32_t> col;
  col.reserve(column.size());
  for (int i = 0; i < m; ++i) {
    const uint32_t v = global[i];
    row[i] = static_cast<uint32_t>(col.size());
    for (uint32_t e = rowstart[v]; e < rowstart[v + 1]; ++e) {
      if (allowed(v, e)) col.push_back(local[column[e]]);
    }
  }
  row[m] = static_cast<uint32_t>(col.size());

  std::vector<double> teleport(m);
  // alpha / degree, 0 for a vertex without edges (its mass restarts).
  std::vector<double> step(m, 0.0);
  for (int i = 0; i < m; ++i) {
    teleport[i] = teleport_all[global[i]];
    const uint32_t degree = row[i + 1] - row[i];
    if (degree > 0) step[i] = options.alpha / degree;
  }

  std::vector<double> x = teleport;
  std::vector<double> z(m), next(m);
  for (int it = 0; it < options.max_iterations; ++it) {
    // Everything that does not move along an edge restarts (the 1 - alpha
    // share and the mass of dangling vertices), so x stays a distribution.
    double moved = 0;
    for (int i = 0; i < m; ++i) {
      z[i] = x[i] * step[i];
      if (step[i] != 0) moved += options.alpha * x[i];
    }
    const double restart_mass = 1.0 - moved;
    double change = 0;
    for (int i = 0; i < m; ++i) {
      double sum = restart_mass * teleport[i];
      for (uint32_t e = row[i]; e < row[i + 1]; ++e) sum += z[col[e]];
      next[i] = sum;
      change += std::fabs(sum - x[i]);
    }
    x.swap(next);
    if (change < options.tolerance) break;
  }
  for (int i = 0; i < m; ++i) (*rank)[global[i]] = x[i];
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
