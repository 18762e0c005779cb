// GraphStore owns the current GraphSnapshot and is the only writer of the
// graph: it persists a mutation first, then publishes the snapshot that
// includes it (leveldb's order: write the log, then make the change visible).
// Readers pin a snapshot and work on it unlocked.
//
// Thread-safe. Writes are serialised; Snapshot() never waits for a write.
#ifndef CITYMATCH_GRAPH_GRAPH_STORE_H_
#define CITYMATCH_GRAPH_GRAPH_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "graph/graph_snapshot.h"
#include "graph/mutation.h"
#include "graph/storage/storage.h"

namespace citymatch {

class GraphStore {
 public:
  // Loads everything from `storage` and builds the first snapshot.
  // DataLoss if the stored data is corrupt or inconsistent.
  static absl::StatusOr<std::unique_ptr<GraphStore>> Open(
      std::unique_ptr<Storage> storage);

  // Cheap. Hold the result for one request, not longer.
  std::shared_ptr<const GraphSnapshot> Snapshot() const;

  // Checks the preconditions, persists `mutation`, then publishes and returns
  // the snapshot that includes it. On error nothing changes:
  // AlreadyExists / NotFound / Aborted (stale etag) from the preconditions,
  // FailedPrecondition or InvalidArgument if the result would be
  // inconsistent (a dangling reference), Unavailable if storage failed.
  // An empty mutation (only preconditions) publishes nothing, nor does one
  // whose puts are all stored already as they are (the base is returned).
  //
  // `before_commit`, if given, is called under the write lock once the
  // mutation has been checked and built, just before it is persisted: the
  // last moment a caller can call the write off (a client that has gone
  // away). If it returns an error, nothing is written and Apply returns it.
  //
  // `undo_before_commit`, if given, is called under the write lock if
  // persisting the mutation fails (so after `before_commit` returned OK):
  // the place to take back what `before_commit` changed outside the graph,
  // before another write can see that change without the mutation it was
  // made for. Apply still returns the storage error.
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> Apply(
      const Mutation& mutation,
      const std::function<absl::Status()>& before_commit = nullptr,
      const std::function<void()>& undo_before_commit = nullptr);

  // As Apply(), but the mutation is made by `make` under the write lock from
  // the graph it is then applied to, so no other write comes between what
  // `make` read and the commit. Other writes wait while `make` runs (reads
  // do not). An error from `make` is returned as it is; nothing is written.
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> ApplyFrom(
      const std::function<absl::StatusOr<Mutation>(const GraphSnapshot&)>&
          make,
      const std::function<absl::Status()>& before_commit = nullptr,
      const std::function<void()>& undo_before_commit = nullptr);

  // Blocks until the graph version exceeds `version` or `deadline` passes;
  // returns the current snapshot either way. For long polls and watches.
  std::shared_ptr<const GraphSnapshot> WaitForChange(int64_t version,
                                                     absl::Time deadline) const;

  // What the applied mutation that carried `request_id` recorded, nullopt if
  // none did. A mutation whose request_id is known is not applied again:
  // Apply() fails with AlreadyExists naming the entity.
  std::optional<AppliedRequest> Request(const std::string& request_id) const;

 private:
  GraphStore(std::unique_ptr<Storage> storage,
             std::shared_ptr<const GraphSnapshot> first,
             absl::flat_hash_map<std::string, AppliedRequest> requests);

  // Apply() once the write lock is held and `base` is the current graph.
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> ApplyLocked(
      std::shared_ptr<const GraphSnapshot> base, const Mutation& mutation,
      const std::function<absl::Status()>& before_commit,
      const std::function<void()>& undo_before_commit)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  absl::Mutex write_mu_;  // Serialises Apply().
  std::unique_ptr<Storage> storage_ ABSL_GUARDED_BY(write_mu_);

  mutable absl::Mutex mu_;  // Guards only the pointer.
  std::shared_ptr<const GraphSnapshot> current_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, AppliedRequest> requests_
      ABSL_GUARDED_BY(mu_);
};

// The precondition check alone, against `graph`: OK, AlreadyExists, NotFound
// or Aborted.
absl::Status CheckPrecondition(const GraphSnapshot& graph,
                               const Precondition& precondition);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_GRAPH_STORE_H_
