// End-to-end tests of how `citymatch` authenticates: the bearer token
// (--token, CITYMATCH_TOKEN), TLS with a private root CA (--ca_cert) and
// mutual TLS with a client certificate (--client_cert, --client_key).
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <signal.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/cli_fixture.h"
#include "tests/testing/sample_data.h"

namespace citymatch::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using CliTokenTest = CliTest;

TEST_F(CliTokenTest, TokenFlagIsSentAsBearerMetadata) {
  ASSERT_FALSE(token_.empty()) << "the server wrote no admin.token";
  const CliResult result = RunCli({"--server", server_->address(), "--token",
                                   token_, "cities", "get", "lyon"});
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr("Lyon"));
}

TEST_F(CliTokenTest, TokenFromEnvironmentIsSent) {
  const CliResult result =
      RunCli({"--server", server_->address(), "cities", "get", "lyon"},
             {{"CITYMATCH_TOKEN", token_}});
  EXPECT_EQ(result.exit_code, 0) << result;
}

TEST_F(CliTokenTest, MissingOrWrongTokenExitsThreeWithUnauthenticated) {
  // In an empty directory: a var/admin.token under the working directory
  // would otherwise be sent (see CliAdminTest for that).
  TempDir empty;
  const CliResult missing = RunCli(
      {"--server", server_->address(), "cities", "get", "lyon"}, {},
      empty.path());
  EXPECT_EQ(missing.exit_code, 3) << missing;
  EXPECT_THAT(missing.err, StartsWith("error: UNAUTHENTICATED: "));

  const CliResult wrong =
      RunCli({"--server", server_->address(), "--token", "cm_not-a-real-token",
              "cities", "get", "lyon"});
  EXPECT_EQ(wrong.exit_code, 3) << wrong;
  EXPECT_THAT(wrong.err, StartsWith("error: UNAUTHENTICATED: "));
}

TEST_F(CliTokenTest, RateLimitedCallsAreRetriedAfterTheServersDelay) {
  server_->Kill(SIGTERM);
  ASSERT_TRUE(server_->Wait().ok());
  // Two calls at once, then five a second: paging one city at a time through
  // eight cities is refused several times on the way.
  StartServer("", {"--rate_limit_qps=5", "--rate_limit_burst=2"});
  const nlohmann::json all =
      Json({"cities", "list", "--all", "--page-size", "1"});
  EXPECT_EQ(Ids(all, "cities").size(), 8u) << all;
}

// ---- TLS -------------------------------------------------------------------

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using Cert = std::unique_ptr<X509, CertDeleter>;

// A certificate for `common_name` signed by `issuer` (self-signed if null),
// valid from an hour ago for a day.
Cert MakeCert(const std::string& common_name, EVP_PKEY* key, bool is_ca,
              X509* issuer, EVP_PKEY* issuer_key) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), is_ca ? 1 : 2);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(
      cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert.get(), cert.get(),
                 nullptr, nullptr, 0);
  const std::pair<int, const char*> extensions[] = {
      {NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE"},
      {NID_key_usage, is_ca ? "critical,keyCertSign,cRLSign"
                            : "critical,digitalSignature,keyEncipherment"},
      {NID_subject_alt_name, is_ca ? nullptr : "IP:127.0.0.1,DNS:localhost"},
  };
  for (const auto& [nid, value] : extensions) {
    if (value == nullptr) continue;
    X509_EXTENSION* ext =
        X509V3_EXT_conf_nid(nullptr, &ctx, nid, const_cast<char*>(value));
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256());
  return cert;
}

std::string Pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

std::string Pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

// A server that speaks TLS only, with a certificate from a private CA; and
// client certificates, one from that CA and one from another.
class CliTlsTest : public CliTest {
 protected:
  void SetUp() override { StartTlsServer({}); }

  void StartTlsServer(std::vector<std::string> extra_flags) {
    Key ca_key(EVP_EC_gen("P-256"));
    Cert ca =
        MakeCert("citymatch test CA", ca_key.get(), true, nullptr, nullptr);
    Key server_key(EVP_EC_gen("P-256"));
    Cert server =
        MakeCert("localhost", server_key.get(), false, ca.get(), ca_key.get());
    Key other_key(EVP_EC_gen("P-256"));
    Cert other_ca =
        MakeCert("another CA", other_key.get(), true, nullptr, nullptr);
    Key client_key(EVP_EC_gen("P-256"));
    Cert client = MakeCert("citymatch test client", client_key.get(), false,
                           ca.get(), ca_key.get());
    Key stranger_key(EVP_EC_gen("P-256"));
    Cert stranger = MakeCert("citymatch stranger", stranger_key.get(), false,
                             other_ca.get(), other_key.get());
    certs_.Write("ca.pem", Pem(ca.get()));
    certs_.Write("other-ca.pem", Pem(other_ca.get()));
    certs_.Write("server.pem", Pem(server.get()));
    certs_.Write("server.key", Pem(server_key.get()));
    certs_.Write("client.pem", Pem(client.get()));
    certs_.Write("client.key", Pem(client_key.get()));
    certs_.Write("stranger.pem", Pem(stranger.get()));
    certs_.Write("stranger.key", Pem(stranger_key.get()));

    seed_.WriteAll(SampleFiles());
    std::vector<std::string> flags = {"--seed_dir=" + seed_.path(),
                                      "--tls_cert=" + certs_.File("server.pem"),
                                      "--tls_key=" + certs_.File("server.key")};
    flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
    server_ = std::make_unique<ServerProcess>(data_.path(), flags);
    const absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
    std::ifstream token_file(data_.File("admin.token"));
    token_file >> token_;
  }

  // --ca_cert and, if `name` is not empty, the client certificate `name`.pem
  // with its key, then `args`.
  std::vector<std::string> Tls(const std::string& name,
                               const std::vector<std::string>& args) const {
    std::vector<std::string> full = {"--timeout=10", "--ca_cert",
                                     certs_.File("ca.pem")};
    if (!name.empty()) {
      full.insert(full.end(), {"--client_cert", certs_.File(name + ".pem"),
                               "--client_key", certs_.File(name + ".key")});
    }
    full.insert(full.end(), args.begin(), args.end());
    return full;
  }

  TempDir certs_;
};

TEST_F(CliTlsTest, CaCertFlagConnectsOverTls) {
  const CliResult result =
      Cli({"--ca_cert", certs_.File("ca.pem"), "cities", "get", "lyon"});
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr("Lyon"));

  const CliResult from_env =
      Cli({"cities", "get", "lyon"},
          {{"CITYMATCH_CA_CERT", certs_.File("ca.pem")}});
  EXPECT_EQ(from_env.exit_code, 0) << from_env;
}

TEST_F(CliTlsTest, PlaintextOrAnUntrustedCaCannotConnect) {
  const CliResult plaintext = Cli({"--timeout=10", "cities", "get", "lyon"});
  EXPECT_EQ(plaintext.exit_code, 4) << plaintext;

  const CliResult untrusted =
      Cli({"--timeout=10", "--ca_cert", certs_.File("other-ca.pem"), "cities",
           "get", "lyon"});
  EXPECT_EQ(untrusted.exit_code, 4) << untrusted;
  EXPECT_THAT(untrusted.out, ::testing::IsEmpty());
}

TEST_F(CliTlsTest, APlaintextClientIsToldToPassTheCa) {
  const CliResult plaintext = Cli({"--timeout=10", "cities", "get", "lyon"});
  EXPECT_EQ(plaintext.exit_code, 4) << plaintext;
  EXPECT_THAT(plaintext.err, HasSubstr("hint: the server closed the "
                                       "connection at once, as one that "
                                       "speaks TLS does"));
  EXPECT_THAT(plaintext.err, HasSubstr("--ca_cert"));
  EXPECT_THAT(plaintext.err, Not(HasSubstr("no citymatch server answered")));
}

TEST_F(CliTlsTest, AnUntrustedCaIsNamedAsAFailedHandshake) {
  const CliResult untrusted =
      Cli({"--timeout=10", "--ca_cert", certs_.File("other-ca.pem"), "cities",
           "get", "lyon"});
  EXPECT_EQ(untrusted.exit_code, 4) << untrusted;
  EXPECT_THAT(untrusted.err, HasSubstr("hint: a server answered but the TLS "
                                       "handshake failed"));
  EXPECT_THAT(untrusted.err, Not(HasSubstr("no citymatch server answered")));
}

// gRPC logs a failed handshake itself (an "E... ssl_transport_security.cc"
// line, "Handshake failed with fatal error SSL_ERROR_SSL: ..."); the CLI's
// error and hint say what it means, and should be all a user sees.
TEST_F(CliTlsTest, AFailedHandshakeShowsOnlyTheClisMessage) {
  const CliResult plaintext_client =
      Cli({"--timeout=10", "cities", "get", "lyon"});
  const CliResult untrusted =
      Cli({"--timeout=10", "--ca_cert", certs_.File("other-ca.pem"), "cities",
           "get", "lyon"});
  // The same store, served in plaintext to a TLS client.
  server_->Kill(SIGTERM);
  ASSERT_TRUE(server_->Wait().ok());
  StartServer("");
  const CliResult plaintext_server =
      Cli({"--timeout=10", "--ca_cert", certs_.File("ca.pem"), "cities", "get",
           "lyon"});
  for (const CliResult& result :
       {plaintext_client, untrusted, plaintext_server}) {
    EXPECT_EQ(result.exit_code, 4) << result;
    EXPECT_THAT(result.err, StartsWith("error: UNAVAILABLE: ")) << result;
    EXPECT_THAT(result.err, HasSubstr("\nhint: ")) << result;
    EXPECT_THAT(result.err, Not(HasSubstr("Handshake failed with")));
    EXPECT_THAT(result.err, Not(HasSubstr("ssl_transport_security")));
  }
}

TEST_F(CliTlsTest, GrpcLogsAsUsualWhenTheUserAsksForItsLog) {
  for (const auto& [name, value] : std::map<std::string, std::string>{
           {"GRPC_VERBOSITY", "ERROR"}, {"GRPC_TRACE", "handshaker"}}) {
    const CliResult result =
        Cli({"--timeout=10", "--ca_cert", certs_.File("other-ca.pem"), "cities",
             "get", "lyon"},
            {{name, value}});
    EXPECT_EQ(result.exit_code, 4) << name << "\n" << result;
    EXPECT_THAT(result.err, HasSubstr("ssl_transport_security")) << name;
    EXPECT_THAT(result.err, HasSubstr("hint: a server answered but the TLS "
                                      "handshake failed"))
        << name;
  }
}

TEST_F(CliTlsTest, ACaFileThatHoldsNoCertificateIsALocalFailure) {
  // The server's private key, given where its CA belongs.
  const CliResult key = Cli({"--timeout=10", "--ca_cert",
                             certs_.File("server.key"), "cities", "get",
                             "lyon"});
  EXPECT_EQ(key.exit_code, 1) << key;
  EXPECT_THAT(key.err, HasSubstr(certs_.File("server.key") +
                                 " holds no PEM certificate"));
  EXPECT_THAT(key.err, Not(HasSubstr("UNAVAILABLE")));
}

TEST_F(CliTlsTest, ClientCertificateFlagsWithoutTheirPartnerAreUsageErrors) {
  const CliResult cert_only =
      Cli({"--ca_cert", certs_.File("ca.pem"), "--client_cert",
           certs_.File("client.pem"), "cities", "get", "lyon"});
  EXPECT_EQ(cert_only.exit_code, 2) << cert_only;
  EXPECT_THAT(cert_only.err,
              HasSubstr("--client_cert (CITYMATCH_CLIENT_CERT) is given "
                        "without --client_key (CITYMATCH_CLIENT_KEY)"));

  const CliResult key_only =
      Cli({"cities", "get", "lyon"},
          {{"CITYMATCH_CA_CERT", certs_.File("ca.pem")},
           {"CITYMATCH_CLIENT_KEY", certs_.File("client.key")}});
  EXPECT_EQ(key_only.exit_code, 2) << key_only;
  EXPECT_THAT(key_only.err,
              HasSubstr("--client_key (CITYMATCH_CLIENT_KEY) is given "
                        "without --client_cert (CITYMATCH_CLIENT_CERT)"));

  // A client certificate is only presented over TLS, which --ca_cert asks
  // for: without it, the flags (or variables) would be silently ignored.
  const CliResult no_ca =
      Cli({"--client_cert", certs_.File("client.pem"), "--client_key",
           certs_.File("client.key"), "cities", "get", "lyon"});
  const CliResult no_ca_env =
      Cli({"cities", "get", "lyon"},
          {{"CITYMATCH_CLIENT_CERT", certs_.File("client.pem")},
           {"CITYMATCH_CLIENT_KEY", certs_.File("client.key")}});
  for (const CliResult& result : {no_ca, no_ca_env}) {
    EXPECT_EQ(result.exit_code, 2) << result;
    EXPECT_THAT(result.err, HasSubstr("--client_cert and --client_key need "
                                      "--ca_cert (CITYMATCH_CA_CERT)"));
  }
}

TEST_F(CliTlsTest, ClientCertificateFilesThatCannotBeUsedAreLocalFailures) {
  struct Case {
    std::string cert, key, says;
  };
  const std::vector<Case> cases = {
      {certs_.File("missing.pem"), certs_.File("client.key"),
       "cannot read " + certs_.File("missing.pem")},
      {certs_.File("client.pem"), certs_.File("missing.key"),
       "cannot read " + certs_.File("missing.key")},
      {certs_.File("client.key"), certs_.File("client.key"),
       certs_.File("client.key") + " holds no PEM certificate"},
      {certs_.File("client.pem"), certs_.File("client.pem"),
       certs_.File("client.pem") + " holds no PEM private key"},
      {certs_.File("client.pem"), certs_.File("stranger.key"),
       certs_.File("stranger.key") + " (--client_key) is not the private " +
           "key of " + certs_.File("client.pem")},
  };
  for (const Case& c : cases) {
    const CliResult result = Cli(
        {"--timeout=10", "--ca_cert", certs_.File("ca.pem"), "--client_cert",
         c.cert, "--client_key", c.key, "cities", "get", "lyon"});
    EXPECT_EQ(result.exit_code, 1) << c.cert << " " << c.key << "\n" << result;
    EXPECT_THAT(result.err, HasSubstr(c.says)) << result;
    EXPECT_THAT(result.err, Not(HasSubstr("UNAVAILABLE"))) << result;
  }
}

TEST_F(CliTlsTest, HelpListsTheClientCertificateFlags) {
  const CliResult help = RunCli({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help;
  for (const char* text :
       {"--client_cert", "--client_key", "CITYMATCH_CLIENT_CERT",
        "CITYMATCH_CLIENT_KEY", "mutual TLS"}) {
    EXPECT_THAT(help.out, HasSubstr(text));
  }
}

// A server that also requires a client certificate signed by its CA.
class CliMutualTlsTest : public CliTlsTest {
 protected:
  void SetUp() override {
    // The CA that signs the server's certificate signs its clients' too.
    StartTlsServer({"--tls_client_ca=" + certs_.File("ca.pem")});
  }
};

TEST_F(CliMutualTlsTest, AClientCertificateFromTheServersCaConnects) {
  const CliResult flags = Cli(Tls("client", {"cities", "get", "lyon"}));
  EXPECT_EQ(flags.exit_code, 0) << flags;
  EXPECT_THAT(flags.out, HasSubstr("Lyon"));

  const CliResult from_env =
      Cli({"cities", "get", "lyon"},
          {{"CITYMATCH_CA_CERT", certs_.File("ca.pem")},
           {"CITYMATCH_CLIENT_CERT", certs_.File("client.pem")},
           {"CITYMATCH_CLIENT_KEY", certs_.File("client.key")}});
  EXPECT_EQ(from_env.exit_code, 0) << from_env;
  EXPECT_THAT(from_env.out, HasSubstr("Lyon"));

  // The certificate is not a token: the token is still required.
  TempDir empty;
  std::vector<std::string> args = {"--server", server_->address()};
  const std::vector<std::string> tls = Tls("client", {"cities", "get", "lyon"});
  args.insert(args.end(), tls.begin(), tls.end());
  const CliResult no_token = RunCli(args, {}, empty.path());
  EXPECT_EQ(no_token.exit_code, 3) << no_token;
  EXPECT_THAT(no_token.err, StartsWith("error: UNAUTHENTICATED: "));
}

TEST_F(CliMutualTlsTest, WithoutAClientCertificateTheHintNamesTheFlags) {
  const CliResult result = Cli(Tls("", {"cities", "get", "lyon"}));
  EXPECT_EQ(result.exit_code, 4) << result;
  EXPECT_THAT(result.out, ::testing::IsEmpty());
  EXPECT_THAT(result.err, HasSubstr("client certificate"));
  EXPECT_THAT(result.err, HasSubstr("--client_cert"));
  EXPECT_THAT(result.err, HasSubstr("--client_key"));
  EXPECT_THAT(result.err, Not(HasSubstr("no citymatch server answered")));
}

TEST_F(CliMutualTlsTest, AClientCertificateFromAnotherCaIsRefused) {
  const CliResult result = Cli(Tls("stranger", {"cities", "get", "lyon"}));
  EXPECT_EQ(result.exit_code, 4) << result;
  EXPECT_THAT(result.out, ::testing::IsEmpty());
  EXPECT_THAT(result.err, HasSubstr("refuses the one presented"));
  EXPECT_THAT(result.err, HasSubstr("--tls_client_ca"));
  EXPECT_THAT(result.err, Not(HasSubstr("no citymatch server answered")));
}

}  // namespace
}  // namespace citymatch::testing
