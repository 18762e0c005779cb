// Online backup of the embedded store: a consistent copy of its SQLite
// databases taken while a server keeps serving and writing.
//
// SQLite's backup API copies a database in one read transaction, and WAL
// mode lets that transaction run beside the writer: each copy is its
// database as of one commit, and no write waits for it. Restoring is
// starting a server with --data_dir on the copy.
#ifndef CITYMATCH_GRAPH_STORAGE_SQLITE_BACKUP_H_
#define CITYMATCH_GRAPH_STORAGE_SQLITE_BACKUP_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace citymatch {

// What a backup of a data directory holds.
struct DataDirBackup {
  int64_t graph_version = 0;
  int cities = 0;
  int projects = 0;
  int practices = 0;
  int twinnings = 0;
  int tokens = 0;
  int organizations = 0;
};

// Backs up both databases of a server's data directory (the graph store and
// the admin store: organisations, token hashes, audit log) into
// `backup_dir`, which must not exist or be empty. Both are copied into a
// staging directory beside it, opened and loaded there, and the staging
// directory is renamed to `backup_dir` only then: a backup that is reported
// is whole and one a server starts on, and a failed one leaves nothing
// behind. The bootstrap admin.token file is not copied: it is a plaintext
// secret, and the copied admin store already accepts that token.
//
// InvalidArgument if `backup_dir` is `data_dir` or lies inside it (compared
// with ".", ".." and symlinks resolved); NotFound if a database is missing;
// FailedPrecondition if one is not a citymatch store (or of a newer schema);
// AlreadyExists if `backup_dir` holds anything; Unavailable on I/O errors,
// naming the side (the store read, or the copy written); DataLoss if the copy
// does not load.
absl::StatusOr<DataDirBackup> BackupDataDir(const std::string& data_dir,
                                            const std::string& backup_dir);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_STORAGE_SQLITE_BACKUP_H_
