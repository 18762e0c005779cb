// citymatch-server: parses flags into ServerOptions, starts the server and
// waits; SIGTERM or SIGINT drains calls in flight and closes the store.
#include <signal.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "graph/flags_help.h"
#include "graph/storage/sqlite_backup.h"
#include "server/server.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, data_dir, "var",
          "Directory of the embedded SQLite store; created if missing.");
ABSL_FLAG(std::string, grpc_addr, "127.0.0.1:50051",
          "Address of the gRPC API (host:port; port 0 picks a free one).");
// Kept so that launchers passing it still start the server; the gateway it
// is for is not built yet (README, Limits), so giving it only warns.
ABSL_FLAG(std::string, http_addr, "",
          "Reserved for the HTTP/JSON gateway, which this build does not "
          "include: nothing listens there; setting it logs a warning.");
ABSL_FLAG(std::string, seed_dir, "",
          "Data set folder imported when the store is empty at start; "
          "a store that holds data keeps it (the log says so).");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain; with --tls_key the server speaks TLS only.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle; if set, clients must present a certificate it "
          "signed (mutual TLS).");
ABSL_FLAG(double, rate_limit_qps, 100,
          "Calls per second each token may make on average (<= 0: no limit).");
ABSL_FLAG(double, rate_limit_burst, 200,
          "Calls a token may make at once above its average rate.");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "How long SIGTERM lets calls in flight finish.");
ABSL_FLAG(std::string, backup_to, "",
          "Instead of serving: copy the store in --data_dir to this "
          "directory outside it, which must not hold one, and exit. A "
          "server may be running on --data_dir meanwhile; restore by "
          "starting one with --data_dir on the copy. The flags that only "
          "a server reads are refused with it.");
ABSL_FLAG(bool, new_admin_token, false,
          "At start, create a new ADMIN token and write it to "
          "<data_dir>/admin.token (mode 0600, replacing the file if there is "
          "one; the token it held stays valid until revoked), then serve. "
          "The way back in after the file was lost or a backup restored. "
          "Recorded in the audit log; give it once.");

int main(int argc, char** argv) {
  citymatch::SetFlagsHelp(
      "citymatch-server --data_dir=DIR [--grpc_addr=HOST:PORT]\n"
      "       citymatch-server --data_dir=DIR --backup_to=BACKUP_DIR\n"
      "       citymatch-server --data_dir=DIR --new_admin_token  (then "
      "serves)",
      "server/main.cc");
  const std::vector<char*> rest = citymatch::ParseFlags(argc, argv);
  // Abseil leaves words that are no flag to the program, and this one takes
  // none: `citymatch-server /srv/citymatch` would otherwise serve a new,
  // empty store in ./var.
  if (rest.size() > 1) {
    spdlog::error(
        "unexpected argument \"{}\": citymatch-server takes only flags, "
        "such as --data_dir=DIR (see --help)",
        rest[1]);
    return 1;
  }

  if (const std::string backup_dir = absl::GetFlag(FLAGS_backup_to);
      !backup_dir.empty()) {
    // A backup copies no secret, and a token made here would go to the
    // original store, not to the copy: --new_admin_token belongs to the
    // server started on the restored copy.
    if (absl::GetFlag(FLAGS_new_admin_token)) {
      spdlog::error(
          "--new_admin_token cannot be combined with --backup_to: a backup "
          "never holds admin.token; give --new_admin_token to the server "
          "started on the restored copy");
      return 1;
    }
    // The flags that only a serving server reads would be ignored here
    // without a word: whoever gave one expected something of it.
    std::vector<std::string> serving_flags;
    for (const char* name : {"grpc_addr", "http_addr", "seed_dir", "tls_cert",
                             "tls_key", "tls_client_ca", "rate_limit_qps",
                             "rate_limit_burst", "shutdown_grace"}) {
      if (citymatch::FlagWasGiven(name)) {
        serving_flags.push_back(absl::StrCat("--", name));
      }
    }
    if (!serving_flags.empty()) {
      spdlog::error(
          "{} cannot be combined with --backup_to, which copies the store "
          "and exits without serving; leave {} out",
          absl::StrJoin(serving_flags, ", "),
          serving_flags.size() == 1 ? "it" : "them");
      return 1;
    }
    const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
    absl::StatusOr<citymatch::DataDirBackup> backup =
        citymatch::BackupDataDir(data_dir, backup_dir);
    if (!backup.ok()) {
      spdlog::error("backup failed: {}", backup.status().ToString());
      return 1;
    }
    std::printf(
        "backed up graph version %lld of %s to %s: %d cities, %d projects, "
        "%d practices, %d twinnings; %d token%s, %d organisation%s\n",
        static_cast<long long>(backup->graph_version), data_dir.c_str(),
        backup_dir.c_str(), backup->cities, backup->projects, backup->practices,
        backup->twinnings, backup->tokens, backup->tokens == 1 ? "" : "s",
        backup->organizations, backup->organizations == 1 ? "" : "s");
    return 0;
  }

  const absl::Duration grace = absl::GetFlag(FLAGS_shutdown_grace);
  if (grace < absl::ZeroDuration()) {
    spdlog::error("--shutdown_grace={} is negative; 0 stops at once",
                  absl::FormatDuration(grace));
    return 1;
  }

  // Block the signals in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (const std::string http_addr = absl::GetFlag(FLAGS_http_addr);
      !http_addr.empty()) {
    spdlog::warn(
        "--http_addr={}: the HTTP/JSON gateway is not part of this build; "
        "nothing will listen there (use the gRPC API on --grpc_addr)",
        http_addr);
  }

  citymatch::ServerOptions options;
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.grpc_addr = absl::GetFlag(FLAGS_grpc_addr);
  options.seed_dir = absl::GetFlag(FLAGS_seed_dir);
  options.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  options.rate_limit_qps = absl::GetFlag(FLAGS_rate_limit_qps);
  options.rate_limit_burst = absl::GetFlag(FLAGS_rate_limit_burst);
  options.new_admin_token = absl::GetFlag(FLAGS_new_admin_token);
  absl::StatusOr<std::unique_ptr<citymatch::Server>> server =
      citymatch::Server::BuildAndStart(options);
  if (!server.ok()) {
    spdlog::error("cannot start: {}", server.status().ToString());
    return 1;
  }
  // A launcher that picked port 0 reads the real port from this line.
  std::printf("listening on port %d\n", (*server)->grpc_port());
  std::fflush(stdout);

  std::thread watcher([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    spdlog::info("received signal {}", signal);
    (*server)->Shutdown(grace);
  });
  (*server)->Wait();
  watcher.join();
  return 0;
}
