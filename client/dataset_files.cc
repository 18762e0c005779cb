#include "client/dataset_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

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
    const fs::path path = fs::path(dir) / name;
    if (!fs::exists(path, error)) continue;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in || in.bad()) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot read ", path.string()));
    }
    files[name] = content.str();
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

absl::Status WriteDatasetFolder(
    const std::string& dir, const std::map<std::string, std::string>& files) {
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
  for (const auto& [name, content] : files) {
    const fs::path path = fs::path(dir) / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      return absl::InternalError(absl::StrCat("cannot write ", path.string()));
    }
  }
  return absl::OkStatus();
}

}  // namespace citymatch
