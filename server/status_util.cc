#include "server/status_util.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace citymatch {

namespace {

// `text` cut to at most `max_bytes`, at a UTF-8 character boundary, and
// marked as cut.
std::string Cut(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  constexpr absl::string_view kMark = "...";
  size_t end = max_bytes - kMark.size();
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return absl::StrCat(absl::string_view(text).substr(0, end), kMark);
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      Cut(std::string(status.message()), kMaxMessageBytes));
}

grpc::Status InvalidArgument(const std::vector<FieldViolation>& violations) {
  return InvalidArgument(violations, violations.size());
}

grpc::Status InvalidArgument(const std::vector<FieldViolation>& violations,
                             size_t total) {
  total = std::max(total, violations.size());
  std::string message = "invalid request";
  if (!violations.empty()) {
    message = absl::StrCat(
        Cut(violations[0].field, kMaxViolationFieldBytes), ": ",
        Cut(violations[0].description, kMaxViolationDescriptionBytes));
    if (total > 1) absl::StrAppend(&message, " (and ", total - 1, " more)");
  }
  google::rpc::BadRequest bad_request;
  // The message travels in the details too, and in a trailer of its own.
  size_t bytes = message.size();
  size_t listed = 0;
  bool full = false;
  for (const FieldViolation& v : violations) {
    std::string field = Cut(v.field, kMaxViolationFieldBytes);
    std::string description = Cut(v.description, kMaxViolationDescriptionBytes);
    bytes += field.size() + description.size() + 8;  // with the framing
    if (bytes > kMaxViolationBytes && listed > 0) {
      full = true;
      break;
    }
    google::rpc::BadRequest::FieldViolation* out =
        bad_request.add_field_violations();
    out->set_field(std::move(field));
    out->set_description(std::move(description));
    ++listed;
  }
  if (listed < total) {
    google::rpc::BadRequest::FieldViolation* more =
        bad_request.add_field_violations();
    more->set_field("request");
    std::string description =
        absl::StrCat("and ", total - listed, " more, not listed");
    if (full) {
      absl::StrAppend(&description, ": a reply lists at most ",
                      kMaxViolationBytes / 1024, " KiB of violations");
    }
    more->set_description(std::move(description));
  }
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  details.set_message(message);
  details.add_details()->PackFrom(bad_request);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message,
                      details.SerializeAsString());
}

grpc::Status WithRetryInfo(grpc::StatusCode code, const std::string& message,
                           int64_t retry_delay_ms) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(retry_delay_ms / 1000);
  retry.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(retry_delay_ms % 1000) * 1000000);
  google::rpc::Status details;
  details.set_code(code);
  details.set_message(message);
  details.add_details()->PackFrom(retry);
  return grpc::Status(code, message, details.SerializeAsString());
}

}  // namespace citymatch
