// CatalogService implements citymatch.v1.Catalog: a thin adapter that
// validates requests, converts proto <-> domain and calls GraphStore. It
// keeps no domain state (as TF Serving's services over ServerCore).
//
// Thread-safe: handlers run concurrently on gRPC's callback threads.
#ifndef CITYMATCH_SERVER_CATALOG_SERVICE_H_
#define CITYMATCH_SERVER_CATALOG_SERVICE_H_

#include <cstdint>

#include "citymatch/v1/catalog.grpc.pb.h"
#include "graph/graph_store.h"
#include "server/dataset_transfer.h"
#include "server/request_guard.h"
#include "server/token_registry.h"

namespace citymatch {

struct CatalogOptions {
  int default_page_size = 50;
  int max_page_size = 1000;
  // An import larger than this many bytes in all is refused.
  int64_t max_import_bytes = 256ll << 20;
  // ExportDataset sends files in chunks of at most this many bytes.
  int export_chunk_bytes = 1 << 20;
  // Exports sent at once, per token and in all; more are refused with
  // RESOURCE_EXHAUSTED until one is done. Each export holds the whole data
  // set as text until its client has read it.
  int max_exports_per_token = 2;
  int max_exports = 8;
};

class CatalogService final : public v1::Catalog::CallbackService {
 public:
  // `store`, `registry` (whose organisations a deleted city leaves, and
  // which says whether an owner exists) and `guard` must outlive the
  // service.
  CatalogService(GraphStore* store, TokenRegistry* registry,
                 const RequestGuard* guard, CatalogOptions options);

  grpc::ServerUnaryReactor* GetCity(grpc::CallbackServerContext* context,
                                    const v1::GetCityRequest* request,
                                    v1::City* response) override;
  grpc::ServerUnaryReactor* ListCities(
      grpc::CallbackServerContext* context,
      const v1::ListCitiesRequest* request,
      v1::ListCitiesResponse* response) override;
  grpc::ServerUnaryReactor* CreateCity(grpc::CallbackServerContext* context,
                                       const v1::CreateCityRequest* request,
                                       v1::City* response) override;
  grpc::ServerUnaryReactor* UpdateCity(grpc::CallbackServerContext* context,
                                       const v1::UpdateCityRequest* request,
                                       v1::City* response) override;
  grpc::ServerUnaryReactor* DeleteCity(grpc::CallbackServerContext* context,
                                       const v1::DeleteCityRequest* request,
                                       v1::DeleteResponse* response) override;

  grpc::ServerUnaryReactor* GetProject(grpc::CallbackServerContext* context,
                                       const v1::GetProjectRequest* request,
                                       v1::Project* response) override;
  grpc::ServerUnaryReactor* ListProjects(
      grpc::CallbackServerContext* context,
      const v1::ListProjectsRequest* request,
      v1::ListProjectsResponse* response) override;
  grpc::ServerUnaryReactor* CreateProject(
      grpc::CallbackServerContext* context,
      const v1::CreateProjectRequest* request, v1::Project* response) override;
  grpc::ServerUnaryReactor* UpdateProject(
      grpc::CallbackServerContext* context,
      const v1::UpdateProjectRequest* request, v1::Project* response) override;
  grpc::ServerUnaryReactor* DeleteProject(
      grpc::CallbackServerContext* context,
      const v1::DeleteProjectRequest* request,
      v1::DeleteResponse* response) override;

  grpc::ServerUnaryReactor* GetPractice(grpc::CallbackServerContext* context,
                                        const v1::GetPracticeRequest* request,
                                        v1::Practice* response) override;
  grpc::ServerUnaryReactor* ListPractices(
      grpc::CallbackServerContext* context,
      const v1::ListPracticesRequest* request,
      v1::ListPracticesResponse* response) override;
  grpc::ServerUnaryReactor* CreatePractice(
      grpc::CallbackServerContext* context,
      const v1::CreatePracticeRequest* request,
      v1::Practice* response) override;
  grpc::ServerUnaryReactor* UpdatePractice(
      grpc::CallbackServerContext* context,
      const v1::UpdatePracticeRequest* request,
      v1::Practice* response) override;
  grpc::ServerUnaryReactor* DeletePractice(
      grpc::CallbackServerContext* context,
      const v1::DeletePracticeRequest* request,
      v1::DeleteResponse* response) override;

  grpc::ServerUnaryReactor* ListThemes(
      grpc::CallbackServerContext* context,
      const v1::ListThemesRequest* request,
      v1::ListThemesResponse* response) override;

  grpc::ServerUnaryReactor* ListTwinnings(
      grpc::CallbackServerContext* context,
      const v1::ListTwinningsRequest* request,
      v1::ListTwinningsResponse* response) override;
  grpc::ServerUnaryReactor* CreateTwinning(
      grpc::CallbackServerContext* context,
      const v1::CreateTwinningRequest* request,
      v1::Twinning* response) override;
  grpc::ServerUnaryReactor* DeleteTwinning(
      grpc::CallbackServerContext* context,
      const v1::DeleteTwinningRequest* request,
      v1::DeleteResponse* response) override;

  grpc::ServerReadReactor<v1::ImportDatasetRequest>* ImportDataset(
      grpc::CallbackServerContext* context,
      v1::ImportDatasetResponse* response) override;
  grpc::ServerWriteReactor<v1::DatasetChunk>* ExportDataset(
      grpc::CallbackServerContext* context,
      const v1::ExportDatasetRequest* request) override;

 private:
  GraphStore* const store_;
  TokenRegistry* const registry_;
  const RequestGuard* const guard_;
  const CatalogOptions options_;
  ExportSlots export_slots_;
};

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_CATALOG_SERVICE_H_
