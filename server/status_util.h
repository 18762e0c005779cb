// The one place where absl::Status becomes grpc::Status. The numeric codes
// are the same, as TF Serving's ToGRPCStatus relies on; field violations
// travel as a google.rpc.BadRequest in the status details (the
// grpc-status-details-bin trailer), which every gRPC client can decode.
#ifndef CITYMATCH_SERVER_STATUS_UTIL_H_
#define CITYMATCH_SERVER_STATUS_UTIL_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "graph/validation.h"
#include "grpcpp/support/status.h"

namespace citymatch {

// The message is cut to kMaxMessageBytes: it may echo what the request sent
// (a stale etag, a token name), and a client refuses a reply whose metadata
// passes its limit (gRPC's default is 8 KiB) as RESOURCE_EXHAUSTED.
inline constexpr size_t kMaxMessageBytes = 1024;
grpc::Status ToGrpcStatus(const absl::Status& status);

// INVALID_ARGUMENT with `violations` as google.rpc.BadRequest details. The
// message names the first violation, so a client that ignores details still
// learns what is wrong. The details travel in the reply's metadata, which
// clients cap (gRPC's default is 8 KiB, and a reply over it reaches the
// client as RESOURCE_EXHAUSTED instead of the violations): they hold the
// violations that fit in kMaxViolationBytes, then one saying how many more
// there are. A field is cut to kMaxViolationFieldBytes and a description to
// kMaxViolationDescriptionBytes: one that echoes what the request sent (a
// name thousands of bytes long) would pass the limit on its own.
inline constexpr size_t kMaxViolationBytes = 4096;
inline constexpr size_t kMaxViolationFieldBytes = 128;
inline constexpr size_t kMaxViolationDescriptionBytes = 512;
grpc::Status InvalidArgument(const std::vector<FieldViolation>& violations);

// As above, for `violations` that are the first of `total` (an import keeps
// at most kMaxReportedProblems of its problems): the message and the last
// violation count every one of the `total`, listed or not.
grpc::Status InvalidArgument(const std::vector<FieldViolation>& violations,
                             size_t total);

// `code` with `message` and a google.rpc.RetryInfo asking the client to wait
// `retry_delay_ms` before retrying.
grpc::Status WithRetryInfo(grpc::StatusCode code, const std::string& message,
                           int64_t retry_delay_ms);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_STATUS_UTIL_H_
