#include "client/partner_client.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/types/optional.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace citymatch {

namespace {

// The payload key under which a failed call keeps the server's BadRequest,
// the type URL it travels under in google.rpc.Status.details.
constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";
// Likewise for the RetryInfo of a RESOURCE_EXHAUSTED (rate limited) call.
constexpr char kRetryInfoUrl[] = "type.googleapis.com/google.rpc.RetryInfo";

// How often a rate-limited unary call is tried again before the error is
// reported; each retry waits what the server asked for.
constexpr int kMaxRetries = 5;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    const std::string message = absl::StrCat(
        "cannot read ", path,
        error != 0 ? absl::StrCat(": ", std::strerror(error)) : "");
    if (error == EACCES || error == EPERM) {
      return absl::PermissionDeniedError(message);
    }
    return absl::NotFoundError(message);
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

std::unique_ptr<X509, X509Deleter> PemCertificate(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ERR_clear_error();
  return std::unique_ptr<X509, X509Deleter>(cert);
}

std::unique_ptr<EVP_PKEY, KeyDeleter> PemPrivateKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  // No passphrase: an encrypted key must not make OpenSSL prompt for one on
  // the terminal; gRPC could not use it either.
  pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, no_passphrase, nullptr);
  BIO_free(bio);
  ERR_clear_error();
  return std::unique_ptr<EVP_PKEY, KeyDeleter>(key);
}

// The client certificate and key of `options`, checked, into `ssl`. gRPC
// would only log that it cannot use them, and every call would then fail as
// if no server answered.
absl::Status LoadClientCertificate(const ClientOptions& options,
                                   grpc::SslCredentialsOptions* ssl) {
  absl::StatusOr<std::string> cert_pem = ReadFile(options.client_cert_file);
  if (!cert_pem.ok()) return cert_pem.status();
  absl::StatusOr<std::string> key_pem = ReadFile(options.client_key_file);
  if (!key_pem.ok()) return key_pem.status();
  const auto cert = PemCertificate(*cert_pem);
  if (cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.client_cert_file,
        " holds no PEM certificate (-----BEGIN CERTIFICATE-----): "
        "--client_cert takes this client's certificate, signed by the CA "
        "the server trusts for clients (its --tls_client_ca)"));
  }
  const auto key = PemPrivateKey(*key_pem);
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.client_key_file,
        " holds no PEM private key without a passphrase: --client_key takes "
        "the unencrypted private key of the --client_cert certificate"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        options.client_key_file, " (--client_key) is not the private key of ",
        options.client_cert_file, " (--client_cert)"));
  }
  ssl->pem_cert_chain = *std::move(cert_pem);
  ssl->pem_private_key = *std::move(key_pem);
  return absl::OkStatus();
}

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  // The numeric codes of gRPC and Abseil are the same.
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
  google::rpc::Status details;
  if (status.error_details().empty() ||
      !details.ParseFromString(status.error_details())) {
    return result;
  }
  google::rpc::BadRequest merged;
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::BadRequest bad_request;
    google::rpc::RetryInfo retry;
    if (any.Is<google::rpc::BadRequest>() && any.UnpackTo(&bad_request)) {
      merged.MergeFrom(bad_request);
    } else if (any.Is<google::rpc::RetryInfo>() && any.UnpackTo(&retry)) {
      result.SetPayload(kRetryInfoUrl, absl::Cord(retry.SerializeAsString()));
    }
  }
  if (merged.field_violations_size() > 0) {
    result.SetPayload(kBadRequestUrl, absl::Cord(merged.SerializeAsString()));
  }
  return result;
}

std::vector<FieldViolation> FieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> violations;
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestUrl);
  google::rpc::BadRequest bad_request;
  if (!payload.has_value() ||
      !bad_request.ParseFromString(std::string(*payload))) {
    return violations;
  }
  for (const auto& v : bad_request.field_violations()) {
    violations.push_back({v.field(), v.description()});
  }
  return violations;
}

absl::optional<absl::Duration> RetryDelay(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kResourceExhausted) {
    return absl::nullopt;
  }
  absl::optional<absl::Cord> payload = status.GetPayload(kRetryInfoUrl);
  google::rpc::RetryInfo retry;
  if (!payload.has_value() || !retry.ParseFromString(std::string(*payload))) {
    return absl::nullopt;
  }
  return absl::Seconds(retry.retry_delay().seconds()) +
         absl::Nanoseconds(retry.retry_delay().nanos());
}

absl::Status CheckClientCertificateOptions(const ClientOptions& options) {
  const bool cert = !options.client_cert_file.empty();
  const bool key = !options.client_key_file.empty();
  if (cert != key) {
    return absl::InvalidArgumentError(absl::StrCat(
        cert ? "--client_cert (CITYMATCH_CLIENT_CERT)"
             : "--client_key (CITYMATCH_CLIENT_KEY)",
        " is given without ",
        cert ? "--client_key (CITYMATCH_CLIENT_KEY)"
             : "--client_cert (CITYMATCH_CLIENT_CERT)",
        ": a client certificate is presented with its private key; give "
        "both"));
  }
  if (cert && options.ca_cert_file.empty()) {
    return absl::InvalidArgumentError(
        "--client_cert and --client_key need --ca_cert (CITYMATCH_CA_CERT): "
        "a client certificate is only presented over TLS, which --ca_cert "
        "turns on");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<PartnerClient>> PartnerClient::Create(
    const ClientOptions& options) {
  if (absl::Status usage = CheckClientCertificateOptions(options);
      !usage.ok()) {
    return usage;
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.ca_cert_file.empty()) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    absl::StatusOr<std::string> pem = ReadFile(options.ca_cert_file);
    if (!pem.ok()) return pem.status();
    // gRPC would only log that it could not load a root certificate and
    // fail every call as if no server answered.
    if (!absl::StrContains(*pem, "-----BEGIN CERTIFICATE-----")) {
      return absl::InvalidArgumentError(absl::StrCat(
          options.ca_cert_file,
          " holds no PEM certificate (-----BEGIN CERTIFICATE-----): "
          "--ca_cert takes the certificate of the CA that signed the "
          "server's"));
    }
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = *std::move(pem);
    if (!options.client_cert_file.empty()) {
      absl::Status loaded = LoadClientCertificate(options, &ssl);
      if (!loaded.ok()) return loaded;
    }
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments arguments;
  // Exports of the whole graph come in chunks, but a chunk of a large file
  // may still exceed gRPC's 4 MiB default.
  arguments.SetMaxReceiveMessageSize(64 << 20);
  return std::make_unique<PartnerClient>(
      grpc::CreateCustomChannel(options.server, credentials, arguments),
      options);
}

PartnerClient::PartnerClient(std::shared_ptr<grpc::ChannelInterface> channel,
                             const ClientOptions& options)
    : channel_(channel),
      catalog_(v1::Catalog::NewStub(channel)),
      matching_(v1::Matching::NewStub(channel)),
      admin_(v1::Admin::NewStub(channel)),
      options_(options) {}

bool PartnerClient::Connected() const {
  return channel_->GetState(/*try_to_connect=*/false) == GRPC_CHANNEL_READY;
}

bool PartnerClient::Reached() const { return reached_ || Connected(); }

absl::Time PartnerClient::Deadline(absl::Duration timeout) {
  return timeout > absl::ZeroDuration() ? absl::Now() + timeout
                                        : absl::InfiniteFuture();
}

std::unique_ptr<grpc::ClientContext> PartnerClient::NewContext(
    absl::Time deadline) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (deadline != absl::InfiniteFuture()) {
    context->set_deadline(absl::ToChronoTime(deadline));
  }
  if (!options_.token.empty()) {
    context->AddMetadata("authorization",
                         absl::StrCat("Bearer ", options_.token));
  }
  return context;
}

template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> PartnerClient::Call(
    Stub* stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request) const {
  // One deadline for the call, retries included.
  const absl::Time deadline = Deadline(options_.timeout);
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<grpc::ClientContext> context = NewContext(deadline);
    Response response;
    grpc::Status status = (stub->*method)(context.get(), request, &response);
    if (status.ok()) {
      reached_ = true;
      return response;
    }
    absl::Status error = FromGrpcStatus(status);
    // Any other code is the server's answer.
    if (error.code() != absl::StatusCode::kUnavailable &&
        error.code() != absl::StatusCode::kDeadlineExceeded) {
      reached_ = true;
    }
    // A rate-limited call was refused before it ran, so even a write is safe
    // to send again. Paging through a large list (--all) relies on this.
    absl::optional<absl::Duration> delay = RetryDelay(error);
    if (!delay.has_value() || attempt == kMaxRetries ||
        absl::Now() + *delay >= deadline) {
      return error;
    }
    absl::SleepFor(*delay);
  }
}

absl::StatusOr<v1::City> PartnerClient::GetCity(const std::string& name) const {
  v1::GetCityRequest request;
  request.set_name(name);
  return Call(catalog_.get(), &v1::Catalog::Stub::GetCity, request);
}

absl::StatusOr<v1::ListCitiesResponse> PartnerClient::ListCities(
    const v1::ListCitiesRequest& request) const {
  return Call(catalog_.get(), &v1::Catalog::Stub::ListCities, request);
}

absl::StatusOr<v1::City> PartnerClient::CreateCity(
    const v1::CreateCityRequest& request) const {
  return Call(catalog_.get(), &v1::Catalog::Stub::CreateCity, request);
}

absl::StatusOr<v1::City> PartnerClient::UpdateCity(
    const v1::UpdateCityRequest& request) const {
  return Call(catalog_.get(), &v1::Catalog::Stub::UpdateCity, request);
}

absl::StatusOr<v1::DeleteResponse> PartnerClient::DeleteCity(
    const std::string& name) const {
  v1::DeleteCityRequest request;
  request.set_name(name);
  return Call(catalog_.get(), &v1::Catalog::Stub::DeleteCity, request);
}

absl::StatusOr<v1::Practice> PartnerClient::GetPractice(
    const std::string& name) const {
  v1::GetPracticeRequest request;
  request.set_name(name);
  return Call(catalog_.get(), &v1::Catalog::Stub::GetPractice, request);
}

absl::StatusOr<v1::ListPracticesResponse> PartnerClient::ListPractices(
    const v1::ListPracticesRequest& request) const {
  return Call(catalog_.get(), &v1::Catalog::Stub::ListPractices, request);
}

absl::StatusOr<v1::Practice> PartnerClient::CreatePractice(
    const v1::CreatePracticeRequest& request) const {
  return Call(catalog_.get(), &v1::Catalog::Stub::CreatePractice, request);
}

absl::StatusOr<v1::Practice> PartnerClient::UpdatePractice(
    const v1::UpdatePracticeRequest& request) const {
  return Call(catalog_.get(), &v1::Catalog::Stub::UpdatePractice, request);
}

absl::StatusOr<v1::DeleteResponse> PartnerClient::DeletePractice(
    const std::string& name) const {
  v1::DeletePracticeRequest request;
  request.set_name(name);
  return Call(catalog_.get(), &v1::Catalog::Stub::DeletePractice, request);
}

absl::StatusOr<v1::Project> PartnerClient::GetProject(
    const std::string& name) const {
  v1::GetProjectRequest request;
  request.set_name(name);
  return Call(catalog_.get(), &v1::Catalog::Stub::GetProject, request);
}

absl::StatusOr<v1::ListProjectsResponse> PartnerClient::ListProjects(
    const v1::ListProjectsRequest& request) const {
  return Call(catalog_.get(), &v1::Catalog::Stub::ListProjects, request);
}

absl::StatusOr<v1::Project> PartnerClient::CreateProject(
    const v1::CreateProjectRequest& request) const {
  return Call(catalog_.get(), &v1::Catalog::Stub::CreateProject, request);
}

absl::StatusOr<v1::Project> PartnerClient::UpdateProject(
    const v1::UpdateProjectRequest& request) const {
  return Call(catalog_.get(), &v1::Catalog::Stub::UpdateProject, request);
}

absl::StatusOr<v1::DeleteResponse> PartnerClient::DeleteProject(
    const std::string& name) const {
  v1::DeleteProjectRequest request;
  request.set_name(name);
  return Call(catalog_.get(), &v1::Catalog::Stub::DeleteProject, request);
}

absl::StatusOr<v1::ListThemesResponse> PartnerClient::ListThemes() const {
  return Call(catalog_.get(), &v1::Catalog::Stub::ListThemes,
              v1::ListThemesRequest());
}

absl::StatusOr<v1::ListTwinningsResponse> PartnerClient::ListTwinnings(
    const v1::ListTwinningsRequest& request) const {
  return Call(catalog_.get(), &v1::Catalog::Stub::ListTwinnings, request);
}

absl::StatusOr<v1::Twinning> PartnerClient::CreateTwinning(
    const v1::Twinning& twinning) const {
  v1::CreateTwinningRequest request;
  *request.mutable_twinning() = twinning;
  return Call(catalog_.get(), &v1::Catalog::Stub::CreateTwinning, request);
}

absl::StatusOr<v1::DeleteResponse> PartnerClient::DeleteTwinning(
    const v1::Twinning& twinning) const {
  v1::DeleteTwinningRequest request;
  *request.mutable_twinning() = twinning;
  return Call(catalog_.get(), &v1::Catalog::Stub::DeleteTwinning, request);
}

absl::StatusOr<v1::ImportDatasetResponse> PartnerClient::ImportDataset(
    const std::map<std::string, std::string>& files, bool validate_only,
    const ImportProgress& progress) const {
  std::unique_ptr<grpc::ClientContext> context =
      NewContext(Deadline(options_.transfer_timeout));
  v1::ImportDatasetResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportDatasetRequest>> writer =
      catalog_->ImportDataset(context.get(), &response);
  bool sending = true;
  for (const auto& [file, content] : files) {
    const int64_t size = static_cast<int64_t>(content.size());
    int64_t offset = 0;
    // An empty file still goes out as one chunk, so the server sees it.
    do {
      const int64_t length = std::min(kImportChunkBytes, size - offset);
      v1::ImportDatasetRequest request;
      request.set_validate_only(validate_only);
      request.mutable_chunk()->set_file(file);
      request.mutable_chunk()->set_data(content.substr(offset, length));
      // A failed write means the call is over (the server gave up early, or
      // the connection broke); Finish() below says why.
      sending = writer->Write(request);
      // A message is taken only over a connection that was made: a server
      // was there, whatever ends the call later.
      if (sending) reached_ = true;
      offset += length;
      if (sending && progress) progress(file, offset, size);
    } while (sending && offset < size);
    if (!sending) break;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<std::map<std::string, std::string>>
PartnerClient::ExportDataset() const {
  std::unique_ptr<grpc::ClientContext> context =
      NewContext(Deadline(options_.transfer_timeout));
  std::unique_ptr<grpc::ClientReader<v1::DatasetChunk>> reader =
      catalog_->ExportDataset(context.get(), v1::ExportDatasetRequest());
  std::map<std::string, std::string> files;
  v1::DatasetChunk chunk;
  while (reader->Read(&chunk)) {
    reached_ = true;
    files[chunk.file()].append(chunk.data());
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return files;
}

absl::StatusOr<v1::RecommendPartnersResponse> PartnerClient::RecommendPartners(
    const v1::RecommendPartnersRequest& request) const {
  return Call(matching_.get(), &v1::Matching::Stub::RecommendPartners, request);
}

absl::StatusOr<v1::Organization> PartnerClient::CreateOrganization(
    const v1::CreateOrganizationRequest& request) const {
  return Call(admin_.get(), &v1::Admin::Stub::CreateOrganization, request);
}

absl::StatusOr<v1::ListOrganizationsResponse> PartnerClient::ListOrganizations(
    const v1::ListOrganizationsRequest& request) const {
  return Call(admin_.get(), &v1::Admin::Stub::ListOrganizations, request);
}

absl::StatusOr<v1::Organization> PartnerClient::UpdateOrganization(
    const v1::UpdateOrganizationRequest& request) const {
  return Call(admin_.get(), &v1::Admin::Stub::UpdateOrganization, request);
}

absl::StatusOr<v1::Organization> PartnerClient::DeleteOrganization(
    const std::string& name) const {
  v1::DeleteOrganizationRequest request;
  request.set_name(name);
  return Call(admin_.get(), &v1::Admin::Stub::DeleteOrganization, request);
}

absl::StatusOr<v1::CreateTokenResponse> PartnerClient::CreateToken(
    const v1::CreateTokenRequest& request) const {
  return Call(admin_.get(), &v1::Admin::Stub::CreateToken, request);
}

absl::StatusOr<v1::ListTokensResponse> PartnerClient::ListTokens(
    const v1::ListTokensRequest& request) const {
  return Call(admin_.get(), &v1::Admin::Stub::ListTokens, request);
}

absl::StatusOr<v1::Token> PartnerClient::RevokeToken(
    const std::string& name) const {
  v1::RevokeTokenRequest request;
  request.set_name(name);
  return Call(admin_.get(), &v1::Admin::Stub::RevokeToken, request);
}

absl::StatusOr<v1::ListAuditEventsResponse> PartnerClient::ListAuditEvents(
    const v1::ListAuditEventsRequest& request) const {
  return Call(admin_.get(), &v1::Admin::Stub::ListAuditEvents, request);
}

}  // namespace citymatch
