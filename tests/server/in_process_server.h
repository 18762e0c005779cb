// Test support for service tests: a real citymatch::Server started in the
// test's own process on a temporary data directory, called through its
// in-process channel and the generated stubs, so that a test checks the
// whole path from request message to status code and details.
//
// Not thread-safe as an object (one test drives it); the server itself serves
// concurrent calls as in production.
#ifndef CITYMATCH_TESTS_SERVER_IN_PROCESS_SERVER_H_
#define CITYMATCH_TESTS_SERVER_IN_PROCESS_SERVER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "citymatch/v1/catalog.grpc.pb.h"
#include "citymatch/v1/matching.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "server/server.h"
#include "tests/testing/temp_dir.h"

namespace citymatch::testing {

class InProcessServer {
 public:
  // Starts a server on a fresh, empty data directory. If `seed_files` is not
  // empty they are written to a temporary folder that seeds the store, as
  // --seed_dir does. InvalidArgument etc. as Server::BuildAndStart.
  static absl::StatusOr<std::unique_ptr<InProcessServer>> Start(
      const std::map<std::string, std::string>& seed_files,
      CatalogOptions catalog = CatalogOptions());

  // Starts a server seeded from the data set folder `seed_dir` (for instance
  // ShippedDataDir()); "" starts with an empty store.
  static absl::StatusOr<std::unique_ptr<InProcessServer>> StartWithSeedDir(
      const std::string& seed_dir, CatalogOptions catalog = CatalogOptions());

  // Shuts the server down (letting calls in flight finish) and removes the
  // data directory.
  ~InProcessServer();

  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  // Shuts the server down and starts a new one on the same data directory
  // (without a seed), as a process restart would. The stubs are replaced;
  // pointers from catalog()/matching() taken before are invalid afterwards.
  absl::Status Restart();

  Server* server() { return server_.get(); }
  // The ADMIN token the server wrote on first start; the in-process channel
  // calls with it. A client on the real port must send it too.
  std::string AdminToken() const;
  const std::string& data_dir() const { return data_dir_.path(); }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  v1::Catalog::Stub* catalog() { return catalog_.get(); }
  v1::Matching::Stub* matching() { return matching_.get(); }

 private:
  InProcessServer(CatalogOptions catalog) : catalog_options_(catalog) {}
  absl::Status Boot(const std::string& seed_dir);

  const CatalogOptions catalog_options_;
  TempDir data_dir_;
  TempDir seed_dir_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Catalog::Stub> catalog_;
  std::unique_ptr<v1::Matching::Stub> matching_;
};

// One field violation of a google.rpc.BadRequest.
struct Violation {
  std::string field;
  std::string description;
};

// The field violations carried in `status.error_details()` (a serialized
// google.rpc.Status whose details hold a google.rpc.BadRequest). Empty if
// there are none or the details do not parse.
std::vector<Violation> FieldViolations(const grpc::Status& status);

// The fields named by FieldViolations(status), in order.
std::vector<std::string> ViolatedFields(const grpc::Status& status);

// Streams `files` to Catalog.ImportDataset in chunks of at most
// `chunk_bytes`, in the order of the map.
grpc::Status ImportFiles(v1::Catalog::Stub* catalog,
                         const std::map<std::string, std::string>& files,
                         v1::ImportDatasetResponse* response,
                         bool validate_only = false, size_t chunk_bytes = 64
                                                                << 10);

// Reads a whole Catalog.ExportDataset stream back into files.
grpc::Status ExportFiles(v1::Catalog::Stub* catalog,
                         std::map<std::string, std::string>* files);

// Every city of ListCities (country filter optional), page by page with
// `page_size`; fails the status if any call fails. `pages` counts the calls.
grpc::Status ListAllCities(v1::Catalog::Stub* catalog, int page_size,
                           const std::string& country_code,
                           std::vector<v1::City>* cities, int* pages);

// Every project of ListProjects with the given filters.
grpc::Status ListAllProjects(v1::Catalog::Stub* catalog,
                             const std::string& city, const std::string& theme,
                             std::vector<v1::Project>* projects);

// The graph version the server currently serves, as a validate-only import
// of an empty twinnings file reports it.
absl::StatusOr<int64_t> GraphVersion(v1::Catalog::Stub* catalog);

// The status of the standard grpc.health.v1.Health/Check for `service`
// ("" = the whole server): 1 SERVING, 2 NOT_SERVING, or an error. Called as a
// generic call with hand-encoded messages, as the health proto is not part of
// the API's protos.
absl::StatusOr<int> HealthCheck(grpc::Channel* channel,
                                const std::string& service);

}  // namespace citymatch::testing

#endif  // CITYMATCH_TESTS_SERVER_IN_PROCESS_SERVER_H_
