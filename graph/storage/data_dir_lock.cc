#include "graph/storage/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "graph/storage/file_modes.h"

namespace citymatch {

absl::StatusOr<std::unique_ptr<DataDirLock>> DataDirLock::Acquire(
    const std::string& dir) {
  // The server's first act on its data directory, so this is where one that
  // does not exist yet is made, private (0700).
  if (absl::Status made = CreateOwnerOnlyDirectory(dir); !made.ok()) {
    return made;
  }
  const std::string path = (std::filesystem::path(dir) / "LOCK").string();
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int lock_error = errno;
    char holder[32] = {0};
    const ssize_t n = pread(fd, holder, sizeof(holder) - 1, 0);
    close(fd);
    if (lock_error != EWOULDBLOCK) {
      return absl::UnavailableError(
          absl::StrCat("cannot lock ", path, ": ", std::strerror(lock_error)));
    }
    const std::string pid(absl::StripAsciiWhitespace(
        std::string(holder, n > 0 ? static_cast<size_t>(n) : 0)));
    return absl::FailedPreconditionError(absl::StrCat(
        dir, " is in use by another citymatch-server",
        pid.empty() ? "" : absl::StrCat(" (pid ", pid, ")"),
        "; one store serves one server at a time (a copy: --backup_to)"));
  }
  // Who holds it, for the message above; the lock itself is the flock.
  const std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) !=
                                   static_cast<ssize_t>(pid.size())) {
    // Only the message loses its pid; the lock holds.
  }
  return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() {
  flock(fd_, LOCK_UN);
  close(fd_);
}

}  // namespace citymatch
