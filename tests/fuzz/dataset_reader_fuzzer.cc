// Fuzzes the importer (graph/dataset_reader.h). The input is a flags byte
// followed by up to five file contents separated by NUL bytes, given in the
// order of kDatasetFiles (fewer parts: the later files are absent; a sixth
// part is a file of an unknown name). Flags bit 0 set: the files are read
// against an existing snapshot (the hand-made sample data set), as an import
// into a running server is.
//
// Invariants: every problem names its file and reason, at most
// kMaxReportedProblems are reported; a data set without problems builds a
// snapshot (on its own, or on top of the existing one, as an import applies
// it); and a snapshot built from files alone exports to files that import
// back into the same content. The evaluation's reading of the files alone
// (ReadRules::kEvaluation) always builds a snapshot, reads a data set
// without problems exactly as the service does, and leaves unread only files
// the service leaves unread too; each file left unread has a problem.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "graph/dataset_reader.h"
#include "graph/dataset_writer.h"
#include "graph/graph_builder.h"
#include "graph/mutation.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/testing/sample_data.h"

namespace citymatch {
namespace {

const GraphSnapshot& Existing() {
  static const auto* const graph = [] {
    auto built = GraphBuilder(testing::SampleDataset()).Build(1);
    FUZZ_CHECK(built.ok());
    return new std::shared_ptr<const GraphSnapshot>(*std::move(built));
  }();
  return **graph;
}

// Everything must come back exactly, coordinates included: the export
// writes six decimals when they read back as the same double, 17
// significant digits otherwise.
bool SameContent(const Dataset& a, const Dataset& b) {
  return a.cities == b.cities && a.projects == b.projects &&
         a.practices == b.practices && a.twinnings == b.twinnings;
}

void CheckProblems(const ParsedDataset& parsed,
                   const std::map<std::string, std::string>& files) {
  // The first problems are kept, up to the cap; all are counted.
  FUZZ_CHECK(parsed.problems.size() ==
             std::min(static_cast<size_t>(parsed.problem_count),
                      static_cast<size_t>(kMaxReportedProblems)));
  for (const DatasetProblem& p : parsed.problems) {
    FUZZ_CHECK(!p.reason.empty());
    FUZZ_CHECK(p.line >= 0);
    FUZZ_CHECK(!p.file.empty());
  }
  // A file not read is one given, listed once, with a problem that says why
  // (unless the list was cut short).
  for (size_t i = 0; i < parsed.unread_files.size(); ++i) {
    const std::string& file = parsed.unread_files[i];
    FUZZ_CHECK(files.count(file) == 1);
    FUZZ_CHECK(std::count(parsed.unread_files.begin(),
                          parsed.unread_files.end(), file) == 1);
    FUZZ_CHECK(
        parsed.problems.size() == static_cast<size_t>(kMaxReportedProblems) ||
        std::any_of(parsed.problems.begin(), parsed.problems.end(),
                    [&](const DatasetProblem& p) { return p.file == file; }));
  }
}

}  // namespace
}  // namespace citymatch

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citymatch;  // NOLINT: a fuzz entry point, not a library
  if (size == 0) return 0;
  const bool with_existing = (data[0] & 1) != 0;
  const absl::string_view rest(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  std::map<std::string, std::string> files;
  int part = 0;
  for (absl::string_view content : absl::StrSplit(rest, '\0')) {
    const std::string name = part < 5 ? kDatasetFiles[part]
                                      : "extra" + std::to_string(part) + ".csv";
    files[name] = std::string(content);
    ++part;
  }
  const GraphSnapshot* existing = with_existing ? &Existing() : nullptr;
  ParsedDataset parsed = ParseDataset(files, existing);
  CheckProblems(parsed, files);

  const ParsedDataset lenient =
      ParseDataset(files, nullptr, ReadRules::kEvaluation);
  CheckProblems(lenient, files);
  // The evaluation's rules read every file the service's do.
  for (const std::string& file : lenient.unread_files) {
    FUZZ_CHECK(std::count(parsed.unread_files.begin(),
                          parsed.unread_files.end(), file) == 1);
  }
  auto lenient_graph = GraphBuilder(lenient.dataset).Build(1);
  if (!lenient_graph.ok()) {
    std::fprintf(stderr, "%s\n", lenient_graph.status().ToString().c_str());
  }
  FUZZ_CHECK(lenient_graph.ok());
  if (existing == nullptr && parsed.problems.empty()) {
    FUZZ_CHECK(lenient.problems.empty());
    FUZZ_CHECK(SameContent(lenient.dataset, parsed.dataset));
  }
  if (!parsed.problems.empty()) return 0;

  FUZZ_CHECK(parsed.projects <=
             static_cast<int>(parsed.dataset.projects.size()));
  if (existing != nullptr) {
    // What ImportDataset applies.
    Mutation mutation;
    mutation.put_cities = parsed.dataset.cities;
    mutation.put_projects = parsed.dataset.projects;
    mutation.put_practices = parsed.dataset.practices;
    mutation.put_twinnings = parsed.dataset.twinnings;
    GraphBuilder builder(*existing);
    builder.Apply(mutation);
    auto next = std::move(builder).Build(2);
    if (!next.ok()) {
      std::fprintf(stderr, "%s\n", next.status().ToString().c_str());
    }
    FUZZ_CHECK(next.ok());
    return 0;
  }
  auto built = GraphBuilder(parsed.dataset).Build(1);
  if (!built.ok()) {
    std::fprintf(stderr, "%s\n", built.status().ToString().c_str());
  }
  FUZZ_CHECK(built.ok());

  // Export, import again: the same graph.
  ParsedDataset again = ParseDataset(WriteDatasetFiles(**built), nullptr);
  for (const DatasetProblem& p : again.problems) {
    std::fprintf(stderr, "%s\n", FormatProblem(p).c_str());
  }
  FUZZ_CHECK(again.problems.empty());
  auto rebuilt = GraphBuilder(again.dataset).Build(1);
  FUZZ_CHECK(rebuilt.ok());
  FUZZ_CHECK(SameContent(GraphBuilder::ToDataset(**built),
                         GraphBuilder::ToDataset(**rebuilt)));
  return 0;
}
