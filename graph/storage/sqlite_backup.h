// Online backup of the embedded store: a consistent copy of its SQLite
// databases taken while a server keeps serving and writing.
//
// SQLite's backup API copies a database in one read transaction, and WAL
// mode lets that transaction run beside the writer: the copy is the store as
// of one commit, and no write waits for it. Restoring is starting a server
// with --data_dir on the copy.
#ifndef CITYMATCH_GRAPH_STORAGE_SQLITE_BACKUP_H_
#define CITYMATCH_GRAPH_STORAGE_SQLITE_BACKUP_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace citymatch {

// Copies `<from_dir>/<file_name>` to `<to_dir>/<file_name>` (creating
// `to_dir`). The copy is written under another name and renamed when
// complete, so a failed backup leaves no half-written database behind.
// NotFound if the original does not exist; AlreadyExists if the copy does
// (a backup never overwrites one); Unavailable on I/O errors.
absl::Status BackupSqliteDatabase(const std::string& from_dir,
                                  const std::string& to_dir,
                                  const std::string& file_name);

// What a backup of a data directory holds.
struct DataDirBackup {
  int64_t graph_version = 0;
  int cities = 0;
  int projects = 0;
  int practices = 0;
  int twinnings = 0;
};

// Backs up both databases of a server's data directory (the graph store and
// the admin store: organisations, token hashes, audit log) into
// `backup_dir`, then opens the copy of the graph store and loads it, so a
// backup that is reported is one a server can start on. The bootstrap
// admin.token file is not copied: it is a plaintext secret, and the copied
// admin store already accepts that token. Errors as BackupSqliteDatabase;
// DataLoss if the copy does not load.
absl::StatusOr<DataDirBackup> BackupDataDir(const std::string& data_dir,
                                            const std::string& backup_dir);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_STORAGE_SQLITE_BACKUP_H_
