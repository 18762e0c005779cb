// The streaming halves of the Catalog service: ImportDataset receives the
// interchange files in chunks and applies them all or nothing;
// ExportDataset sends the current snapshot's files back in chunks.
//
// Each reactor deletes itself when gRPC is done with it.
#ifndef CITYMATCH_SERVER_DATASET_TRANSFER_H_
#define CITYMATCH_SERVER_DATASET_TRANSFER_H_

#include <cstdint>

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

// Sends every file of `store`'s current data set in chunks of at most
// `chunk_bytes`, one write in flight at a time; finishes at once with
// `admitted` if it is not OK.
grpc::ServerWriteReactor<v1::DatasetChunk>* NewExportReactor(
    const grpc::Status& admitted, const GraphStore& store, int chunk_bytes);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_DATASET_TRANSFER_H_
