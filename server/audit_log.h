// AuditLog records every write — who (token, role, organisation), what (the
// method), when, on which resource, and the result — including writes that
// were refused. Never records secrets or request bodies; a resource name is
// cut to 512 bytes, so that a refused call cannot grow the log without bound.
//
// A write is recorded before it is made (Begin, result "PENDING") and its
// result set after (Finish): the log lives in admin.db, the graph in
// citymatch.db, so no transaction spans both, and this order means no write
// can be committed that the log does not show. An event left "PENDING" is a
// write in progress, or one whose result could not be recorded (the server
// stopped, or admin.db failed after the write): the resource tells whether
// it happened.
//
// Thread-safe.
#ifndef CITYMATCH_SERVER_AUDIT_LOG_H_
#define CITYMATCH_SERVER_AUDIT_LOG_H_

#include <string>

#include "absl/strings/string_view.h"
#include "graph/storage/admin_storage.h"
#include "grpcpp/support/status.h"
#include "server/principal.h"

namespace citymatch {

class AuditLog {
 public:
  // `storage` must outlive the log.
  explicit AuditLog(AdminStorage* storage) : storage_(storage) {}

  // The result of an event whose write has begun and not yet finished.
  static constexpr char kPending[] = "PENDING";

  // Appends an event with the result `kPending` and returns its sequence,
  // for Finish. On failure the write must not go ahead.
  absl::StatusOr<int64_t> Begin(const Principal& principal,
                                absl::string_view method,
                                absl::string_view resource);

  // Sets the result of the event `sequence` from Begin, and its resource
  // (which the write may have named only once made, as CreateToken does). A
  // storage failure is logged, not returned: the write has already happened
  // or failed, and the event stays `kPending`.
  void Finish(int64_t sequence, absl::string_view resource,
              const grpc::Status& result);

  // Appends one event for a write that was refused before it began. A
  // storage failure is logged, not returned.
  void Record(const Principal& principal, absl::string_view method,
              absl::string_view resource, const grpc::Status& result);

  AdminStorage* storage() const { return storage_; }

 private:
  AdminStorage* const storage_;
};

// "OK", "NOT_FOUND", ... for a gRPC status code.
const char* StatusCodeName(grpc::StatusCode code);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_AUDIT_LOG_H_
