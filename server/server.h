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
#include "graph/storage/data_dir_lock.h"
#include "graph/storage/sqlite_admin_storage.h"
#include "grpcpp/grpcpp.h"
#include "server/admin_service.h"
#include "server/audit_log.h"
#include "server/catalog_service.h"
#include "server/matching_service.h"
#include "server/rate_limiter.h"
#include "server/request_guard.h"
#include "server/token_registry.h"

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
  // PEM files. With cert and key the server speaks TLS only; with a client
  // CA as well it requires and verifies client certificates (mTLS).
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  // On Shutdown, how long the server keeps serving while health checks
  // already answer NOT_SERVING, so that load balancers stop sending calls
  // before the listener closes. Taken out of the shutdown grace.
  absl::Duration drain_notice = absl::Seconds(1);
  // Per-token rate limit: steady calls per second and burst; qps <= 0 means
  // no limit.
  double rate_limit_qps = 100;
  double rate_limit_burst = 200;
  // At start, create another ADMIN token and write it to
  // `<data_dir>/admin.token` (NewAdminToken), for an operator who has none
  // left. In a new store the first token written there is enough.
  bool new_admin_token = false;
  CatalogOptions catalog;
};

class Server {
 public:
  // Opens the stores and starts serving. On first start (no token yet), or
  // with `new_admin_token`, it writes an ADMIN token to
  // `<data_dir>/admin.token`. Unavailable if the address cannot be bound,
  // or, naming the audit log, if that token's creation cannot be audited
  // (no token is then made); the stores' errors (DataLoss, ...) as they
  // are; InvalidArgument if the seed data set has bad rows or a TLS file
  // cannot be read.
  static absl::StatusOr<std::unique_ptr<Server>> BuildAndStart(
      const ServerOptions& options);

  ~Server();

  // The bound gRPC port.
  int grpc_port() const { return grpc_port_; }

  // A channel to this server that bypasses the network, for tests and
  // tools in the same process. It calls as the ADMIN of
  // `<data_dir>/admin.token`: whoever runs in this process can read that
  // file anyway.
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // The same, calling with `token` ("": with no token at all).
  std::shared_ptr<grpc::Channel> InProcessChannel(const std::string& token);

  GraphStore* store() { return store_.get(); }
  TokenRegistry* tokens() { return registry_.get(); }

  // Blocks until Shutdown() has completed.
  void Wait();

  // Reports NOT_SERVING to health checks while still serving for the drain
  // notice, then stops accepting calls, lets calls in flight finish until
  // `grace` has passed in all (then cancels them) and closes the stores.
  // Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  Server() = default;

  // Declared first: destroyed last, once the stores are closed.
  std::unique_ptr<DataDirLock> lock_;
  std::unique_ptr<GraphStore> store_;
  std::unique_ptr<SqliteAdminStorage> admin_storage_;
  std::unique_ptr<TokenRegistry> registry_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<RequestGuard> guard_;
  std::unique_ptr<CatalogService> catalog_;
  std::unique_ptr<MatchingService> matching_;
  std::unique_ptr<AdminService> admin_;
  std::unique_ptr<grpc::Server> grpc_server_;
  int grpc_port_ = 0;
  std::string admin_token_path_;
  absl::Duration drain_notice_;
  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_SERVER_H_
