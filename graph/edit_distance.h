// The edit distance behind every "did you mean": a theme label typed with a
// typo, a CLI command or flag misspelt. Its own small library, so that the
// CLI, which links nothing of the domain, shares it.
#ifndef CITYMATCH_GRAPH_EDIT_DISTANCE_H_
#define CITYMATCH_GRAPH_EDIT_DISTANCE_H_

#include "absl/strings/string_view.h"

namespace citymatch {

// The optimal string alignment distance between `a` and `b`: insertions,
// deletions, substitutions and transpositions of adjacent bytes each count
// one. Any result above `limit` is returned as `limit` + 1, which lets long
// strings that are far apart stop early: a suggestion is only wanted for a
// near miss.
int EditDistance(absl::string_view a, absl::string_view b, int limit);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_EDIT_DISTANCE_H_
