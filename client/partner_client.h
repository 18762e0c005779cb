// PartnerClient is the CLI's view of a citymatch server: one method per RPC
// it uses, each returning absl::Status(Or) instead of grpc::Status, with the
// bearer token and the deadline added to every call.
//
// A failed call keeps what the server said: the code, the message and, when
// the server attached a google.rpc.BadRequest, its field violations (read
// them back with FieldViolations()). So an import with bad rows can name each
// row without the caller touching gRPC types.
//
// Thread-safe: the generated stubs are, and a PartnerClient holds no other
// mutable state than an atomic flag; calls may be made from several threads
// at once.
#ifndef CITYMATCH_CLIENT_PARTNER_CLIENT_H_
#define CITYMATCH_CLIENT_PARTNER_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "citymatch/v1/admin.grpc.pb.h"
#include "citymatch/v1/catalog.grpc.pb.h"
#include "citymatch/v1/matching.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace citymatch {

struct ClientOptions {
  // host:port of the gRPC API.
  std::string server = "127.0.0.1:50051";
  // Sent as "authorization: Bearer <token>" on every call; empty: none.
  std::string token;
  // PEM file of the root CA that signed the server's certificate. Empty means
  // plaintext; set, the channel uses TLS and trusts only this CA.
  std::string ca_cert_file;
  // PEM files of the certificate this client presents and of its private key
  // (unencrypted), for a server that requires client certificates (mutual
  // TLS). Both or neither, and only with `ca_cert_file`.
  std::string client_cert_file;
  std::string client_key_file;
  // Deadline of each call; zero: none.
  absl::Duration timeout = absl::Seconds(60);
  // Deadline of an import or an export, each one call that may move up to
  // 256 MiB; zero: none.
  absl::Duration transfer_timeout = absl::Minutes(10);
};

// One row the server rejected: the request field (or "file:line" for an
// import) and why.
struct FieldViolation {
  std::string field;
  std::string description;
};

// The largest chunk ImportDataset sends in one message. Well under the
// server's message size limit, and small enough that progress shows.
inline constexpr int64_t kImportChunkBytes = 1 << 20;

class PartnerClient {
 public:
  // Connects lazily: creating a client never fails because the server is
  // down; the first call does. NotFound / PermissionDenied if
  // `options.ca_cert_file`, `client_cert_file` or `client_key_file` cannot
  // be read; InvalidArgument, naming the file, if one holds no PEM
  // certificate (or key), if the key is not the certificate's, or if the
  // client files are given without the CA or one without the other.
  static absl::StatusOr<std::unique_ptr<PartnerClient>> Create(
      const ClientOptions& options);

  // Uses `channel` as it is (e.g. an in-process channel in tests); only
  // `options.token` and `options.timeout` are read.
  PartnerClient(std::shared_ptr<grpc::ChannelInterface> channel,
                const ClientOptions& options);

  // Every call below returns the server's status on failure, with its field
  // violations attached (see FieldViolations()). UNAVAILABLE when the server
  // cannot be reached; DEADLINE_EXCEEDED when it did not answer in time.
  // A unary call refused by the server's rate limit (RESOURCE_EXHAUSTED with
  // a RetryInfo) is sent again after the delay the server asks for, a few
  // times, within the same deadline.
  absl::StatusOr<v1::City> GetCity(const std::string& name) const;
  absl::StatusOr<v1::ListCitiesResponse> ListCities(
      const v1::ListCitiesRequest& request) const;
  absl::StatusOr<v1::City> CreateCity(
      const v1::CreateCityRequest& request) const;
  absl::StatusOr<v1::City> UpdateCity(
      const v1::UpdateCityRequest& request) const;
  absl::StatusOr<v1::DeleteResponse> DeleteCity(const std::string& name) const;

  absl::StatusOr<v1::Practice> GetPractice(const std::string& name) const;
  absl::StatusOr<v1::ListPracticesResponse> ListPractices(
      const v1::ListPracticesRequest& request) const;
  absl::StatusOr<v1::Practice> CreatePractice(
      const v1::CreatePracticeRequest& request) const;
  absl::StatusOr<v1::Practice> UpdatePractice(
      const v1::UpdatePracticeRequest& request) const;
  absl::StatusOr<v1::DeleteResponse> DeletePractice(
      const std::string& name) const;

  absl::StatusOr<v1::Project> GetProject(const std::string& name) const;
  absl::StatusOr<v1::ListProjectsResponse> ListProjects(
      const v1::ListProjectsRequest& request) const;
  absl::StatusOr<v1::Project> CreateProject(
      const v1::CreateProjectRequest& request) const;
  absl::StatusOr<v1::Project> UpdateProject(
      const v1::UpdateProjectRequest& request) const;
  absl::StatusOr<v1::DeleteResponse> DeleteProject(
      const std::string& name) const;

  absl::StatusOr<v1::ListThemesResponse> ListThemes() const;
  absl::StatusOr<v1::ListTwinningsResponse> ListTwinnings(
      const v1::ListTwinningsRequest& request) const;
  absl::StatusOr<v1::Twinning> CreateTwinning(
      const v1::Twinning& twinning) const;
  absl::StatusOr<v1::DeleteResponse> DeleteTwinning(
      const v1::Twinning& twinning) const;

  // Called after each chunk is handed to gRPC: the file, the bytes of it sent
  // so far, and its size.
  using ImportProgress = std::function<void(
      const std::string& file, int64_t sent_bytes, int64_t file_bytes)>;

  // Streams `files` (file name -> content) in chunks of at most
  // kImportChunkBytes. With `validate_only` the server only checks them.
  // INVALID_ARGUMENT with one violation per bad row ("file:line") if any row
  // is bad; then nothing was written. `progress` may be empty.
  absl::StatusOr<v1::ImportDatasetResponse> ImportDataset(
      const std::map<std::string, std::string>& files, bool validate_only,
      const ImportProgress& progress) const;

  // The whole graph in the interchange format: file name -> content.
  absl::StatusOr<std::map<std::string, std::string>> ExportDataset() const;

  absl::StatusOr<v1::RecommendPartnersResponse> RecommendPartners(
      const v1::RecommendPartnersRequest& request) const;

  // citymatch.v1.Admin: only an ADMIN token may call these; any other gets
  // PERMISSION_DENIED. CreateToken's reply is the only place the secret is
  // ever seen.
  absl::StatusOr<v1::Organization> CreateOrganization(
      const v1::CreateOrganizationRequest& request) const;
  absl::StatusOr<v1::ListOrganizationsResponse> ListOrganizations(
      const v1::ListOrganizationsRequest& request) const;
  absl::StatusOr<v1::Organization> UpdateOrganization(
      const v1::UpdateOrganizationRequest& request) const;
  // `name` is "organizations/{id}"; the reply is the deleted organisation.
  absl::StatusOr<v1::Organization> DeleteOrganization(
      const std::string& name) const;
  absl::StatusOr<v1::CreateTokenResponse> CreateToken(
      const v1::CreateTokenRequest& request) const;
  absl::StatusOr<v1::ListTokensResponse> ListTokens(
      const v1::ListTokensRequest& request) const;
  absl::StatusOr<v1::Token> RevokeToken(const std::string& name) const;
  absl::StatusOr<v1::ListAuditEventsResponse> ListAuditEvents(
      const v1::ListAuditEventsRequest& request) const;

  // True while the channel holds a working connection to the server. After
  // a call failed with UNAVAILABLE or DEADLINE_EXCEEDED, false means the
  // server was never reached (nothing listens, or it does not speak gRPC),
  // rather than that it answered with that error.
  bool Connected() const;

  // True if a call of this client got through to the server: one was
  // answered, or an import had data taken. Unlike Connected(), it stays true
  // once the connection breaks (the server stopped or was killed during the
  // call), which a failed handshake never allows.
  bool Reached() const;

  // The options this client was made with (TLS or not, a client
  // certificate or not), for hints about a failed connection.
  const ClientOptions& options() const { return options_; }

 private:
  // Now + `timeout`, or InfiniteFuture() for no deadline (zero).
  static absl::Time Deadline(absl::Duration timeout);
  // A context with `deadline` and the token set.
  std::unique_ptr<grpc::ClientContext> NewContext(absl::Time deadline) const;

  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      Stub* stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) const;

  const std::shared_ptr<grpc::ChannelInterface> channel_;
  std::unique_ptr<v1::Catalog::Stub> catalog_;
  std::unique_ptr<v1::Matching::Stub> matching_;
  std::unique_ptr<v1::Admin::Stub> admin_;
  const ClientOptions options_;
  // See Reached(). Set by const calls, so mutable.
  mutable std::atomic<bool> reached_{false};
};

// InvalidArgument, naming the flags and their variables, if only one of
// `options.client_cert_file` and `client_key_file` is set, or both without
// `ca_cert_file`: a usage error, found before any file is read.
absl::Status CheckClientCertificateOptions(const ClientOptions& options);

// The status as the CLI keeps it: code and message of `status`, and its
// google.rpc.BadRequest field violations (if any) as a payload.
absl::Status FromGrpcStatus(const grpc::Status& status);

// The field violations the server attached to `status`; empty if none.
std::vector<FieldViolation> FieldViolations(const absl::Status& status);

// For a RESOURCE_EXHAUSTED status with a google.rpc.RetryInfo, how long the
// server asked the client to wait; nullopt otherwise.
absl::optional<absl::Duration> RetryDelay(const absl::Status& status);

}  // namespace citymatch

#endif  // CITYMATCH_CLIENT_PARTNER_CLIENT_H_
