// Reads a data set in the interchange format (docs/data-format.md): a folder
// of UTF-8 CSV files with a header row. Every bad row is reported with its
// file, line and reason; a caller applies the result only if there is none,
// which makes an import all or nothing.
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
  // What the files say, merged with `existing`: a row keeps what the format
  // has no column for from the stored resource of its id (a city's profile;
  // a project's status, owner, wanted partners and rules; a practice's
  // summary, URL and owner). A stored project whose row is read keeps its
  // members unless memberships.csv gives its members, which replace them. A
  // membership of a project that is not in the files but in `existing`
  // yields that project with the member added or its role changed.
  Dataset dataset;
  int projects = 0;     // project rows read (not projects only extended)
  int memberships = 0;  // membership rows read
  // The first kMaxReportedProblems problems, in the order they were found.
  std::vector<DatasetProblem> problems;
  // How many problems there are in all, those not kept in `problems`
  // included: what a reply must count, whatever it lists.
  int problem_count = 0;
  // Files of which no row was read, whatever the rules: not UTF-8, not CSV,
  // or a header without a column the file cannot do without. Their problems
  // say why.
  std::vector<std::string> unread_files;
};

// Keeps at most this many problems; problem_count counts the rest.
inline constexpr int kMaxReportedProblems = 100;

// Which rules a row must meet to be read.
enum class ReadRules {
  // The service's own (validation.h): ids of the id syntax, ISO country
  // codes, roles lead or partner, names and labels within their limits,
  // years as years. What an import applies.
  kService,
  // What the evaluation protocol needs of a data set written by someone
  // else: a unique non-empty id, a city's coordinates, references that
  // resolve. The rest is read as well as it can be:
  //  - any id as it is (the folds hash it as written);
  //  - a role that starts with "lead" in any case ("Lead partner") is the
  //    lead, any other a partner;
  //  - a population or year that is not a whole number, or a population
  //    out of range (negative, above kMaxPopulation), is unknown (0),
  //    reported with "read as unknown";
  //  - names, labels and country codes are not checked (a code is
  //    upper-cased);
  //  - column names are matched in any case ("ID", "Lat"); the exact name
  //    wins, else the first spelling; a column named twice is read from
  //    its first field, reported on the header line (kService refuses the
  //    file);
  //  - a file needs only its id and reference columns; the others, if the
  //    header lacks them, read as empty (reported once, on the header line),
  //    as do the trailing fields a row lacks; a row may end in empty extra
  //    fields.
  kEvaluation,
};

// Parses file contents keyed by file name. A reference (a member city, a
// practice's city, a twinning's cities, a membership's project) must name an
// id in the files or in `existing` (may be null); a row that names a city or
// project whose own row was refused is skipped without a second problem. An
// unknown file name is a problem (a typo must not drop a file silently);
// unknown columns are ignored.
ParsedDataset ParseDataset(const std::map<std::string, std::string>& files,
                           const GraphSnapshot* existing,
                           ReadRules rules = ReadRules::kService);

// Reads the interchange files present in `dir`. NotFound if `dir` does not
// exist; InvalidArgument if it holds none of them; an error naming the file
// and why (ReadInterchangeFile) if one is there but cannot be read as a
// regular file.
absl::StatusOr<std::map<std::string, std::string>> ReadDatasetFiles(
    const std::string& dir);

// Reads and parses `dir` on its own, every row that meets `rules`, with the
// problems of the others. Fails only if the files cannot be read.
absl::StatusOr<ParsedDataset> ParseDatasetDir(const std::string& dir,
                                              ReadRules rules);

// Reads and parses `dir` on its own by the service's rules. InvalidArgument
// listing the problems as "file:line: reason" lines if there are any.
absl::StatusOr<Dataset> ReadDataset(const std::string& dir);

// "file:line: reason".
std::string FormatProblem(const DatasetProblem& problem);

// The problems of `parsed` as FormatProblem lines, then "and N more
// problems" if it holds fewer than it counts.
std::vector<std::string> FormatProblems(const ParsedDataset& parsed);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_DATASET_READER_H_
