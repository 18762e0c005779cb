// AuditLog records every write — who (token, role, organisation), what (the
// method), when, on which resource, and the result — including writes that
// were refused. Never records secrets or request bodies; a resource name is
// cut to 512 bytes, so that a refused call cannot grow the log without bound.
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

  // Appends one event; a storage failure is logged, not returned, because
  // the write it describes has already happened or been refused.
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
