// The modes of what the server keeps in its data directory. The admin store
// holds token hashes and the audit log, and every read of the graph needs a
// token; files that other local users may read would bypass both. So the
// server creates its files 0600 and a data directory it makes 0700.
//
// Thread-safe: free functions (they change the file system, not the umask).
#ifndef CITYMATCH_GRAPH_STORAGE_FILE_MODES_H_
#define CITYMATCH_GRAPH_STORAGE_FILE_MODES_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/optional.h"

namespace citymatch {

// Creates `dir` with mode 0700 if it does not exist; missing parents get the
// default mode, as `mkdir -p` gives them. A directory that exists is left as
// it is: its mode is the operator's choice (a group allowed to list it, say),
// and the files the server writes in it are private by themselves.
// Unavailable if it cannot be created.
absl::Status CreateOwnerOnlyDirectory(const std::string& dir);

// Creates `path` as an empty file with mode 0600 if it does not exist; an
// existing file is left as it is. SQLite creates a database 0644 (less the
// umask) and gives its -wal and -shm files the mode of the database, so an
// empty file made first (an empty file is an empty database) keeps all three
// private. Unavailable if it cannot be created.
absl::Status CreateOwnerOnlyFile(const std::string& path);

// Sets `path` to 0600 if it exists and its group or others have any access;
// returns the mode it had then, nullopt if it was left alone (missing, or
// private already). Unavailable if the mode cannot be changed (a file of
// another user).
absl::StatusOr<absl::optional<mode_t>> RestrictToOwner(const std::string& path);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_STORAGE_FILE_MODES_H_
