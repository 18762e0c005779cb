#include "graph/interchange_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace citymatch {

namespace {

absl::Status CannotRead(const std::string& path, int error,
                        const std::string& why) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat("cannot read ", path, ": ", why));
}

absl::Status CannotRead(const std::string& path, int error) {
  return CannotRead(path, error, std::strerror(error));
}

// Why the entry at `path`, which stat() could not follow, cannot be read.
absl::Status Unfollowable(const std::string& path, int error) {
  if (error == ENOENT) {
    std::error_code ignored;
    const std::filesystem::path target =
        std::filesystem::read_symlink(path, ignored);
    return CannotRead(
        path, error,
        absl::StrCat("it is a link to ",
                     target.empty() ? std::string("a path") : target.string(),
                     ", which does not exist"));
  }
  return CannotRead(path, error);
}

absl::Status NotARegularFile(const std::string& path, mode_t mode) {
  return CannotRead(path, S_ISDIR(mode) ? EISDIR : EINVAL,
                    S_ISDIR(mode) ? "it is a directory, not a file"
                                  : "it is not a regular file");
}

}  // namespace

absl::StatusOr<std::optional<std::string>> ReadInterchangeFile(
    const std::string& dir, const std::string& name) {
  const std::string path = (std::filesystem::path(dir) / name).string();
  struct stat entry;
  if (lstat(path.c_str(), &entry) != 0) {
    // Absent. Any other error (no search permission on the folder) leaves
    // open whether the file is there, so it is not taken as absent.
    if (errno == ENOENT) return std::nullopt;
    return CannotRead(path, errno);
  }
  // stat() before open(): opening a FIFO or a device could block or act.
  struct stat target;
  if (stat(path.c_str(), &target) != 0) return Unfollowable(path, errno);
  if (!S_ISREG(target.st_mode)) return NotARegularFile(path, target.st_mode);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return CannotRead(path, errno);
  // Checked again on what was opened: the entry may have been replaced.
  struct stat opened;
  if (fstat(fd, &opened) != 0) {
    const int error = errno;
    close(fd);
    return CannotRead(path, error);
  }
  if (!S_ISREG(opened.st_mode)) {
    close(fd);
    return NotARegularFile(path, opened.st_mode);
  }
  std::string content;
  content.reserve(static_cast<size_t>(opened.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      content.append(buffer, static_cast<size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      const int error = errno;
      close(fd);
      return CannotRead(path, error);
    }
  }
  close(fd);
  return content;
}

}  // namespace citymatch
