// Test support for the security tests: a real citymatch::Server in the
// process, seeded with the sample data set, with helpers to create
// organisations and tokens through citymatch.v1.Admin as the bootstrap
// admin, and to call as any token over the in-process channel. Also small
// helpers shared with the process tests: reading files as raw bytes,
// forging tokens, deadlines and the health check.
//
// Not thread-safe as an object (one test drives it); the server serves
// concurrent calls as in production.
#ifndef CITYMATCH_TESTS_SECURITY_SECURITY_TESTING_H_
#define CITYMATCH_TESTS_SECURITY_SECURITY_TESTING_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "citymatch/v1/admin.grpc.pb.h"
#include "citymatch/v1/catalog.grpc.pb.h"
#include "citymatch/v1/matching.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "server/server.h"
#include "tests/testing/temp_dir.h"

struct sqlite3;

namespace citymatch::testing {

// A token as Admin.CreateToken returned it.
struct IssuedToken {
  std::string name;   // "tokens/{id}"
  std::string token;  // "cm_<id>_<secret>", the whole bearer token
};

// The secret part of "cm_<id>_<secret>"; "" if `token` is not of that form.
std::string SecretOf(const std::string& token);

// A well-formed token with the id of `token` and a different random secret:
// what someone who learnt a token's id (from a log, an audit event or
// ListTokens) could send.
std::string ForgeToken(const std::string& token);

// Sets a deadline `timeout` from now, so that a failing test never hangs.
void SetDeadline(grpc::ClientContext* context,
                 absl::Duration timeout = absl::Seconds(10));

// The raw bytes of `path`; "" if it cannot be read.
std::string ReadFileBytes(const std::string& path);

// Every regular file under `dir` (recursively) with its raw bytes, keyed by
// path.
std::map<std::string, std::string> ReadTree(const std::string& dir);

// grpc.health.v1.Health/Check of the whole server (testing::HealthCheck of
// in_process_server.h, as a grpc::Status; no token is sent unless the
// channel adds one). On OK, *serving is the ServingStatus (1 = SERVING).
grpc::Status HealthCheck(grpc::Channel* channel, int* serving);

// The services listed by server reflection
// (grpc.reflection.v1alpha.ServerReflection, list_services), as a generic
// streaming call with hand-encoded messages; no token is sent unless the
// channel adds one.
grpc::Status ListServicesByReflection(grpc::Channel* channel,
                                      std::vector<std::string>* services);

// The SQLite database `file` ("admin.db") of the data directory `data_dir`,
// opened beside a server's own connection, as another process could open it
// (busy timeout 5 s): to hold its write lock, or make its writes fail.
// Close it with sqlite3_close.
sqlite3* OpenStoreFile(const std::string& data_dir, const char* file);

// The code name of `code`: "OK", "PERMISSION_DENIED", ...
std::string CodeName(grpc::StatusCode code);

// A valid project (URBACT, led by cities/milano) owned by
// organizations/`org` ("": none, reference data).
v1::Project ProjectOwnedBy(const std::string& org);

// While alive, sends this process's stderr (fd 2) to a file; restores it on
// destruction. The server child inherits fd 2 as its stderr, and
// ServerProcess copies the child's stdout to our fd 2, so the file gets
// everything the server prints.
class StderrToFile {
 public:
  explicit StderrToFile(const std::string& path);
  ~StderrToFile() { Restore(); }
  StderrToFile(const StderrToFile&) = delete;
  StderrToFile& operator=(const StderrToFile&) = delete;

  bool ok() const { return ok_; }
  void Restore();

 private:
  int saved_ = -1;
  bool ok_ = false;
};

class SecuredServer {
 public:
  // Starts a server seeded with SampleFiles() on a fresh data directory.
  // `options.data_dir`, `grpc_addr` and `seed_dir` are set here.
  static absl::StatusOr<std::unique_ptr<SecuredServer>> Start(
      ServerOptions options = ServerOptions());

  ~SecuredServer();
  SecuredServer(const SecuredServer&) = delete;
  SecuredServer& operator=(const SecuredServer&) = delete;

  Server* server() { return server_.get(); }
  const std::string& data_dir() const { return data_dir_.path(); }

  // The bootstrap admin's token, as written to <data_dir>/admin.token.
  std::string AdminToken() const;

  // An in-process channel calling with `token` ("": no token at all).
  std::shared_ptr<grpc::Channel> Channel(const std::string& token);

  // Stubs calling as the bootstrap admin.
  v1::Admin::Stub* admin() { return admin_.get(); }
  v1::Catalog::Stub* catalog() { return catalog_.get(); }

  // Admin calls as the bootstrap admin.
  grpc::Status CreateOrganization(const std::string& id,
                                  const std::vector<std::string>& city_ids);
  absl::StatusOr<IssuedToken> CreateToken(v1::TokenRole role,
                                          const std::string& organization_id,
                                          const std::string& display_name);
  grpc::Status RevokeToken(const std::string& name);
  // The whole audit log, newest first, read page by page.
  absl::StatusOr<std::vector<v1::AuditEvent>> AuditEvents();

  // Shuts the server down and starts it again on the same data directory,
  // as a process restart would. Channels and stubs taken before are dead.
  absl::Status Restart();
  // Shuts the server down (closing its stores).
  void Shutdown();

 private:
  explicit SecuredServer(ServerOptions options) : options_(std::move(options)) {}
  absl::Status Boot();

  ServerOptions options_;
  TempDir data_dir_;
  TempDir seed_dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::Admin::Stub> admin_;
  std::unique_ptr<v1::Catalog::Stub> catalog_;
};

}  // namespace citymatch::testing

#endif  // CITYMATCH_TESTS_SECURITY_SECURITY_TESTING_H_
