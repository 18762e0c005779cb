// Storage is where the graph lives durably. GraphStore is its only user: it
// loads everything once at start, then appends one mutation per write.
//
// Implementations: SqliteStorage (the embedded default), InMemoryStorage
// (tests, as leveldb's memenv). Not thread-safe: GraphStore serialises calls.
#ifndef CITYMATCH_GRAPH_STORAGE_STORAGE_H_
#define CITYMATCH_GRAPH_STORAGE_STORAGE_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/dataset.h"
#include "graph/mutation.h"

namespace citymatch {

struct StoredGraph {
  Dataset data;
  int64_t version = 0;  // of the last applied mutation; 0 when empty
  // request_id -> what every mutation that carried one recorded.
  absl::flat_hash_map<std::string, AppliedRequest> requests;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // Everything stored. DataLoss if the store is corrupt.
  virtual absl::StatusOr<StoredGraph> Load() = 0;

  // Makes `mutation` durable as graph version `version` (the stored version
  // + 1), all of it or nothing; returns only once it is committed.
  // Unavailable if it could not be committed; then nothing changed.
  virtual absl::Status Apply(const Mutation& mutation, int64_t version) = 0;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_STORAGE_STORAGE_H_
