// ServerProcess runs the real citymatch-server binary in a child process on
// a free port, for tests that must see what a user sees: the CLI end to end,
// signals, crash recovery.
//
// The data directory belongs to the caller, not to the process: a test may
// SIGKILL the server, Wait() for it and Start() it again (or start a new
// ServerProcess) on the same directory to check what survived.
//
// The binary is $CITYMATCH_BIN_DIR/server/citymatch-server. The child dies
// with the test process (PR_SET_PDEATHSIG) and is SIGKILLed by the
// destructor, so a failing test leaves no server behind. Its stdout is
// copied to this process's stderr, line by line with a "[server] " prefix,
// so the server's log appears in the test's output.
//
// Thread-compatible: one thread drives a ServerProcess.
#ifndef CITYMATCH_TESTS_TESTING_SERVER_PROCESS_H_
#define CITYMATCH_TESTS_TESTING_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace citymatch::testing {

class ServerProcess {
 public:
  // Nothing runs until Start(). `extra_flags` are passed after --data_dir and
  // --grpc_addr, e.g. {"--seed_dir=/path"}.
  explicit ServerProcess(std::string data_dir,
                         std::vector<std::string> extra_flags = {});
  // SIGKILLs the child if it still runs and reaps it.
  ~ServerProcess();

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts `citymatch-server --data_dir=<data_dir> --grpc_addr=127.0.0.1:0
  // <extra_flags>` and waits until it prints "listening on port N".
  // DeadlineExceeded if that takes longer than `timeout` (the child is then
  // killed); Internal if the server exits first or cannot be started;
  // FailedPrecondition if a child started before is still running.
  absl::Status Start(absl::Duration timeout = absl::Seconds(120));

  // "127.0.0.1:N" of the running server. REQUIRES: Start() succeeded.
  const std::string& address() const { return address_; }
  int port() const { return port_; }
  // The child's pid; -1 before Start() and after Wait().
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }

  // Sends `signal` to the child (e.g. SIGTERM to shut it down cleanly,
  // SIGKILL to crash it). No-op if it has been reaped.
  void Kill(int signal);

  // Waits for the child to exit and returns its wait status (test it with
  // WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG). DeadlineExceeded if it is
  // still running after `timeout`; FailedPrecondition if none runs.
  absl::StatusOr<int> Wait(absl::Duration timeout = absl::Seconds(60));

  // Path of the server binary under $CITYMATCH_BIN_DIR.
  static std::string BinaryPath();

 private:
  // Copies the rest of the child's stdout to stderr until it closes.
  void Drain();
  // Joins the drain thread and closes the pipe.
  void StopDraining();

  const std::string data_dir_;
  const std::vector<std::string> extra_flags_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string address_;
  int port_ = 0;
  std::string pending_;  // stdout bytes read but not yet a full line
  std::thread drain_;
};

}  // namespace citymatch::testing

#endif  // CITYMATCH_TESTS_TESTING_SERVER_PROCESS_H_
