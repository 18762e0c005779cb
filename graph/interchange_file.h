// Reading one file of a data set folder (docs/data-format.md), shared by the
// CLI's import, the server's --seed_dir and citymatch-eval, so that all three
// tell a file that is absent from one that is there but cannot be read.
//
// Thread-safe: a free function.
#ifndef CITYMATCH_GRAPH_INTERCHANGE_FILE_H_
#define CITYMATCH_GRAPH_INTERCHANGE_FILE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace citymatch {

// The content of the file `name` in `dir`, following a symbolic link;
// std::nullopt if `dir` has no entry of that name. An entry that is there
// but cannot be read as a regular file (a link to nothing, a directory, a
// file without read permission) is an error naming its path and why: a file
// the user put in the folder must never be left out unnoticed.
absl::StatusOr<std::optional<std::string>> ReadInterchangeFile(
    const std::string& dir, const std::string& name);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_INTERCHANGE_FILE_H_
