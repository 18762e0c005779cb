// The shape every unary handler shares: admit the call (authentication, rate
// limit, role), run the handler body, audit it if it writes, finish. Keeps
// the services' handlers one statement each.
#ifndef CITYMATCH_SERVER_CALL_HELPERS_H_
#define CITYMATCH_SERVER_CALL_HELPERS_H_

#include <string>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "server/request_guard.h"
#include "server/status_util.h"

namespace citymatch {

// Finishes a unary call with `status`.
inline grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context,
                                        const grpc::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

// A call that only reads: `body(principal)` runs once the call is admitted.
template <typename Body>
grpc::ServerUnaryReactor* Serve(const RequestGuard& guard,
                                grpc::CallbackServerContext* context,
                                Access access, Body&& body) {
  Principal principal;
  grpc::Status status = guard.Admit(*context, access, &principal);
  if (status.ok()) status = body(principal);
  return Finish(context, status);
}

// A call that writes `resource`: like Serve, and the outcome (refusals
// included) is recorded in the audit log under `method`. An admitted call is
// recorded before its body runs, and refused with UNAVAILABLE if that fails;
// its result is recorded after, with `resource` as the body left it.
template <typename Body>
grpc::ServerUnaryReactor* ServeWrite(const RequestGuard& guard,
                                     grpc::CallbackServerContext* context,
                                     Access access, const char* method,
                                     const std::string& resource, Body&& body) {
  Principal principal;
  grpc::Status status = guard.Admit(*context, access, &principal);
  if (!status.ok()) {
    if (!principal.token_id.empty()) {
      guard.audit()->Record(principal, method, resource, status);
    }
    return Finish(context, status);
  }
  absl::StatusOr<int64_t> event =
      guard.audit()->Begin(principal, method, resource);
  if (!event.ok()) return Finish(context, ToGrpcStatus(event.status()));
  status = body(principal);
  guard.audit()->Finish(*event, resource, status);
  return Finish(context, status);
}

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_CALL_HELPERS_H_
