// Reasons: the sentences that justify recommending a city, each citing
// evidence from the graph: projects shared with the known partners (title,
// programme, years), practices the city runs on the wanted themes, twinnings
// with members, the distance to the nearest member and the city's experience.
//
// Thread-safe: pure functions of an immutable snapshot.
#ifndef CITYMATCH_GRAPH_RANKING_REASONS_H_
#define CITYMATCH_GRAPH_RANKING_REASONS_H_

#include <string>
#include <vector>

#include "graph/graph_snapshot.h"
#include "graph/ranking/ranker.h"

namespace citymatch {

struct ReasonOptions {
  int max_shared_projects = 3;  // cited by name; the rest are counted
  int max_practices = 2;
};

// The reasons for `city` (a city index, not a member), strongest evidence
// first. Sentences, e.g.
//   Worked with Lyon and Porto in "CityLab" (URBACT, 2015-2018).
//   Runs the practice "A home for everyone" on Housing, Social inclusion ...
//   Twinned with Lyon.
//   312 km from Lyon, the nearest member.
//   Took part in 12 projects, 4 of them in URBACT.
std::vector<std::string> ExplainCandidate(const GraphSnapshot& graph,
                                          const ResolvedQuery& query, int city,
                                          const ReasonOptions& options = {});

// Great-circle km from `city` to its nearest member and that member's index;
// -1 as the index when the query has no members.
double NearestMemberKm(const GraphSnapshot& graph, const ResolvedQuery& query,
                       int city, int* nearest);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_REASONS_H_
