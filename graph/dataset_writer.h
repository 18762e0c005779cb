// Writes the graph in the interchange format, so that an export imports back
// into the same graph.
//
// Thread-safe: free functions over an immutable snapshot.
#ifndef CITYMATCH_GRAPH_DATASET_WRITER_H_
#define CITYMATCH_GRAPH_DATASET_WRITER_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "graph/graph_snapshot.h"

namespace citymatch {

// The five files of the interchange format, keyed by file name.
std::map<std::string, std::string> WriteDatasetFiles(
    const GraphSnapshot& graph);

// Writes them into `dir`, which must exist. Unavailable on an I/O error.
absl::Status WriteDataset(const GraphSnapshot& graph, const std::string& dir);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_DATASET_WRITER_H_
