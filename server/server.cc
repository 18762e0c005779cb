#include "server/server.h"

#include <netdb.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "graph/dataset_reader.h"
#include "graph/storage/sqlite_storage.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "server/bearer_interceptor.h"
#include "spdlog/spdlog.h"

namespace citymatch {

namespace {

// Why nothing can listen on `address` ("host:port", "[v6]:port"). gRPC
// keeps the reason to its own log, so this binds a socket there and
// reports what the kernel says; best effort, as things may have changed
// since gRPC tried.
std::string WhyCannotListen(const std::string& address) {
  constexpr char kLikely[] =
      "the address is probably in use by another process, or not permitted";
  if (absl::StartsWith(address, "unix:")) return kLikely;
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return "it is not HOST:PORT (e.g. 127.0.0.1:50051)";
  }
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints,
                    &found) != 0) {
    return absl::StrCat("cannot resolve \"", host, "\"");
  }
  int error = 0;
  for (addrinfo* a = found; a != nullptr && error == 0; a = a->ai_next) {
    const int fd =
        ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    // As gRPC does, so a port in TIME_WAIT does not count as in use.
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0) error = errno;
    ::close(fd);
  }
  ::freeaddrinfo(found);
  switch (error) {
    case EADDRINUSE:
      return "the address is already in use (another citymatch-server?)";
    case EACCES:
      return "not permitted (ports below 1024 need privileges)";
    case EADDRNOTAVAIL:
      return "not an address of this machine";
    case 0:
      return kLikely;
    default:
      return std::strerror(error);
  }
}

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
  spdlog::info(
      "seeded the empty store from {}: {} cities, {} projects, {} "
      "practices, {} twinnings",
      dir, (*graph)->cities().size(), (*graph)->projects().size(),
      (*graph)->practices().size(), (*graph)->twinnings().size());
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  // Said with why, as the operator must fix it.
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", path, ": it is a directory, not a file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {  // no such file, no permission
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
  }
  return std::move(content).str();
}

// `time` as OpenSSL prints it ("Jan  2 00:00:00 2020 GMT").
std::string AsnTime(const ASN1_TIME* time) {
  BIO* bio = BIO_new(BIO_s_mem());
  ASN1_TIME_print(bio, time);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string text(data, size > 0 ? static_cast<size_t>(size) : 0);
  BIO_free(bio);
  return text;
}

// gRPC refuses a certificate and key that do not belong together only when
// the listener is built, and then says no more than that it cannot listen:
// each file is checked here, and named.
absl::Status CheckTlsFiles(const ServerOptions& options,
                           const std::string& cert_pem,
                           const std::string& key_pem,
                           const std::string& client_ca_pem) {
  auto read_cert = [](const std::string& pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return cert;
  };
  absl::Status status = absl::OkStatus();
  X509* cert = read_cert(cert_pem);
  BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  // No passphrase: an encrypted key must not make OpenSSL prompt for one.
  pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, no_passphrase, nullptr);
  BIO_free(bio);
  if (cert == nullptr) {
    status = absl::InvalidArgumentError(absl::StrCat(
        "--tls_cert=", options.tls_cert, " holds no PEM certificate"));
  } else if (key == nullptr) {
    status = absl::InvalidArgumentError(absl::StrCat(
        "--tls_key=", options.tls_key,
        " holds no PEM private key (without a passphrase)"));
  } else if (X509_check_private_key(cert, key) != 1) {
    status = absl::InvalidArgumentError(absl::StrCat(
        "--tls_key=", options.tls_key, " is not the private key of ",
        "--tls_cert=", options.tls_cert));
  } else if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
    // Every client would fail its handshake with "certificate verify
    // failed", which names neither the file nor the date.
    status = absl::InvalidArgumentError(absl::StrCat(
        "--tls_cert=", options.tls_cert, " expired on ",
        AsnTime(X509_get0_notAfter(cert)), ": clients refuse it; renew it"));
  } else if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
    status = absl::InvalidArgumentError(
        absl::StrCat("--tls_cert=", options.tls_cert, " is not valid before ",
                     AsnTime(X509_get0_notBefore(cert)),
                     ": clients refuse it until then (is the clock right?)"));
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  if (status.ok() && !options.tls_client_ca.empty()) {
    X509* ca = read_cert(client_ca_pem);
    if (ca == nullptr) {
      status = absl::InvalidArgumentError(absl::StrCat(
          "--tls_client_ca=", options.tls_client_ca,
          " holds no PEM certificate"));
    }
    X509_free(ca);
  }
  ERR_clear_error();
  return status;
}

// Plaintext without TLS files; TLS with them; mTLS with a client CA too.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& options) {
  if (options.tls_cert.empty() && options.tls_key.empty()) {
    if (!options.tls_client_ca.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca needs --tls_cert and --tls_key");
    }
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert.empty() || options.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs both --tls_cert and --tls_key");
  }
  absl::StatusOr<std::string> cert = ReadFile(options.tls_cert);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(options.tls_key);
  if (!key.ok()) return key.status();
  std::string client_ca;
  if (!options.tls_client_ca.empty()) {
    absl::StatusOr<std::string> ca = ReadFile(options.tls_client_ca);
    if (!ca.ok()) return ca.status();
    client_ca = *std::move(ca);
  }
  if (absl::Status files = CheckTlsFiles(options, *cert, *key, client_ca);
      !files.ok()) {
    return files;
  }
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!options.tls_client_ca.empty()) {
    ssl.pem_root_certs = client_ca;
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

// --new_admin_token: a new ADMIN token in <data_dir>/admin.token, audited
// under the method "NewAdminToken".
absl::Status WriteNewAdminToken(TokenRegistry* registry, AuditLog* audit,
                                const std::string& data_dir) {
  absl::StatusOr<NewAdminTokenResult> created =
      NewAdminToken(registry, audit, data_dir);
  if (!created.ok()) return created.status();
  const std::string name = absl::StrCat("tokens/", created->record.id);
  std::string before;
  if (created->replaced && created->replaced_token_id.empty()) {
    before = "; the token it held before did not work on this store";
  } else if (created->replaced) {
    before = absl::StrCat(
        "; tokens/", created->replaced_token_id,
        ", which it held before, stays valid until revoked (citymatch tokens "
        "revoke tokens/",
        created->replaced_token_id, ")");
  }
  spdlog::warn(
      "--new_admin_token: created ADMIN token {} and wrote it to {}{}. Every "
      "start with --new_admin_token creates another: leave the flag out "
      "from now on",
      name, created->path, before);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::BuildAndStart(
    const ServerOptions& options) {
  std::unique_ptr<Server> server(new Server());
  // gRPC reads an address without a port as port 443 and listens there
  // without a word ("localhost" for "localhost:50051").
  if (!absl::StartsWith(options.grpc_addr, "unix:")) {
    const size_t colon = options.grpc_addr.rfind(':');
    const std::string port =
        colon == std::string::npos ? "" : options.grpc_addr.substr(colon + 1);
    if (port.empty() ||
        !std::all_of(port.begin(), port.end(), absl::ascii_isdigit)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--grpc_addr=", options.grpc_addr,
                       " is not HOST:PORT (e.g. 127.0.0.1:50051)"));
    }
  }
  // Checked first: a bad TLS file must not leave a new store behind, with
  // an admin token and the seed, as if the server had started.
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      Credentials(options);
  if (!credentials.ok()) return credentials.status();
  absl::StatusOr<std::unique_ptr<DataDirLock>> lock =
      DataDirLock::Acquire(options.data_dir);
  if (!lock.ok()) return lock.status();
  server->lock_ = std::move(*lock);
  // Half a store (the graph copied without the admin store beside it)
  // would start with a new admin token and none of the organisations,
  // tokens and audit log: refused rather than silently lost.
  {
    std::error_code error;
    const std::filesystem::path dir(options.data_dir);
    if (std::filesystem::exists(dir / SqliteStorage::kFileName, error) &&
        !std::filesystem::exists(dir / SqliteAdminStorage::kFileName, error)) {
      return absl::FailedPreconditionError(absl::StrCat(
          options.data_dir, " holds ", SqliteStorage::kFileName, " but not ",
          SqliteAdminStorage::kFileName,
          " (organisations, tokens, audit log): a store copied in part? "
          "Copy both, or take a copy with --backup_to"));
    }
  }
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(options.data_dir);
  if (!storage.ok()) return storage.status();
  // A store restored from a backup would give out again the versions its
  // original gave out after the backup, for other data. Every version a
  // store gives out is at most the microseconds since 1970 when it does: a
  // new store counts from 0, a restored one from the time of its first
  // start, and a commit (an fsync) takes longer than a microsecond. So the
  // first start on a copy goes on from the time of that start.
  absl::StatusOr<int64_t> advanced =
      (*storage)->AdvanceBackupCopy(absl::ToUnixMicros(absl::Now()));
  if (!advanced.ok()) return advanced.status();
  if (*advanced != 0) {
    spdlog::info(
        "first start on a backup copy: graph version {} from now on, past "
        "every version the store it was copied from has given out",
        *advanced);
  }
  absl::StatusOr<std::unique_ptr<GraphStore>> store =
      GraphStore::Open(std::move(*storage));
  if (!store.ok()) return store.status();
  server->store_ = std::move(*store);
  // The admin store is made before the seed is read: a seed refused for a
  // bad row then leaves both stores, empty, and the corrected seed starts
  // on them, where the graph alone would look like a store copied in part.
  absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> admin_storage =
      SqliteAdminStorage::Open(options.data_dir);
  if (!admin_storage.ok()) return admin_storage.status();
  server->admin_storage_ = std::move(*admin_storage);
  absl::StatusOr<std::unique_ptr<TokenRegistry>> registry =
      TokenRegistry::Open(server->admin_storage_.get());
  if (!registry.ok()) return registry.status();
  server->registry_ = std::move(*registry);
  server->audit_ = std::make_unique<AuditLog>(server->admin_storage_.get());
  absl::StatusOr<absl::optional<NewAdminTokenResult>> bootstrap =
      BootstrapAdminToken(server->registry_.get(), server->audit_.get(),
                          options.data_dir);
  if (!bootstrap.ok()) return bootstrap.status();
  if (bootstrap->has_value()) {
    const NewAdminTokenResult& created = **bootstrap;
    spdlog::info("first start: wrote ADMIN token tokens/{} to {}",
                 created.record.id, created.path);
  } else if (options.new_admin_token) {
    absl::Status status = WriteNewAdminToken(
        server->registry_.get(), server->audit_.get(), options.data_dir);
    if (!status.ok()) return status;
  }
  const std::shared_ptr<const GraphSnapshot> graph = server->store_->Snapshot();
  if (!options.seed_dir.empty()) {
    if (graph->version() != 0 || !graph->cities().empty()) {
      // Said, so that whoever expected the seed to be imported again (or to
      // replace what the store holds) is not left to wonder.
      spdlog::info(
          "--seed_dir={} not imported: the store in {} already holds data "
          "(graph version {}); a seed only fills an empty store",
          options.seed_dir, options.data_dir, graph->version());
    } else if (absl::Status status =
                   Seed(server->store_.get(), options.seed_dir);
               !status.ok()) {
      // ReadDataset names the file ("cities.csv:8: ..."), not its folder.
      absl::Status named(
          status.code(),
          absl::StrCat("cannot import --seed_dir=", options.seed_dir, ": ",
                       status.message()));
      status.ForEachPayload(
          [&named](absl::string_view url, const absl::Cord& payload) {
            named.SetPayload(url, payload);
          });
      return named;
    }
  }

  server->drain_notice_ = options.drain_notice;
  server->admin_token_path_ = AdminTokenPath(options.data_dir);
  server->limiter_ = std::make_unique<RateLimiter>(options.rate_limit_qps,
                                                   options.rate_limit_burst);
  server->guard_ = std::make_unique<RequestGuard>(
      server->registry_.get(), server->limiter_.get(), server->audit_.get());

  server->catalog_ = std::make_unique<CatalogService>(
      server->store_.get(), server->registry_.get(), server->guard_.get(),
      options.catalog);
  server->matching_ = std::make_unique<MatchingService>(server->store_.get(),
                                                        server->guard_.get());
  server->admin_ = std::make_unique<AdminService>(
      server->registry_.get(), server->store_.get(), server->guard_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default, which lets a second server bind a port
  // that one already serves and silently take half of its calls. An address
  // in use must be an error.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(options.grpc_addr, *credentials,
                           &server->grpc_port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.RegisterService(server->catalog_.get());
  builder.RegisterService(server->matching_.get());
  builder.RegisterService(server->admin_.get());
  server->grpc_server_ = builder.BuildAndStart();
  if (server->grpc_server_ == nullptr || server->grpc_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.grpc_addr, ": ",
                     WhyCannotListen(options.grpc_addr),
                     "; choose another address with --grpc_addr"));
  }
  // Each service by name too: a probe configured with a service name (as
  // Kubernetes' and Envoy's may be) would otherwise get NOT_FOUND. The
  // shutdown's SetServingStatus(false) turns these to NOT_SERVING as well.
  grpc::HealthCheckServiceInterface* health =
      server->grpc_server_->GetHealthCheckService();
  for (const char* service :
       {v1::Catalog::service_full_name(), v1::Matching::service_full_name(),
        v1::Admin::service_full_name()}) {
    health->SetServingStatus(service, true);
  }
  health->SetServingStatus(true);
  spdlog::info(
      "citymatch-server serving gRPC on port {} with {} (graph "
      "version {})",
      server->grpc_port_,
      options.tls_cert.empty()        ? "plaintext"
      : options.tls_client_ca.empty() ? "TLS"
                                      : "mutual TLS",
      server->store_->Snapshot()->version());
  return server;
}

Server::~Server() { Shutdown(absl::ZeroDuration()); }

std::shared_ptr<grpc::Channel> Server::InProcessChannel() {
  absl::StatusOr<std::string> token = ReadFile(admin_token_path_);
  return InProcessChannel(
      token.ok() ? std::string(absl::StripAsciiWhitespace(*token)) : "");
}

std::shared_ptr<grpc::Channel> Server::InProcessChannel(
    const std::string& token) {
  if (token.empty()) {
    return grpc_server_->InProcessChannel(grpc::ChannelArguments());
  }
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(MakeBearerInterceptorFactory(token));
  return grpc_server_->experimental().InProcessChannelWithInterceptors(
      grpc::ChannelArguments(), std::move(interceptors));
}

void Server::Wait() { grpc_server_->Wait(); }

void Server::Shutdown(absl::Duration grace) {
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  const absl::Time deadline = absl::Now() + grace;
  // A BuildAndStart that failed before the gRPC server was built (a bad seed
  // data set, an address it cannot listen on) only has stores to close.
  if (grpc_server_ != nullptr) {
    spdlog::info(
        "shutting down: health NOT_SERVING, draining calls for up "
        "to {} ms",
        absl::ToInt64Milliseconds(grace));
    grpc_server_->GetHealthCheckService()->SetServingStatus(false);
    absl::SleepFor(std::min(drain_notice_, grace / 2));
    grpc_server_->Shutdown(absl::ToChronoTime(deadline));
  }
  // Every call has finished, so nothing uses the stores any more.
  const bool opened = store_ != nullptr;
  store_.reset();
  admin_storage_.reset();
  if (opened) spdlog::info("store closed");
}

}  // namespace citymatch
