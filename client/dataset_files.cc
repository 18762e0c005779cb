#include "client/dataset_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/interchange_file.h"

namespace citymatch {

namespace fs = std::filesystem;

absl::StatusOr<std::map<std::string, std::string>> ReadDatasetFolder(
    const std::string& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat(dir, " is not a directory"));
  }
  std::map<std::string, std::string> files;
  for (const char* name : kInterchangeFiles) {
    absl::StatusOr<std::optional<std::string>> content =
        ReadInterchangeFile(dir, name);
    if (!content.ok()) return content.status();
    if (*content) files[name] = **std::move(content);
  }
  if (files.empty()) {
    // A misnamed file ("citys.csv") is the likely reason: name what is there.
    const std::vector<std::string> others = OtherCsvFiles(dir);
    return absl::InvalidArgumentError(absl::StrCat(
        dir,
        " holds none of cities.csv, projects.csv, memberships.csv, "
        "practices.csv, twinnings.csv",
        others.empty()
            ? ""
            : absl::StrCat(" (it holds ", absl::StrJoin(others, ", "), ")")));
  }
  return files;
}

std::vector<std::string> OtherCsvFiles(const std::string& dir) {
  std::vector<std::string> others;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    // "cities.CSV" too: the files are read by their exact names, and one
    // saved with an upper-case extension must not be skipped unnamed.
    if (!absl::EndsWithIgnoreCase(name, ".csv")) continue;
    if (std::find(std::begin(kInterchangeFiles), std::end(kInterchangeFiles),
                  name) == std::end(kInterchangeFiles)) {
      others.push_back(name);
    }
  }
  std::sort(others.begin(), others.end());
  return others;
}

std::vector<std::string> ExistingFiles(const std::string& dir,
                                       const std::vector<std::string>& names) {
  std::vector<std::string> existing;
  for (const std::string& name : names) {
    std::error_code error;
    // A link counts as the file even when it points nowhere: a write would
    // go through it.
    if (fs::exists(fs::symlink_status(fs::path(dir) / name, error))) {
      existing.push_back(name);
    }
  }
  return existing;
}

namespace {

absl::Status WriteError(const fs::path& path, int error) {
  return absl::InternalError(
      absl::StrCat("cannot write ", path.string(), ": ", std::strerror(error)));
}

// Writes `content` to a new file beside `path` and returns its name. The name
// starts with a dot, which no data set file's may (WriteDatasetFolder refuses
// them), and ends in a number, so it is never read as a data set file.
absl::StatusOr<fs::path> WriteTemporary(const fs::path& path,
                                        const std::string& content) {
  for (int attempt = 0;; ++attempt) {
    const fs::path temporary =
        path.parent_path() / absl::StrCat(".", path.filename().string(), ".",
                                          getpid(), ".", attempt);
    const int fd =
        open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
      if (errno == EEXIST && attempt < 100) continue;
      return WriteError(path, errno);
    }
    size_t written = 0;
    int error = 0;
    while (written < content.size() && error == 0) {
      const ssize_t n =
          write(fd, content.data() + written, content.size() - written);
      if (n >= 0) {
        written += static_cast<size_t>(n);
      } else if (errno != EINTR) {
        error = errno;
      }
    }
    if (close(fd) != 0 && error == 0) error = errno;
    if (error != 0) {
      unlink(temporary.c_str());
      return WriteError(path, error);
    }
    return temporary;
  }
}

// Gives `temporary` the name `path` unless `path` exists (EEXIST then), in
// one step: a file created at any moment before is never replaced.
int RenameNoReplace(const fs::path& temporary, const fs::path& path) {
  if (renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, path.c_str(),
                RENAME_NOREPLACE) == 0) {
    return 0;
  }
  if (errno != EINVAL && errno != ENOSYS) return errno;
  // A file system without the flag: a hard link is never made over a name
  // either.
  if (link(temporary.c_str(), path.c_str()) != 0) return errno;
  unlink(temporary.c_str());
  return 0;
}

}  // namespace

absl::Status WriteDatasetFolder(const std::string& dir,
                                const std::map<std::string, std::string>& files,
                                Existing existing) {
  for (const auto& [name, content] : files) {
    if (name.empty() || name.find('/') != std::string::npos ||
        name.find('\\') != std::string::npos || name[0] == '.' ||
        !absl::EndsWith(name, ".csv")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing to write \"", name, "\": not a data set file"));
    }
  }
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", dir, ": ", error.message()));
  }
  // Every file is written before any is put in place, so a full disk leaves
  // the folder as it was.
  std::vector<std::pair<fs::path, fs::path>> staged;  // temporary, final
  auto remove_staged_from = [&staged](size_t first) {
    for (size_t i = first; i < staged.size(); ++i) {
      unlink(staged[i].first.c_str());
    }
  };
  for (const auto& [name, content] : files) {
    const fs::path path = fs::path(dir) / name;
    absl::StatusOr<fs::path> temporary = WriteTemporary(path, content);
    if (!temporary.ok()) {
      remove_staged_from(0);
      return temporary.status();
    }
    staged.emplace_back(*std::move(temporary), path);
  }
  for (size_t i = 0; i < staged.size(); ++i) {
    const auto& [temporary, path] = staged[i];
    const int failed =
        existing == Existing::kReplace
            ? (std::rename(temporary.c_str(), path.c_str()) == 0 ? 0 : errno)
            : RenameNoReplace(temporary, path);
    if (failed == 0) continue;
    remove_staged_from(i);
    if (existing == Existing::kReplace) return WriteError(path, failed);
    // The files put in place before this one were new: take them back, so
    // a refused write writes nothing.
    for (size_t j = 0; j < i; ++j) unlink(staged[j].second.c_str());
    if (failed == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat(path.string(), " already exists"));
    }
    return WriteError(path, failed);
  }
  return absl::OkStatus();
}

}  // namespace citymatch
