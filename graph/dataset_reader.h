// Reads a data set in the interchange format (DESIGN.md): a folder of UTF-8
// CSV files with a header row. Every bad row is reported with its file, line
// and reason; a caller applies the result only if there is none, which makes
// an import all or nothing.
//
// Thread-safe: free functions.
#ifndef CITYMATCH_GRAPH_DATASET_READER_H_
#define CITYMATCH_GRAPH_DATASET_READER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/dataset.h"
#include "graph/graph_snapshot.h"

namespace citymatch {

// The files of the interchange format, in the order they are read. Each is
// optional.
inline constexpr const char* kDatasetFiles[] = {
    "cities.csv", "projects.csv", "memberships.csv", "practices.csv",
    "twinnings.csv"};

// A bad row (line 0: the file as a whole).
struct DatasetProblem {
  std::string file;
  int line = 0;
  std::string reason;
};

struct ParsedDataset {
  // What the files say. A membership of a project that is not in the files
  // but in `existing` yields that project with the new member added.
  Dataset dataset;
  int projects = 0;     // project rows read (not projects only extended)
  int memberships = 0;  // membership rows read
  std::vector<DatasetProblem> problems;
};

// Reports at most this many problems; the rest are counted in the last one.
inline constexpr int kMaxReportedProblems = 100;

// Parses file contents keyed by file name. A reference (a member city, a
// practice's city, a twinning's cities, a membership's project) must name an
// id in the files or in `existing` (may be null). An unknown file name is a
// problem (a typo must not drop a file silently); unknown columns are ignored.
ParsedDataset ParseDataset(const std::map<std::string, std::string>& files,
                           const GraphSnapshot* existing);

// Reads the interchange files present in `dir`. NotFound if `dir` does not
// exist; InvalidArgument if it holds none of them.
absl::StatusOr<std::map<std::string, std::string>> ReadDatasetFiles(
    const std::string& dir);

// Reads and parses `dir` on its own. InvalidArgument listing the problems as
// "file:line: reason" lines if there are any.
absl::StatusOr<Dataset> ReadDataset(const std::string& dir);

// "file:line: reason".
std::string FormatProblem(const DatasetProblem& problem);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_DATASET_READER_H_
