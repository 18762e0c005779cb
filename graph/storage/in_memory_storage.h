// InMemoryStorage keeps the graph in memory only: for unit tests, which must
// not touch disk, and for tools that need a store without durability. It can
// be told to fail writes, to test that a failed commit changes nothing.
//
// Not thread-safe, like every Storage.
#ifndef CITYMATCH_GRAPH_STORAGE_IN_MEMORY_STORAGE_H_
#define CITYMATCH_GRAPH_STORAGE_IN_MEMORY_STORAGE_H_

#include <memory>

#include "graph/graph_builder.h"
#include "graph/storage/storage.h"

namespace citymatch {

class InMemoryStorage : public Storage {
 public:
  InMemoryStorage() = default;
  // Starts with `data` stored as version `version`.
  InMemoryStorage(Dataset data, int64_t version);

  absl::StatusOr<StoredGraph> Load() override;
  absl::Status Apply(const Mutation& mutation, int64_t version) override;

  // While true, Apply() fails with Unavailable and stores nothing.
  void set_fail_writes(bool fail) { fail_writes_ = fail; }

 private:
  StoredGraph stored_;
  bool fail_writes_ = false;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_STORAGE_IN_MEMORY_STORAGE_H_
