// TLS and mutual TLS against the real citymatch-server binary, with a
// throwaway CA and certificates made by the `openssl` command for this test
// run. Every call has a deadline, so a failure never hangs.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/server.h"
#include "tests/security/security_testing.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::citymatch::testing::ForgeToken;
using ::citymatch::testing::HealthCheck;
using ::citymatch::testing::ReadFileBytes;
using ::citymatch::testing::ServerProcess;
using ::citymatch::testing::SetDeadline;
using ::citymatch::testing::TempDir;
using Code = grpc::StatusCode;

// Runs `command` in a shell, its output into `log`; true on exit code 0.
bool Run(const std::string& command, const std::string& log) {
  const std::string line = absl::StrCat(command, " >>", log, " 2>&1");
  return std::system(line.c_str()) == 0;
}

// A CA, a server certificate for localhost/127.0.0.1 and a client
// certificate signed by it; and a second CA with its own client certificate
// that the server must not trust.
class Pki {
 public:
  bool Make() {
    const std::string log = dir_.File("openssl.log");
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1";
    auto ca = [&](const std::string& name) {
      return Run(absl::StrCat(
                     "openssl req -x509 ", ec, " -nodes -days 2 -subj '/CN=",
                     name, " test CA' -keyout ", File(name + ".key"), " -out ",
                     File(name + ".pem"),
                     " -addext basicConstraints=critical,CA:TRUE"
                     " -addext keyUsage=critical,keyCertSign,cRLSign"),
                 log);
    };
    auto leaf = [&](const std::string& name, const std::string& ca_name,
                    const std::string& cn, const std::string& extensions) {
      dir_.Write(name + ".ext", extensions);
      return Run(absl::StrCat("openssl req -new ", ec, " -nodes -subj '/CN=",
                              cn, "' -keyout ", File(name + ".key"), " -out ",
                              File(name + ".csr")),
                 log) &&
             Run(absl::StrCat("openssl x509 -req -days 2 -in ",
                              File(name + ".csr"), " -CA ",
                              File(ca_name + ".pem"), " -CAkey ",
                              File(ca_name + ".key"),
                              " -CAcreateserial -extfile ",
                              File(name + ".ext"), " -out ",
                              File(name + ".pem")),
                 log);
    };
    const bool ok =
        ca("ca") && ca("other-ca") &&
        leaf("server", "ca", "localhost",
             "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
             "extendedKeyUsage=serverAuth\n") &&
        leaf("client", "ca", "citymatch test client",
             "extendedKeyUsage=clientAuth\n") &&
        leaf("stranger", "other-ca", "citymatch stranger",
             "extendedKeyUsage=clientAuth\n");
    if (!ok) error_ = ReadFileBytes(log);
    return ok;
  }

  std::string File(const std::string& name) const { return dir_.File(name); }
  std::string Pem(const std::string& name) const {
    return ReadFileBytes(File(name + ".pem"));
  }
  std::string Key(const std::string& name) const {
    return ReadFileBytes(File(name + ".key"));
  }
  const std::string& error() const { return error_; }

 private:
  TempDir dir_;
  std::string error_;
};

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new Pki();
    if (!pki_->Make()) {
      made_ = false;
      std::fprintf(stderr, "openssl failed:\n%s\n", pki_->error().c_str());
    }
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  void SetUp() override { ASSERT_TRUE(made_) << "no certificates"; }

  // Starts the server with TLS (and mTLS if `require_client_cert`).
  void StartServer(bool require_client_cert) {
    std::vector<std::string> flags = {"--tls_cert=" + pki_->File("server.pem"),
                                      "--tls_key=" + pki_->File("server.key")};
    if (require_client_cert) {
      flags.push_back("--tls_client_ca=" + pki_->File("ca.pem"));
    }
    process_ = std::make_unique<ServerProcess>(data_.path(), flags);
    absl::Status started = process_->Start(absl::Seconds(60));
    ASSERT_TRUE(started.ok()) << started;
    admin_token_ = std::string(
        absl::StripAsciiWhitespace(ReadFileBytes(data_.File("admin.token"))));
    ASSERT_FALSE(admin_token_.empty());
  }

  // TLS credentials trusting `ca` ("ca" or "other-ca"), presenting the
  // certificate `client` ("" = none).
  static std::shared_ptr<grpc::ChannelCredentials> Tls(
      const std::string& ca, const std::string& client) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = pki_->Pem(ca);
    if (!client.empty()) {
      options.pem_private_key = pki_->Key(client);
      options.pem_cert_chain = pki_->Pem(client);
    }
    return grpc::SslCredentials(options);
  }

  // A channel with `credentials` that sends `token` ("" = none) as a bearer
  // token.
  std::shared_ptr<grpc::Channel> Channel(
      std::shared_ptr<grpc::ChannelCredentials> credentials,
      const std::string& token) {
    if (!token.empty()) {
      credentials = grpc::CompositeChannelCredentials(
          credentials, grpc::AccessTokenCredentials(token));
    }
    return grpc::CreateChannel(process_->address(), credentials);
  }

  static grpc::Status ListCities(grpc::Channel* channel) {
    std::unique_ptr<v1::Catalog::Stub> catalog =
        v1::Catalog::NewStub(channel->shared_from_this());
    v1::ListCitiesResponse response;
    grpc::ClientContext context;
    SetDeadline(&context, absl::Seconds(5));
    return catalog->ListCities(&context, v1::ListCitiesRequest(), &response);
  }

  static Pki* pki_;
  static bool made_;
  TempDir data_;
  std::unique_ptr<ServerProcess> process_;
  std::string admin_token_;
};

Pki* TlsTest::pki_ = nullptr;
bool TlsTest::made_ = true;

TEST_F(TlsTest, ACertificateAndKeyThatDoNotBelongTogetherAreNamed) {
  // gRPC itself only fails to build the listener, which read as "cannot
  // listen on 127.0.0.1:0: the address is probably in use".
  struct Case {
    std::string cert, key, says;
  };
  const std::vector<Case> cases = {
      {"client.pem", "server.key", "is not the private key of"},
      {"server.key", "server.pem", "holds no PEM certificate"},
      {"server.pem", "server.pem", "holds no PEM private key"},
      // A file that cannot be read says why.
      {"missing.pem", "server.key", "missing.pem: No such file or directory"},
      {"server.pem", ".", ": it is a directory, not a file"},
  };
  for (const Case& c : cases) {
    TempDir data;
    ServerOptions options;
    options.data_dir = data.File("store");
    options.grpc_addr = "127.0.0.1:0";
    options.tls_cert = pki_->File(c.cert);
    options.tls_key = pki_->File(c.key);
    absl::StatusOr<std::unique_ptr<Server>> server =
        Server::BuildAndStart(options);
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument)
        << c.cert << " " << c.key << ": " << server.status();
    EXPECT_THAT(std::string(server.status().message()),
                ::testing::HasSubstr(c.says))
        << c.cert << " " << c.key;
    // Refused before the store is made: no admin token, no seed.
    EXPECT_FALSE(std::filesystem::exists(options.data_dir)) << c.cert;
  }
  // A client CA file must hold a certificate too.
  TempDir data;
  ServerOptions options;
  options.data_dir = data.File("store");
  options.grpc_addr = "127.0.0.1:0";
  options.tls_cert = pki_->File("server.pem");
  options.tls_key = pki_->File("server.key");
  options.tls_client_ca = pki_->File("ca.key");
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::BuildAndStart(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(server.status().message()),
              ::testing::HasSubstr("--tls_client_ca"));
}

TEST_F(TlsTest, AnExpiredCertificateIsRefusedAtStart) {
  // Every client would fail its handshake ("certificate verify failed")
  // with nothing in the server's log. `openssl x509` of OpenSSL 3.0 cannot
  // date a certificate in the past; `openssl ca` can.
  TempDir ca;
  ca.Write("index.txt", "");
  ca.Write("serial", "1000\n");
  ca.Write("ca.cnf", absl::StrCat("[ca]\ndefault_ca = past\n[past]\n",
                                  "database = ", ca.File("index.txt"), "\n",
                                  "new_certs_dir = ", ca.path(), "\n",
                                  "serial = ", ca.File("serial"), "\n",
                                  "default_md = sha256\npolicy = any\n",
                                  "[any]\ncommonName = supplied\n"));
  const std::string expired = ca.File("expired.pem");
  ASSERT_TRUE(citymatch::Run(
      absl::StrCat("openssl ca -batch -notext -config ", ca.File("ca.cnf"),
                   " -cert ", pki_->File("ca.pem"), " -keyfile ",
                   pki_->File("ca.key"), " -in ", pki_->File("server.csr"),
                   " -startdate 20200101000000Z"
                   " -enddate 20200102000000Z -out ",
                   expired),
      ca.File("openssl.log")))
      << ReadFileBytes(ca.File("openssl.log"));

  TempDir data;
  ServerOptions options;
  options.data_dir = data.File("store");
  options.grpc_addr = "127.0.0.1:0";
  options.tls_cert = expired;
  options.tls_key = pki_->File("server.key");
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::BuildAndStart(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument)
      << server.status();
  EXPECT_THAT(std::string(server.status().message()),
              ::testing::HasSubstr(absl::StrCat("--tls_cert=", expired,
                                                " expired on Jan  2 00:00:00 "
                                                "2020 GMT")));
}

TEST_F(TlsTest, TlsClientWithTheCaAndATokenSucceeds) {
  StartServer(/*require_client_cert=*/false);
  auto channel = Channel(Tls("ca", ""), admin_token_);
  grpc::Status status = ListCities(channel.get());
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
}

TEST_F(TlsTest, OverTlsNoOrForgedTokenIsUnauthenticated) {
  StartServer(/*require_client_cert=*/false);
  for (const std::string& token : {std::string(), ForgeToken(admin_token_)}) {
    auto channel = Channel(Tls("ca", ""), token);
    EXPECT_EQ(ListCities(channel.get()).error_code(), Code::UNAUTHENTICATED)
        << "token: " << token;
  }
  // Health checks need no token.
  int serving = 0;
  auto channel = Channel(Tls("ca", ""), "");
  grpc::Status status = HealthCheck(channel.get(), &serving);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(serving, 1);
}

TEST_F(TlsTest, PlaintextClientIsRefused) {
  StartServer(/*require_client_cert=*/false);
  auto channel = grpc::CreateChannel(process_->address(),
                                     grpc::InsecureChannelCredentials());
  // With the token in the metadata, as a careless client would send it.
  std::unique_ptr<v1::Catalog::Stub> catalog = v1::Catalog::NewStub(channel);
  v1::ListCitiesResponse response;
  grpc::ClientContext context;
  SetDeadline(&context, absl::Seconds(5));
  context.AddMetadata("authorization", "Bearer " + admin_token_);
  grpc::Status status =
      catalog->ListCities(&context, v1::ListCitiesRequest(), &response);
  EXPECT_EQ(status.error_code(), Code::UNAVAILABLE) << status.error_message();
}

TEST_F(TlsTest, ClientThatDoesNotTrustTheServersCaFails) {
  StartServer(/*require_client_cert=*/false);
  auto channel = Channel(Tls("other-ca", ""), admin_token_);
  EXPECT_EQ(ListCities(channel.get()).error_code(), Code::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheCa) {
  StartServer(/*require_client_cert=*/true);
  // Without a client certificate.
  auto anonymous = Channel(Tls("ca", ""), admin_token_);
  grpc::Status status = ListCities(anonymous.get());
  EXPECT_EQ(status.error_code(), Code::UNAVAILABLE) << status.error_message();
  // With one signed by another CA.
  auto stranger = Channel(Tls("ca", "stranger"), admin_token_);
  status = ListCities(stranger.get());
  EXPECT_EQ(status.error_code(), Code::UNAVAILABLE) << status.error_message();
  // With the right one.
  auto client = Channel(Tls("ca", "client"), admin_token_);
  status = ListCities(client.get());
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  // A certificate is not a token: the token is still required.
  auto no_token = Channel(Tls("ca", "client"), "");
  EXPECT_EQ(ListCities(no_token.get()).error_code(), Code::UNAUTHENTICATED);
  // And plaintext is refused here too.
  auto plaintext = grpc::CreateChannel(process_->address(),
                                       grpc::InsecureChannelCredentials());
  EXPECT_EQ(ListCities(plaintext.get()).error_code(), Code::UNAVAILABLE);
}

}  // namespace
}  // namespace citymatch
