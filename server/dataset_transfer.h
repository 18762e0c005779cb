// The streaming halves of the Catalog service: ImportDataset receives the
// interchange files in chunks and applies them all or nothing;
// ExportDataset sends the current snapshot's files back in chunks.
//
// Each reactor deletes itself when gRPC is done with it.
#ifndef CITYMATCH_SERVER_DATASET_TRANSFER_H_
#define CITYMATCH_SERVER_DATASET_TRANSFER_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "citymatch/v1/catalog.grpc.pb.h"
#include "graph/graph_store.h"
#include "server/audit_log.h"
#include "server/principal.h"

namespace citymatch {

// Collects the chunks of an import (at most `max_bytes` in all), then
// parses and, unless the request asks only to validate, applies them on a
// worker thread, filling `response`. Every bad row becomes a field violation
// named "file:line". Nothing is applied once `context`'s call is cancelled
// or past its deadline: the call finishes with CANCELLED or
// DEADLINE_EXCEEDED. If `admitted` is not OK the call finishes with it at
// once. The outcome is recorded in `audit` for an authenticated `principal`.
// `store` and `audit` must outlive the call.
grpc::ServerReadReactor<v1::ImportDatasetRequest>* NewImportReactor(
    grpc::CallbackServerContext* context, GraphStore* store, AuditLog* audit,
    Principal principal, const grpc::Status& admitted, int64_t max_bytes,
    v1::ImportDatasetResponse* response);

// The exports being sent. Each holds the whole data set as text until its
// client has read it, and a client may open export streams and read none:
// at most `per_token` are sent at once for one token and `total` in all.
//
// Thread-safe.
class ExportSlots {
 public:
  ExportSlots(int per_token, int total)
      : per_token_(per_token), total_(total) {}

  // OK and a slot taken for `token_id`, or RESOURCE_EXHAUSTED (with
  // RetryInfo) naming the limit that is reached.
  grpc::Status Take(const std::string& token_id);
  // Gives back a slot Take() gave `token_id`.
  void Give(const std::string& token_id);

 private:
  const int per_token_;
  const int total_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int> taken_ ABSL_GUARDED_BY(mu_);
  int taken_in_all_ ABSL_GUARDED_BY(mu_) = 0;
};

// Sends every file of `store`'s current data set in chunks of at most
// `chunk_bytes`, one write in flight at a time, holding one of `slots` for
// `token_id` meanwhile; finishes at once with `admitted` if it is not OK,
// or with RESOURCE_EXHAUSTED if no slot is free. `slots` must outlive the
// call.
grpc::ServerWriteReactor<v1::DatasetChunk>* NewExportReactor(
    const grpc::Status& admitted, const GraphStore& store, int chunk_bytes,
    ExportSlots* slots, const std::string& token_id);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_DATASET_TRANSFER_H_
