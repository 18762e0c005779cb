#include "server/server.h"

#include "absl/strings/str_cat.h"
#include "graph/dataset_reader.h"
#include "graph/storage/sqlite_storage.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "spdlog/spdlog.h"

namespace citymatch {

namespace {

// Imports `dir` into an empty store, all or nothing.
absl::Status Seed(GraphStore* store, const std::string& dir) {
  absl::StatusOr<Dataset> data = ReadDataset(dir);
  if (!data.ok()) return data.status();
  Mutation mutation;
  mutation.put_cities = std::move(data->cities);
  mutation.put_projects = std::move(data->projects);
  mutation.put_practices = std::move(data->practices);
  mutation.put_twinnings = std::move(data->twinnings);
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> graph =
      store->Apply(mutation);
  if (!graph.ok()) return graph.status();
  spdlog::info("seeded the empty store from {}: {} cities, {} projects, {} "
               "practices, {} twinnings",
               dir, (*graph)->cities().size(), (*graph)->projects().size(),
               (*graph)->practices().size(), (*graph)->twinnings().size());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::BuildAndStart(
    const ServerOptions& options) {
  std::unique_ptr<Server> server(new Server());
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(options.data_dir);
  if (!storage.ok()) return storage.status();
  absl::StatusOr<std::unique_ptr<GraphStore>> store =
      GraphStore::Open(std::move(*storage));
  if (!store.ok()) return store.status();
  server->store_ = std::move(*store);
  const std::shared_ptr<const GraphSnapshot> graph = server->store_->Snapshot();
  if (!options.seed_dir.empty() && graph->version() == 0 &&
      graph->cities().empty()) {
    absl::Status status = Seed(server->store_.get(), options.seed_dir);
    if (!status.ok()) return status;
  }

  server->catalog_ =
      std::make_unique<CatalogService>(server->store_.get(), options.catalog);
  server->matching_ = std::make_unique<MatchingService>(server->store_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.grpc_addr,
                           grpc::InsecureServerCredentials(),
                           &server->grpc_port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.RegisterService(server->catalog_.get());
  builder.RegisterService(server->matching_.get());
  server->grpc_server_ = builder.BuildAndStart();
  if (server->grpc_server_ == nullptr || server->grpc_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.grpc_addr));
  }
  server->grpc_server_->GetHealthCheckService()->SetServingStatus(true);
  spdlog::info("citymatch-server serving gRPC on port {} (graph version {})",
               server->grpc_port_, server->store_->Snapshot()->version());
  return server;
}

Server::~Server() { Shutdown(absl::ZeroDuration()); }

std::shared_ptr<grpc::Channel> Server::InProcessChannel() {
  return grpc_server_->InProcessChannel(grpc::ChannelArguments());
}

void Server::Wait() { grpc_server_->Wait(); }

void Server::Shutdown(absl::Duration grace) {
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  spdlog::info("shutting down: draining calls for up to {} ms",
               absl::ToInt64Milliseconds(grace));
  grpc_server_->GetHealthCheckService()->SetServingStatus(false);
  grpc_server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  // Every call has finished, so nothing uses the store any more.
  store_.reset();
  spdlog::info("store closed");
}

}  // namespace citymatch
