#include "server/audit_log.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "graph/escape_controls.h"
#include "spdlog/spdlog.h"

namespace citymatch {

namespace {

// The resource of a refused write is whatever name the client sent; without
// a bound, any valid token could append megabytes to the audit log per call.
constexpr size_t kMaxResourceBytes = 512;

// `text` cut to at most `max_bytes`, its marker included, on a UTF-8
// character boundary, so the stored event stays valid UTF-8 for
// ListAuditEvents.
std::string Bounded(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr absl::string_view kCut = "\u2026";  // 3 bytes
  size_t end = max_bytes - kCut.size();
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return absl::StrCat(text.substr(0, end), kCut);
}

// The resource as an event stores it: control characters and backslashes
// escaped (a refused request may name anything, such as a newline followed
// by what reads as another token's event in `citymatch audit`), and
// bounded. Only what can be kept is escaped (one byte more, so that a
// longer name is still marked as cut).
std::string StoredResource(absl::string_view resource) {
  return Bounded(EscapeControls(resource.substr(0, kMaxResourceBytes + 1),
                                /*backslashes=*/true),
                 kMaxResourceBytes);
}

AuditRecord Event(const Principal& principal, absl::string_view method,
                  absl::string_view resource, absl::string_view result) {
  AuditRecord event;
  event.time_ms = absl::ToUnixMillis(absl::Now());
  event.token_id = principal.token_id;
  event.role = principal.role;
  event.organization_id = principal.organization_id;
  event.method = std::string(method);
  event.resource = StoredResource(resource);
  event.result = std::string(result);
  return event;
}

}  // namespace

const char* StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return "UNKNOWN";
  }
}

absl::StatusOr<int64_t> AuditLog::Begin(const Principal& principal,
                                        absl::string_view method,
                                        absl::string_view resource) {
  absl::StatusOr<int64_t> sequence =
      storage_->AppendAudit(Event(principal, method, resource, kPending));
  if (!sequence.ok()) {
    spdlog::error("audit log write failed, {} on {} refused: {}",
                  std::string(method), StoredResource(resource),
                  sequence.status().ToString());
    return absl::UnavailableError(absl::StrCat(
        "the audit log cannot be written, so nothing was changed; try again "
        "later (",
        sequence.status().message(), ")"));
  }
  return sequence;
}

void AuditLog::Finish(int64_t sequence, absl::string_view resource,
                      const grpc::Status& result) {
  absl::Status status = storage_->SetAuditResult(
      sequence, StoredResource(resource), StatusCodeName(result.error_code()));
  if (!status.ok()) {
    spdlog::error(
        "audit event {} keeps the result {}; its result {} could "
        "not be written: {}",
        sequence, kPending, StatusCodeName(result.error_code()),
        status.ToString());
  }
}

void AuditLog::Record(const Principal& principal, absl::string_view method,
                      absl::string_view resource, const grpc::Status& result) {
  absl::StatusOr<int64_t> sequence = storage_->AppendAudit(
      Event(principal, method, resource, StatusCodeName(result.error_code())));
  if (!sequence.ok()) {
    spdlog::error("audit log write failed: {}", sequence.status().ToString());
  }
}

}  // namespace citymatch
