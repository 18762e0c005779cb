// Resolves a PartnerQuery (ids and labels) against one snapshot (indices).
//
// Thread-safe: a pure function.
#ifndef CITYMATCH_GRAPH_RANKING_QUERY_RESOLVER_H_
#define CITYMATCH_GRAPH_RANKING_QUERY_RESOLVER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/graph_snapshot.h"
#include "graph/ranking/ranker.h"

namespace citymatch {

// Members (lead included, duplicates folded) as ascending city indices,
// themes through the snapshot's taxonomy (labels it cannot place are
// dropped), the programme as the snapshot spells it (ProgrammeAsStored()),
// the query's own project, if the snapshot has it, as its index. NotFound
// naming the first unknown member or lead city; InvalidArgument if the query
// has no members and no theme the snapshot can place.
absl::StatusOr<ResolvedQuery> ResolveQuery(const GraphSnapshot& graph,
                                           const PartnerQuery& query);

// The snapshot's name of `programme`: itself if the snapshot has it, else
// the first of its programmes that differs from it only in ASCII case,
// blanks, punctuation and dashes ("urbact" for "URBACT", "2014-2020 Interreg
// V-A Romania-Bulgaria" for "2014 - 2020 INTERREG V-A Romania - Bulgaria"),
// else itself (a programme without history).
std::string ProgrammeAsStored(const GraphSnapshot& graph,
                              absl::string_view programme);

// For a programme ProgrammeAsStored() cannot place, the snapshot's programme
// it most likely means: the shortest one whose name holds it, compared as
// ProgrammeAsStored() compares ("Romania Bulgaria"), else the nearest by
// edit distance within one edit per six characters; "" if none.
std::string SuggestProgramme(const GraphSnapshot& graph,
                             absl::string_view programme);

// The labels of `labels` that ResolveQuery drops: neither a theme of the
// taxonomy (by name or keyword) nor a label of `graph`'s data. In the order
// given, each once. The ranking ignores them, so callers should say so.
std::vector<std::string> UnplacedThemes(const GraphSnapshot& graph,
                                        const std::vector<std::string>& labels);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_QUERY_RESOLVER_H_
