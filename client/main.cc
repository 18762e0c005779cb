// citymatch: the command-line client of citymatch-server. It parses flags
// into requests (each command group in its own client/<group>_cli.cc, see
// client/cli_wiring.h), runs one command (client/commands.h) and exits with:
//   0  success
//   1  local failure (a file could not be read or written)
//   2  usage error (CLI11 parse error, bad flag value, an export over files
//      without --force)
//   3  the server reported an error (any non-OK status but the two below)
//   4  the server is unreachable or did not answer in time
//      (UNAVAILABLE, DEADLINE_EXCEEDED)
// (kept in step with kExitCodesHelp in client/cli_support.h).
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/cli_support.h"
#include "client/cli_wiring.h"
#include "client/commands.h"
#include "client/output.h"
#include "client/partner_client.h"

namespace citymatch {
namespace {

// Said under --help: where the token comes from.
constexpr char kCredentialsHelp[] =
    "Token: --token, else $CITYMATCH_TOKEN, else the content of --token_file\n"
    "($CITYMATCH_TOKEN_FILE), else of ${CITYMATCH_DATA_DIR:-var}/admin.token\n"
    "under the working directory if that file exists: the admin token the\n"
    "server writes on its first start, so after deploy/serve.sh, run from the\n"
    "repository root, `citymatch recommend projects/urbact-arrival-cities`\n"
    "needs no setup.\n\n";

// Said under --help: how to reach a server that speaks TLS.
constexpr char kTlsHelp[] =
    "TLS: --ca_cert ($CITYMATCH_CA_CERT) makes every call use TLS, trusting\n"
    "only that CA. A server started with --tls_client_ca (mutual TLS) also\n"
    "asks for this client's certificate: --client_cert and --client_key\n"
    "($CITYMATCH_CLIENT_CERT, $CITYMATCH_CLIENT_KEY), PEM files.\n\n";

// A better message than CLI11's for the two slips it words worst: a
// command it does not know ("cties list": "A subcommand is required") and a
// misspelt flag ("--countrys": "The following argument was not expected").
// "" for any other error, which CLI11 words well enough.
std::string ParseErrorHint(CLI::App& app, const CLI::ParseError& error) {
  CLI::App* reached = &app;
  std::string path = "citymatch";
  while (!reached->get_subcommands().empty()) {
    reached = reached->get_subcommands().front();
    absl::StrAppend(&path, " ", reached->get_name());
  }
  // A near miss: "cties", "--tpo"; not "update" for "create".
  auto nearest = [](const std::string& typed,
                    const std::vector<std::string>& known) {
    return Nearest(typed, known, std::max<int>(1, typed.size() / 3));
  };
  const std::vector<std::string> extras = app.remaining(/*recurse=*/true);
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    for (const std::string& arg : extras) {
      if (arg.empty() || arg[0] != '-') {
        // After a list flag, most often the rest of the list split by a
        // space after a comma; else a value its flag was left out of
        // ("twinnings list 2643743" for --city 2643743).
        bool after_list = false;
        for (const CLI::Option* option : reached->get_options()) {
          after_list |= option->get_delimiter() == ',' && option->count() > 0;
        }
        if (after_list) {
          return absl::StrCat("unexpected value \"", arg,
                              "\"; a list is written without spaces after "
                              "its commas (--with 3173435,3165524) or in "
                              "quotes");
        }
        return absl::StrCat("unexpected value \"", arg, "\"; ", path,
                            " takes it only after a flag (", path,
                            " --help lists them)");
      }
      if (arg.size() < 2) continue;
      const std::string flag = arg.substr(0, arg.find('='));
      auto names = [](const CLI::App* scope) {
        std::vector<std::string> known;
        for (const CLI::Option* option : scope->get_options()) {
          for (const std::string& name : option->get_lnames()) {
            known.push_back("--" + name);
          }
        }
        return known;
      };
      std::string near = nearest(flag, names(reached));
      // Member cities are --member to `projects create`, --add-member to
      // `projects update` and --with to `recommend`: a user of one types
      // the other's, too far from it in spelling for nearest() to find.
      if (near.empty() &&
          (flag == "--member" || flag == "--members" || flag == "--with")) {
        const std::vector<std::string> known = names(reached);
        for (const char* meant : {"--with", "--member", "--add-member"}) {
          if (flag != meant &&
              std::find(known.begin(), known.end(), meant) != known.end()) {
            near = meant;
            break;
          }
        }
      }
      // A global flag (--output, --server) is listed by "citymatch --help".
      std::string lister = path;
      if (near.empty() && reached != &app) {
        near = nearest(flag, names(&app));
        if (!near.empty()) lister = "citymatch";
      }
      return absl::StrCat(
          "unknown flag ", flag,
          near.empty() ? "" : absl::StrCat("; did you mean ", near, "?"), " (",
          lister, " --help lists them)");
    }
    return "";
  }
  // (--help is a ParseError too, and must reach CLI11.)
  if (dynamic_cast<const CLI::RequiredError*>(&error) == nullptr ||
      reached->get_require_subcommand_min() == 0) {
    return "";
  }
  std::vector<std::string> commands;
  for (const CLI::App* sub :
       reached->get_subcommands([](const CLI::App*) { return true; })) {
    commands.push_back(sub->get_name());
  }
  const std::string list = absl::StrJoin(commands, ", ");
  if (extras.empty()) return absl::StrCat(path, " needs a command: ", list);
  const std::string near = nearest(extras.front(), commands);
  return absl::StrCat(
      "unknown command \"", extras.front(), "\"",
      reached == &app ? "" : absl::StrCat(" of ", path),
      near.empty() ? "" : absl::StrCat("; did you mean \"", near, "\"?"),
      " (commands: ", list, ")");
}

// gRPC logs some failures itself, on stderr, next to the error and hint
// this CLI prints for the same call: a failed TLS handshake adds a line
// "E... ssl_transport_security.cc:...] Handshake failed with fatal error
// SSL_ERROR_SSL: ...". A user should read only the CLI's words, so gRPC
// logs nothing unless its log was asked for (GRPC_VERBOSITY, GRPC_TRACE).
// Called before the first channel is made: gRPC reads the variable as it
// starts.
void SilenceGrpcLogUnlessAskedFor() {
  if (std::getenv("GRPC_VERBOSITY") == nullptr &&
      std::getenv("GRPC_TRACE") == nullptr) {
    setenv("GRPC_VERBOSITY", "NONE", /*overwrite=*/0);
  }
}

// Usage errors found after parsing (a bad role, a bad status).
int UsageError(const absl::Status& status) {
  std::cerr << "error: " << status.message() << "\n"
            << "Run with --help for more information.\n";
  return kExitUsage;
}

int Run(int argc, char** argv) {
  SilenceGrpcLogUnlessAskedFor();
  CLI::App app(
      "citymatch: find partner cities for migrant-integration cooperation "
      "projects, and manage the cities, projects and practices they are "
      "found in.",
      "citymatch");
  app.require_subcommand(1);
  // Global flags may also follow the subcommand.
  app.fallthrough();

  ClientOptions client_options;
  std::string output = "table";
  double timeout_seconds = 60;
  app.add_option("--server", client_options.server, "host:port of the server")
      ->envname("CITYMATCH_SERVER")
      ->capture_default_str();
  std::string token_file;
  app.add_option("--token", client_options.token,
                 "Bearer token sent with every call")
      ->envname("CITYMATCH_TOKEN");
  app.add_option("--token_file", token_file,
                 "File holding the token, read if no --token is given "
                 "(default: ${CITYMATCH_DATA_DIR:-var}/admin.token if it "
                 "exists)")
      ->envname("CITYMATCH_TOKEN_FILE");
  app.add_option("--ca_cert", client_options.ca_cert_file,
                 "PEM root CA of the server; set: use TLS")
      ->envname("CITYMATCH_CA_CERT");
  app.add_option("--client_cert", client_options.client_cert_file,
                 "PEM certificate this client presents, for a server that "
                 "requires one (mutual TLS: its --tls_client_ca signed it); "
                 "needs --client_key and --ca_cert")
      ->envname("CITYMATCH_CLIENT_CERT");
  app.add_option("--client_key", client_options.client_key_file,
                 "PEM private key of --client_cert, without a passphrase")
      ->envname("CITYMATCH_CLIENT_KEY");
  app.add_option("--output", output,
                 "table (for people) or json (the reply "
                 "as proto JSON)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  CLI::Option* timeout_opt = app.add_option("--timeout", timeout_seconds,
                                            "Deadline of each call in seconds "
                                            "(0: none); not given: 60, and 600 "
                                            "for an import or export")
                                 ->check(cli::NonNegative(/*whole=*/false))
                                 ->capture_default_str();

  cli::Choice choice;
  cli::AddCityCommands(&app, &choice);
  cli::AddPracticeCommands(&app, &choice);
  cli::AddProjectCommands(&app, &choice);
  cli::AddThemeCommands(&app, &choice);
  cli::AddTwinningCommands(&app, &choice);
  cli::AddImportExportCommands(&app, &choice);
  cli::AddRecommendCommand(&app, &choice);
  cli::AddAdminCommands(&app, &choice);

  // Set last: subcommands created before would inherit it.
  app.footer(std::string(kCredentialsHelp) + kTlsHelp + kExitCodesHelp);
  // CLI11's own usage errors ("CITY_B is required") read as the others do.
  // (App::exit uses the main app's, wherever the error arose.)
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return absl::StrCat("error: ", e.what(),
                        "\nRun with --help for more information.\n");
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (const std::string hint = ParseErrorHint(app, e); !hint.empty()) {
      return UsageError(absl::InvalidArgumentError(hint));
    }
    // --help and --version are "errors" with exit code 0.
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!choice.usage.ok()) return UsageError(choice.usage);
  if (absl::Status tls = CheckClientCertificateOptions(client_options);
      !tls.ok()) {
    return UsageError(tls);
  }
  if (!choice.action) {
    std::cerr << app.help();
    return kExitUsage;
  }

  std::string default_token_file;
  if (client_options.token.empty()) {
    // Named by flag or environment, the file must be there; the default is
    // only a convenience and may be missing.
    const bool named = !token_file.empty();
    default_token_file = DefaultTokenFile(std::getenv("CITYMATCH_DATA_DIR"));
    absl::StatusOr<std::string> token = ReadTokenFile(
        named ? token_file : default_token_file, /*required=*/named);
    if (!token.ok()) {
      std::cerr << FormatLocalError(token.status());
      return kExitLocalFailure;
    }
    client_options.token = *std::move(token);
  }
  client_options.timeout = absl::Seconds(timeout_seconds);
  if (timeout_opt->count() > 0) {
    client_options.transfer_timeout = client_options.timeout;
  }
  const OutputFormat format =
      output == "json" ? OutputFormat::kJson : OutputFormat::kTable;
  absl::StatusOr<std::unique_ptr<PartnerClient>> client =
      PartnerClient::Create(client_options);
  Commands commands(client.ok() ? client->get() : nullptr, format, &std::cout,
                    &std::cerr);
  if (!client.ok()) return commands.LocalFailure(client.status());
  commands.set_unreachable_hint(absl::StrCat(
      "hint: no citymatch server answered at ", client_options.server,
      "; it may not be running (deploy/serve.sh starts one).\n",
      "hint: to use another address pass --server HOST:PORT or set "
      "CITYMATCH_SERVER (deploy/serve.sh listens on $CITYMATCH_GRPC_ADDR, "
      "default 127.0.0.1:50051).\n"));
  commands.set_deadline_hint(
      "hint: the server is up but did not answer before the deadline; it "
      "may be busy (--timeout sets the deadline in seconds, 0: none)\n");
  if (client_options.token.empty()) {
    commands.set_unauthenticated_hint(
        "no token was sent: pass --token or set CITYMATCH_TOKEN or "
        "CITYMATCH_TOKEN_FILE (there is no " +
        default_token_file + ", where the server writes its admin token)");
  }
  return choice.action(commands);
}

}  // namespace
}  // namespace citymatch

int main(int argc, char** argv) { return citymatch::Run(argc, argv); }
