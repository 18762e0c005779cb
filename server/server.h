// Server runs citymatch: it opens the store, builds the gRPC server with the
// Catalog and Matching services, health checking and reflection, and shuts
// all of it down in order.
//
// Thread-safe: Shutdown() may be called from any thread (e.g. a signal
// watcher) while another thread is in Wait().
#ifndef CITYMATCH_SERVER_SERVER_H_
#define CITYMATCH_SERVER_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "graph/graph_store.h"
#include "grpcpp/grpcpp.h"
#include "server/catalog_service.h"
#include "server/matching_service.h"

namespace citymatch {

struct ServerOptions {
  // Where the SQLite store lives; created if missing.
  std::string data_dir = "var";
  // gRPC listening address; port 0 picks a free port (see grpc_port()).
  std::string grpc_addr = "127.0.0.1:50051";
  // If set and the store is empty at start, this data set folder is imported.
  std::string seed_dir;
  // Largest request message accepted, in bytes (imports come in chunks).
  int max_message_bytes = 4 << 20;
  CatalogOptions catalog;
};

class Server {
 public:
  // Opens the store and starts serving. Unavailable if the address cannot be
  // bound; the store's errors (DataLoss, ...) as they are; InvalidArgument if
  // the seed data set has bad rows.
  static absl::StatusOr<std::unique_ptr<Server>> BuildAndStart(
      const ServerOptions& options);

  ~Server();

  // The bound gRPC port.
  int grpc_port() const { return grpc_port_; }

  // A channel to this server that bypasses the network, for tests.
  std::shared_ptr<grpc::Channel> InProcessChannel();

  GraphStore* store() { return store_.get(); }

  // Blocks until Shutdown() has completed.
  void Wait();

  // Reports NOT_SERVING to health checks, stops accepting calls, lets calls
  // in flight finish until `grace` has passed (then cancels them) and closes
  // the store. Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  Server() = default;

  std::unique_ptr<GraphStore> store_;
  std::unique_ptr<CatalogService> catalog_;
  std::unique_ptr<MatchingService> matching_;
  std::unique_ptr<grpc::Server> grpc_server_;
  int grpc_port_ = 0;
  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_SERVER_H_
