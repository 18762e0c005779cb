#include "server/request_guard.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/status_util.h"

namespace citymatch {

grpc::Status RequestGuard::Admit(const grpc::ServerContextBase& context,
                                 Access access, Principal* principal) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "missing authorization metadata "
                        "(\"authorization: Bearer <token>\")");
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(value, kBearer)) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "authorization must be \"Bearer <token>\"");
  }
  // RFC 6750 allows one or more spaces after the scheme, and HTTP drops the
  // spaces around a field's value (RFC 9110, 5.5); a token has none.
  value = absl::StripAsciiWhitespace(value.substr(kBearer.size()));
  absl::StatusOr<Principal> who = registry_->Authenticate(value);
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Duration retry_after;
  if (!limiter_->Admit(who->token_id, absl::Now(), &retry_after)) {
    return WithRetryInfo(grpc::StatusCode::RESOURCE_EXHAUSTED,
                         absl::StrCat("rate limit of token ", who->token_id,
                                      " exceeded; retry after ",
                                      absl::FormatDuration(retry_after)),
                         absl::ToInt64Milliseconds(retry_after) + 1);
  }
  // Known even when refused below, so that a refused write is audited.
  *principal = std::move(*who);
  return CheckAccess(*principal, access);
}

}  // namespace citymatch
