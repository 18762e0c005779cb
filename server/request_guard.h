// RequestGuard admits a call: it authenticates the bearer token of the
// `authorization` metadata, applies the token's rate limit and checks the
// role against what the call needs. Every service handler starts with it.
//
// Thread-safe.
#ifndef CITYMATCH_SERVER_REQUEST_GUARD_H_
#define CITYMATCH_SERVER_REQUEST_GUARD_H_

#include "grpcpp/server_context.h"
#include "server/access_policy.h"
#include "server/audit_log.h"
#include "server/rate_limiter.h"
#include "server/token_registry.h"

namespace citymatch {

class RequestGuard {
 public:
  // All must outlive the guard.
  RequestGuard(const TokenRegistry* registry, RateLimiter* limiter,
               AuditLog* audit)
      : registry_(registry), limiter_(limiter), audit_(audit) {}

  // OK, or UNAUTHENTICATED (no or bad token), RESOURCE_EXHAUSTED with
  // RetryInfo (rate limit) or PERMISSION_DENIED (role). *principal is set
  // whenever the token was valid and within its rate limit, also when the
  // role refuses the call (so that the refused write is audited); a call
  // over the limit leaves it unset, and is not audited, so that a flood of
  // calls cannot grow the log.
  grpc::Status Admit(const grpc::ServerContextBase& context, Access access,
                     Principal* principal) const;

  AuditLog* audit() const { return audit_; }

 private:
  const TokenRegistry* const registry_;
  RateLimiter* const limiter_;
  AuditLog* const audit_;
};

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_REQUEST_GUARD_H_
