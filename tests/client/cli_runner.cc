#include "tests/client/cli_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

extern char** environ;

namespace citymatch::testing {

namespace {

// A guard against a child that hangs, not a speed test: below ctest's
// --timeout 300 (deploy/test.sh), so that a hang still shows what the child
// printed, and far above the minute the whole evaluation takes on two idle
// cores, which a loaded machine can double.
constexpr absl::Duration kTimeout = absl::Seconds(280);

// The variables the CLI reads; never inherited from the test's environment.
// gRPC's own two among them decide whether it logs to stderr.
bool IsCliVariable(absl::string_view entry) {
  return absl::StartsWith(entry, "GRPC_VERBOSITY=") ||
         absl::StartsWith(entry, "GRPC_TRACE=") ||
         absl::StartsWith(entry, "CITYMATCH_SERVER=") ||
         absl::StartsWith(entry, "CITYMATCH_TOKEN=") ||
         absl::StartsWith(entry, "CITYMATCH_TOKEN_FILE=") ||
         absl::StartsWith(entry, "CITYMATCH_DATA_DIR=") ||
         absl::StartsWith(entry, "CITYMATCH_CA_CERT=") ||
         absl::StartsWith(entry, "CITYMATCH_CLIENT_CERT=") ||
         absl::StartsWith(entry, "CITYMATCH_CLIENT_KEY=");
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const CliResult& result) {
  return os << "exit code " << result.exit_code << "\n--- stdout ---\n"
            << result.out << "--- stderr ---\n"
            << result.err;
}

CliResult RunCli(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env,
                 const std::string& cwd) {
  return RunBuiltBinary("client/citymatch", args, env, cwd);
}

CliResult RunBuiltBinary(const std::string& binary,
                         const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env,
                         const std::string& cwd) {
  CliResult result;
  const char* bin_dir = std::getenv("CITYMATCH_BIN_DIR");
  // Absolute, so it still names the binary after the child's chdir().
  std::vector<std::string> argv_strings = {
      std::filesystem::absolute(
          absl::StrCat(bin_dir != nullptr ? bin_dir : ".", "/", binary))
          .string()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!IsCliVariable(*e)) env_strings.push_back(*e);
  }
  for (const auto& [name, value] : env) {
    env_strings.push_back(absl::StrCat(name, "=", value));
  }
  // Built before fork(): the child may only make async-signal-safe calls.
  std::vector<char*> argv, envp;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return result;
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return result;
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return result;
  }

  // Read both pipes until both close; reading one only could deadlock on a
  // child blocked writing the other.
  const absl::Time deadline = absl::Now() + kTimeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_pipes = 2;
  bool killed = false;
  while (open_pipes > 0) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left <= 0 && !killed) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    const int ready =
        ::poll(fds, 2, killed ? 1000 : static_cast<int>(left) + 1);
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 ||
          (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      char buffer[8192];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;  // poll() ignores negative descriptors
        --open_pipes;
      } else {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      }
    }
  }
  for (pollfd& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

}  // namespace citymatch::testing
