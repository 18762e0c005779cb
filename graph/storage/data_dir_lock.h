// The lock that keeps a data directory to one server at a time, as leveldb's
// LOCK file does: a second server on the same store would serve its own
// copy of the graph, overwrite the first one's writes without its etag
// checks seeing them and write graph versions the first one writes too.
//
// An flock(2) on `<dir>/LOCK`: the kernel drops it when the holder exits,
// however it exits, so a crash never leaves a stale lock behind. The file
// holds the holder's pid, for the message a second server gets.
#ifndef CITYMATCH_GRAPH_STORAGE_DATA_DIR_LOCK_H_
#define CITYMATCH_GRAPH_STORAGE_DATA_DIR_LOCK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace citymatch {

class DataDirLock {
 public:
  // Creates `dir` (mode 0700) if needed and takes the lock on `<dir>/LOCK`.
  // FailedPrecondition if it is held, by another process or by another
  // DataDirLock of this one; Unavailable if the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<DataDirLock>> Acquire(
      const std::string& dir);

  // Releases the lock.
  ~DataDirLock();

  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  const int fd_;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_STORAGE_DATA_DIR_LOCK_H_
