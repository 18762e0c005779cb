// Personalised PageRank (random walk with restart) over a snapshot's
// heterogeneous graph: cities, projects, practices and theme nodes.
//
// Thread-safe: a pure function of its arguments; scratch space is allocated
// per call.
#ifndef CITYMATCH_GRAPH_RANKING_RANDOM_WALK_H_
#define CITYMATCH_GRAPH_RANKING_RANDOM_WALK_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "graph/graph_snapshot.h"
#include "graph/ranking/ranker.h"

namespace citymatch {

struct RandomWalkOptions {
  // Probability of following an edge; 1 - alpha is the restart probability.
  double alpha = 0.85;
  // Power iterations at most; the error after k of them is below alpha^k.
  int max_iterations = 40;
  // Stop once the L1 change of one iteration is below this.
  double tolerance = 1e-7;
  // Whether the walk may cross twinning edges. The citymatch ranker keeps
  // them out: a twinning is a civic tie, not evidence of shared work, and
  // walking along them pulls the mass towards well-twinned cities.
  bool follow_twinnings = true;
};

// Stationary distribution of the walk that restarts at `restart` (vertex,
// weight; weights need not be normalised, must be > 0 in total). The walker
// at a vertex moves to a uniformly chosen neighbour over the allowed edges; at
// a vertex without allowed edges it restarts. `rank` gets one value per
// vertex, summing to 1. Without twinnings the walk runs on the snapshot's
// GraphSnapshot::twin_free_graph() (built once per snapshot); with them it
// compacts the graph for the call.
void PersonalizedPageRank(
    const GraphSnapshot& graph,
    const std::vector<std::pair<uint32_t, double>>& restart,
    const RandomWalkOptions& options, std::vector<double>* rank);

// As above, on the graph without the vertex `excluded` and its edges (its
// rank is 0; a neighbour left without edges restarts), or on the whole graph
// for -1: the walk of a query for a stored project, as if the project were
// not there yet. REQUIRES: no restart weight on `excluded`.
void PersonalizedPageRank(
    const GraphSnapshot& graph,
    const std::vector<std::pair<uint32_t, double>>& restart,
    const RandomWalkOptions& options, int excluded, std::vector<double>* rank);

// The vertex a query's walk leaves out: its stored project's, or -1.
int ExcludedVertex(const GraphSnapshot& graph, const ResolvedQuery& query);

// The restart vector the rankers use: `member_share` of the weight spread
// evenly over the member cities, the rest over the theme nodes; all on one
// side when the other is empty.
std::vector<std::pair<uint32_t, double>> QueryRestart(
    const GraphSnapshot& graph, const std::vector<int>& members,
    const std::vector<int>& themes, double member_share);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_RANDOM_WALK_H_
