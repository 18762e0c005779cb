// Reading and writing a data set folder in the interchange format
// (docs/data-format.md): cities.csv, projects.csv, memberships.csv,
// practices.csv, twinnings.csv.
// The client only moves the bytes; the server parses and validates them, so
// the CLI and the server can never disagree about what a row means.
//
// Thread-safe: free functions.
#ifndef CITYMATCH_CLIENT_DATASET_FILES_H_
#define CITYMATCH_CLIENT_DATASET_FILES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace citymatch {

// The files of the interchange format, in the order the server reads them.
inline constexpr const char* kInterchangeFiles[] = {
    "cities.csv", "projects.csv", "memberships.csv", "practices.csv",
    "twinnings.csv"};

// Reads the interchange files present in `dir` (file name -> content); other
// files are left alone. NotFound if `dir` is not a directory;
// InvalidArgument if it holds none of the files; an error naming the file
// and why (ReadInterchangeFile) if one is there but cannot be read as a
// regular file: a link to nothing, a directory, no permission.
absl::StatusOr<std::map<std::string, std::string>> ReadDatasetFolder(
    const std::string& dir);

// The names of the .csv files in `dir` (any case: "cities.CSV") that are not
// interchange files, sorted: ReadDatasetFolder leaves them out. Empty if `dir`
// cannot be read.
std::vector<std::string> OtherCsvFiles(const std::string& dir);

// Those of `names` that `dir` already holds (a link counts, even one that
// points nowhere), in the order given: the files a WriteDatasetFolder into
// `dir` would replace or refuse. Empty if `dir` does not exist.
std::vector<std::string> ExistingFiles(const std::string& dir,
                                       const std::vector<std::string>& names);

// How WriteDatasetFolder treats a file of the same name already in `dir`.
enum class Existing { kKeep, kReplace };

// Writes each of `files` into `dir`, creating it if needed. Each file is
// written in full to a temporary file beside it, then put in place under its
// name: so no reader sees half a file, and a write that fails leaves no new
// file behind. With Existing::kKeep, a name `dir` holds by then (a file or a
// link, created at any moment before) is left alone: AlreadyExists naming
// it, and none of `files` is written. With Existing::kReplace, each file (or
// link) of the same name is replaced, one file at a time.
// InvalidArgument for a file name that is not a plain name ending in ".csv"
// (the names come from the server: they must not reach outside `dir`);
// Internal if a file cannot be written.
absl::Status WriteDatasetFolder(const std::string& dir,
                                const std::map<std::string, std::string>& files,
                                Existing existing);

}  // namespace citymatch

#endif  // CITYMATCH_CLIENT_DATASET_FILES_H_
