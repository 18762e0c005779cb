#include "graph/storage/file_modes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace citymatch {

namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path,
                        int error) {
  return absl::UnavailableError(
      absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(error)));
}

}  // namespace

absl::Status CreateOwnerOnlyDirectory(const std::string& dir) {
  // "var/" names "var"; its parent is what mkdir -p makes first.
  std::filesystem::path path = std::filesystem::path(dir).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();
  std::error_code error;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("cannot create ", dir, ": ", error.message()));
    }
  }
  if (::mkdir(path.c_str(), 0700) == 0) return absl::OkStatus();
  const int mkdir_error = errno;
  if (mkdir_error != EEXIST) return ErrnoError("create", dir, mkdir_error);
  // It existed: fine if it is a directory, whatever its mode.
  if (!std::filesystem::is_directory(path, error)) {
    return ErrnoError("create", dir, ENOTDIR);
  }
  return absl::OkStatus();
}

absl::Status CreateOwnerOnlyFile(const std::string& path) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return errno == EEXIST ? absl::OkStatus()
                           : ErrnoError("create", path, errno);
  }
  ::close(fd);
  return absl::OkStatus();
}

absl::StatusOr<absl::optional<mode_t>> RestrictToOwner(
    const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return absl::nullopt;
    return ErrnoError("read the mode of", path, errno);
  }
  const mode_t mode = info.st_mode & 07777;
  if ((mode & 077) == 0) return absl::nullopt;
  if (::chmod(path.c_str(), 0600) != 0) {
    return ErrnoError("restrict the mode of", path, errno);
  }
  return mode;
}

}  // namespace citymatch
