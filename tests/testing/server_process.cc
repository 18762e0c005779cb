#include "tests/testing/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace citymatch::testing {

namespace {

constexpr absl::string_view kListeningPrefix = "listening on port ";

// Writes one line of the server's stdout to our stderr, whole, so lines of
// concurrent writers do not interleave mid-line.
void EchoLine(absl::string_view line) {
  const std::string text = absl::StrCat("[server] ", line, "\n");
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n =
        ::write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exit code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("signal ", WTERMSIG(status));
  return absl::StrCat("wait status ", status);
}

}  // namespace

ServerProcess::ServerProcess(std::string data_dir,
                             std::vector<std::string> extra_flags)
    : data_dir_(std::move(data_dir)), extra_flags_(std::move(extra_flags)) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  StopDraining();
}

std::string ServerProcess::BinaryPath() {
  const char* bin_dir = std::getenv("CITYMATCH_BIN_DIR");
  return absl::StrCat(bin_dir != nullptr ? bin_dir : ".",
                      "/server/citymatch-server");
}

absl::Status ServerProcess::Start(absl::Duration timeout) {
  if (pid_ > 0) {
    return absl::FailedPreconditionError("the server is already running");
  }
  StopDraining();
  address_.clear();
  port_ = 0;
  pending_.clear();

  const std::string binary = BinaryPath();
  if (::access(binary.c_str(), X_OK) != 0) {
    return absl::InternalError(
        absl::StrCat(binary, " is not executable: ", std::strerror(errno),
                     " (is it built?)"));
  }
  // Everything the child needs is prepared before fork(): between fork and
  // exec only async-signal-safe calls are allowed.
  std::vector<std::string> args = {binary,
                                   absl::StrCat("--data_dir=", data_dir_),
                                   "--grpc_addr=127.0.0.1:0"};
  args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    // Child: die with the test, whatever way the test ends.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(fds[1], STDOUT_FILENO);  // the copy does not inherit O_CLOEXEC
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  pid_ = pid;
  stdout_fd_ = fds[0];

  // Read lines until the port line, the child's exit, or the deadline.
  const absl::Time deadline = absl::Now() + timeout;
  while (port_ == 0) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      Kill(SIGKILL);
      Wait().IgnoreError();
      return absl::DeadlineExceededError(
          absl::StrCat("citymatch-server did not report its port within ",
                       absl::FormatDuration(timeout)));
    }
    pollfd poll_fd = {stdout_fd_, POLLIN, 0};
    const int ready = ::poll(
        &poll_fd, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
    }
    if (ready <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(stdout_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The child closed stdout: it is exiting before it listened.
      if (!pending_.empty()) EchoLine(pending_);
      absl::StatusOr<int> status = Wait();
      return absl::InternalError(
          absl::StrCat("citymatch-server exited before listening: ",
                       status.ok() ? DescribeWaitStatus(*status)
                                   : status.status().ToString()));
    }
    pending_.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while (port_ == 0 && (newline = pending_.find('\n')) != std::string::npos) {
      const std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      EchoLine(line);
      if (absl::StartsWith(line, kListeningPrefix)) {
        int port = 0;
        if (absl::SimpleAtoi(line.substr(kListeningPrefix.size()), &port) &&
            port > 0) {
          port_ = port;
        }
      }
    }
  }
  address_ = absl::StrCat("127.0.0.1:", port_);
  // Keep reading: a server whose stdout pipe fills up would block on its
  // next log line.
  drain_ = std::thread([this] { Drain(); });
  return absl::OkStatus();
}

void ServerProcess::Drain() {
  std::string pending = std::move(pending_);
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(stdout_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      EchoLine(absl::string_view(pending).substr(0, newline));
      pending.erase(0, newline + 1);
    }
  }
  if (!pending.empty()) EchoLine(pending);
}

void ServerProcess::StopDraining() {
  // The drain thread ends at EOF, which comes once the child has exited.
  if (drain_.joinable()) drain_.join();
  if (stdout_fd_ >= 0) {
    ::close(stdout_fd_);
    stdout_fd_ = -1;
  }
}

void ServerProcess::Kill(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

absl::StatusOr<int> ServerProcess::Wait(absl::Duration timeout) {
  if (pid_ <= 0) return absl::FailedPreconditionError("no server is running");
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      StopDraining();
      return status;
    }
    if (done < 0 && errno != EINTR) {
      return absl::InternalError(
          absl::StrCat("waitpid: ", std::strerror(errno)));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "citymatch-server still runs after ", absl::FormatDuration(timeout)));
    }
    // waitpid() cannot wait with a timeout; poll the child's state.
    absl::SleepFor(absl::Milliseconds(5));
  }
}

}  // namespace citymatch::testing
