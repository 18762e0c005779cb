// How the CLI shows replies: as aligned tables for people, or as the reply's
// proto JSON (proto field names, every field present) for scripts. Each
// function returns the text, ending in a newline, so tests can check it
// without running a process.
//
// Thread-safe: free functions.
#ifndef CITYMATCH_CLIENT_OUTPUT_H_
#define CITYMATCH_CLIENT_OUTPUT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "citymatch/v1/catalog.pb.h"
#include "citymatch/v1/matching.pb.h"
#include "citymatch/v1/resources.pb.h"
#include "google/protobuf/message.h"

namespace citymatch {

enum class OutputFormat { kTable, kJson };

// `message` as indented proto JSON with the .proto field names and fields
// that hold their default value, so a script finds every key.
std::string ToJson(const google::protobuf::Message& message);

// The id part of a resource name ("cities/lyon" -> "lyon").
std::string IdOf(const std::string& resource_name);

// One row per resource, ordered as given.
std::string CitiesTable(const v1::ListCitiesResponse& response);
std::string PracticesTable(const v1::ListPracticesResponse& response);
std::string ProjectsTable(const v1::ListProjectsResponse& response);
std::string ThemesTable(const v1::ListThemesResponse& response);
std::string TwinningsTable(const v1::ListTwinningsResponse& response);

// One "field: value" line per field of one resource.
std::string CityDetails(const v1::City& city);
std::string PracticeDetails(const v1::Practice& practice);
std::string ProjectDetails(const v1::Project& project);

// What an import read (or would read, if `validate_only`).
std::string ImportSummary(const v1::ImportDatasetResponse& response,
                          bool validate_only);

// Rank, city (name and resource name), country and score per row, with the
// reasons indented under it; with `explain` also each score component's
// name, value and contribution.
std::string RecommendationsTable(const v1::RecommendPartnersResponse& response,
                                 bool explain);

// "error: <CODE_NAME>: <message>" and one "  <field>: <description>" line
// per field violation the server attached.
std::string FormatError(const absl::Status& status);

}  // namespace citymatch

#endif  // CITYMATCH_CLIENT_OUTPUT_H_
