#include "graph/ranking/random_walk.h"

#include <algorithm>
#include <cmath>

namespace citymatch {

namespace {

// The sum of z over the neighbours col[begin, end). Four running sums
// instead of one: a theme vertex has hundreds of neighbours, and their one
// chain of dependent additions was half of the walk's time.
double Gather(const std::vector<double>& z, const std::vector<uint32_t>& col,
              uint32_t begin, uint32_t end) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  uint32_t e = begin;
  for (; e + 4 <= end; e += 4) {
    s0 += z[col[e]];
    s1 += z[col[e + 1]];
    s2 += z[col[e + 2]];
    s3 += z[col[e + 3]];
  }
  for (; e < end; ++e) s0 += z[col[e]];
  return (s0 + s1) + (s2 + s3);
}

// The power iterations on a compact graph (`vertices`, `row`, `col`, as
// GraphSnapshot::CompactGraph) with the restart distribution `teleport` over
// its vertices, plus `dangling`: restart vertices outside the compact graph
// (no usable edge), whose mass restarts at every step. `excluded`, a local
// index or -1, is left out with its edges: it takes no mass, and its
// neighbours spread theirs over their other edges. Writes the result into
// `rank` (all vertices, zeroed by the caller).
void Iterate(const std::vector<uint32_t>& vertices,
             const std::vector<uint32_t>& row, const std::vector<uint32_t>& col,
             std::vector<double> teleport,
             const std::vector<std::pair<uint32_t, double>>& dangling,
             int excluded, const RandomWalkOptions& options,
             std::vector<double>* rank) {
  const int m = static_cast<int>(vertices.size());
  std::vector<uint32_t> degree(m);
  for (int i = 0; i < m; ++i) degree[i] = row[i + 1] - row[i];
  if (excluded >= 0) {
    for (uint32_t e = row[excluded]; e < row[excluded + 1]; ++e) {
      --degree[col[e]];
    }
    degree[excluded] = 0;
  }
  // alpha / degree, 0 for a vertex without edges (its mass restarts).
  std::vector<double> step(m, 0.0);
  for (int i = 0; i < m; ++i) {
    if (degree[i] > 0) step[i] = options.alpha / degree[i];
  }
  std::vector<double> x = teleport;
  std::vector<double> dangling_x(dangling.size());
  for (size_t j = 0; j < dangling.size(); ++j) {
    dangling_x[j] = dangling[j].second;
  }
  std::vector<double> z(m), next(m, 0.0);
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
      if (i == excluded) continue;  // next[i] stays 0: its steps skip it
      const double sum =
          restart_mass * teleport[i] + Gather(z, col, row[i], row[i + 1]);
      next[i] = sum;
      change += std::fabs(sum - x[i]);
    }

    for (size_t j = 0; j < dangling.size(); ++j) {
      const double value = restart_mass * dangling[j].second;
      change += std::fabs(value - dangling_x[j]);
      dangling_x[j] = value;
    }
    x.swap(next);
    if (change < options.tolerance) break;
  }
  for (int i = 0; i < m; ++i) (*rank)[vertices[i]] = x[i];
  for (size_t j = 0; j < dangling.size(); ++j) {
    (*rank)[dangling[j].first] = dangling_x[j];
  }
}

}  // namespace

void PersonalizedPageRank(
    const GraphSnapshot& graph,
    const std::vector<std::pair<uint32_t, double>>& restart,
    const RandomWalkOptions& options, std::vector<double>* rank) {
  PersonalizedPageRank(graph, restart, options, -1, rank);
}

void PersonalizedPageRank(
    const GraphSnapshot& graph,
    const std::vector<std::pair<uint32_t, double>>& restart,
    const RandomWalkOptions& options, int excluded, std::vector<double>* rank) {
  const int n = graph.num_vertices();
  rank->assign(n, 0.0);
  if (restart.empty() || n == 0) return;
  double total = 0;
  for (const auto& [v, w] : restart) total += w;

  if (!options.follow_twinnings) {
    // The snapshot keeps the twin-free graph compacted to the vertices that
    // have an edge in it (most cities of a data set have no project, so
    // without twinnings they are isolated; twinnings are a third of the
    // shipped graph's edges). Restart vertices outside it are dangling.
    const GraphSnapshot::CompactGraph& walk = graph.twin_free_graph();
    std::vector<double> teleport(walk.vertices.size(), 0.0);
    std::vector<std::pair<uint32_t, double>> dangling;
    for (const auto& [v, w] : restart) {
      const int i = walk.local[v];
      if (i >= 0) {
        teleport[i] += w / total;
        continue;
      }
      auto it = std::find_if(dangling.begin(), dangling.end(),
                             [v = v](const auto& d) { return d.first == v; });
      if (it == dangling.end()) {
        dangling.emplace_back(v, w / total);
      } else {
        it->second += w / total;
      }
    }
    Iterate(walk.vertices, walk.row, walk.col, std::move(teleport), dangling,
            excluded >= 0 ? walk.local[excluded] : -1, options, rank);
    return;
  }

  // With twinnings: a compact copy of the graph made for this query, the
  // vertices with an edge or a restart weight. The CSR arrays themselves:
  // the descriptor/iterator layer of out_edges() roughly doubles the cost.
  const GraphSnapshot::Csr& csr = graph.csr();
  const std::vector<uint32_t>& rowstart = csr.m_forward.m_rowstart;
  const std::vector<uint32_t>& column = csr.m_forward.m_column;
  std::vector<double> teleport_all(n, 0.0);
  for (const auto& [v, w] : restart) teleport_all[v] += w / total;
  std::vector<int> local(n, -1);
  std::vector<uint32_t> global;
  for (int v = 0; v < n; ++v) {
    if (teleport_all[v] > 0 || rowstart[v] < rowstart[v + 1]) {
      local[v] = static_cast<int>(global.size());
      global.push_back(v);
    }
  }
  const int m = static_cast<int>(global.size());
  std::vector<uint32_t> row(m + 1);
  std::vector<uint32_t> col;
  col.reserve(column.size());
  std::vector<double> teleport(m);
  for (int i = 0; i < m; ++i) {
    const uint32_t v = global[i];
    row[i] = static_cast<uint32_t>(col.size());
    for (uint32_t e = rowstart[v]; e < rowstart[v + 1]; ++e) {
      col.push_back(local[column[e]]);
    }
    teleport[i] = teleport_all[v];
  }
  row[m] = static_cast<uint32_t>(col.size());
  Iterate(global, row, col, std::move(teleport), {},
          excluded >= 0 ? local[excluded] : -1, options, rank);
}

int ExcludedVertex(const GraphSnapshot& graph, const ResolvedQuery& query) {
  return query.project >= 0
             ? static_cast<int>(graph.ProjectVertex(query.project))
             : -1;
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
