// GraphBuilder makes GraphSnapshots: from a Dataset (at load), or from the
// current snapshot plus a Mutation (on every write), checking that every
// reference resolves.
//
// Not thread-safe; use one builder per build.
#ifndef CITYMATCH_GRAPH_GRAPH_BUILDER_H_
#define CITYMATCH_GRAPH_GRAPH_BUILDER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/status/statusor.h"
#include "graph/dataset.h"
#include "graph/graph_snapshot.h"
#include "graph/mutation.h"
#include "graph/theme_taxonomy.h"

namespace citymatch {

class GraphBuilder {
 public:
  // Starts from `data`; a later entity with the same id replaces an earlier.
  explicit GraphBuilder(Dataset data);
  // Starts from the content of `base`.
  explicit GraphBuilder(const GraphSnapshot& base);

  // Applies puts, then deletes. Preconditions are not checked here (that is
  // GraphStore's job, under its lock).
  GraphBuilder& Apply(const Mutation& mutation);

  // Builds the snapshot. FailedPrecondition naming the first dangling
  // reference (a member, practice or twinning city that does not exist);
  // InvalidArgument if a project lists a city twice.
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> Build(
      int64_t version,
      const ThemeTaxonomy& taxonomy = ThemeTaxonomy::Default()) &&;

  // The content as a Dataset, sorted by id (what an export writes).
  static Dataset ToDataset(const GraphSnapshot& snapshot);

 private:
  // The snapshot's derived tables for the rankers (programme index, packed
  // city data, the twin-free compact graph), from its entities and CSR.
  static void BuildDerivedTables(GraphSnapshot* snapshot);

  absl::btree_map<std::string, City> cities_;
  absl::btree_map<std::string, Project> projects_;
  absl::btree_map<std::string, Practice> practices_;
  absl::btree_set<Twinning> twinnings_;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_GRAPH_BUILDER_H_
