// A client interceptor that sends "authorization: Bearer <token>" with every
// call, for channels that cannot carry call credentials (the in-process
// channel is plaintext, and gRPC attaches call credentials only to secure
// channels).
#ifndef CITYMATCH_SERVER_BEARER_INTERCEPTOR_H_
#define CITYMATCH_SERVER_BEARER_INTERCEPTOR_H_

#include <memory>
#include <string>

#include "grpcpp/support/client_interceptor.h"

namespace citymatch {

// A factory for gRPC's experimental client interceptor API.
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
MakeBearerInterceptorFactory(std::string token);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_BEARER_INTERCEPTOR_H_
