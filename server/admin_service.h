// AdminService implements citymatch.v1.Admin: organisations, tokens and the
// audit log, for ADMIN tokens only.
//
// Thread-safe.
#ifndef CITYMATCH_SERVER_ADMIN_SERVICE_H_
#define CITYMATCH_SERVER_ADMIN_SERVICE_H_

#include "citymatch/v1/admin.grpc.pb.h"
#include "graph/graph_store.h"
#include "server/request_guard.h"
#include "server/token_registry.h"

namespace citymatch {

class AdminService final : public v1::Admin::CallbackService {
 public:
  // All must outlive the service. `store` is read, and its write lock taken
  // while an organisation is created, changed or deleted.
  AdminService(TokenRegistry* registry, GraphStore* store,
               const RequestGuard* guard);

  grpc::ServerUnaryReactor* CreateOrganization(
      grpc::CallbackServerContext* context,
      const v1::CreateOrganizationRequest* request,
      v1::Organization* response) override;
  grpc::ServerUnaryReactor* ListOrganizations(
      grpc::CallbackServerContext* context,
      const v1::ListOrganizationsRequest* request,
      v1::ListOrganizationsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateOrganization(
      grpc::CallbackServerContext* context,
      const v1::UpdateOrganizationRequest* request,
      v1::Organization* response) override;
  grpc::ServerUnaryReactor* DeleteOrganization(
      grpc::CallbackServerContext* context,
      const v1::DeleteOrganizationRequest* request,
      v1::Organization* response) override;
  grpc::ServerUnaryReactor* CreateToken(
      grpc::CallbackServerContext* context,
      const v1::CreateTokenRequest* request,
      v1::CreateTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListTokens(
      grpc::CallbackServerContext* context,
      const v1::ListTokensRequest* request,
      v1::ListTokensResponse* response) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* context,
                                        const v1::RevokeTokenRequest* request,
                                        v1::Token* response) override;
  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context,
      const v1::ListAuditEventsRequest* request,
      v1::ListAuditEventsResponse* response) override;

 private:
  TokenRegistry* const registry_;
  GraphStore* const store_;
  const RequestGuard* const guard_;
};

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_ADMIN_SERVICE_H_
