#include "graph/storage/in_memory_storage.h"

#include "absl/status/status.h"

namespace citymatch {

InMemoryStorage::InMemoryStorage(Dataset data, int64_t version)
    : stored_{std::move(data), version} {}

absl::StatusOr<StoredGraph> InMemoryStorage::Load() { return stored_; }

absl::Status InMemoryStorage::Apply(const Mutation& mutation, int64_t version) {
  if (fail_writes_) return absl::UnavailableError("storage write failed");
  // GraphBuilder already knows how to apply a mutation to a data set; the
  // reference checks are GraphStore's, so only the content is kept here.
  GraphBuilder builder(stored_.data);
  builder.Apply(mutation);
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> graph =
      std::move(builder).Build(version);
  if (!graph.ok()) return graph.status();
  stored_.data = GraphBuilder::ToDataset(**graph);
  stored_.version = version;
  if (!mutation.request_id.empty()) {
    stored_.requests[mutation.request_id] = {mutation.request_entity,
                                             mutation.request_fingerprint};
  }
  return absl::OkStatus();
}

}  // namespace citymatch
