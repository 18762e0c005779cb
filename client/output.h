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
#include "absl/time/time.h"
#include "citymatch/v1/admin.pb.h"
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
std::string TwinningDetails(const v1::Twinning& twinning);

// What an import read (or would read, if `validate_only`).
std::string ImportSummary(const v1::ImportDatasetResponse& response,
                          bool validate_only);

// Rank, city (name and resource name), country and score per row, with the
// reasons indented under it; with `explain` also each score component's
// name, value and contribution.
std::string RecommendationsTable(const v1::RecommendPartnersResponse& response,
                                 bool explain);

// For stderr: one "note: theme "<theme>" matches no theme; ..." line per theme
// of the request that matched nothing (the ranking ignored it), and one
// "note: programme ..." line if the draft's programme matched none, each with
// the server's "did you mean" if it has one. "" if everything matched.
std::string UnmatchedNotes(const v1::RecommendPartnersResponse& response);

// For stderr: "note: only N cities ..." when the reply holds fewer
// recommendations than `request` asked for, saying whether its filters are
// what leaves no more (else the graph holds no other city). "" otherwise.
std::string ShortListNote(const v1::RecommendPartnersRequest& request,
                          const v1::RecommendPartnersResponse& response);

// An RFC 3339 time in UTC to the second ("2026-11-29T11:20:05Z"); "" if
// `timestamp` is unset.
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);

// Organisations: id, display name, cities, creation time.
std::string OrganizationsTable(const v1::ListOrganizationsResponse& response);
std::string OrganizationDetails(const v1::Organization& organization);

// Tokens without secrets (there are none to show): id, display name, role,
// organisation, creation and expiry times, and whether the token is active,
// revoked or expired (at `now`).
std::string TokensTable(const v1::ListTokensResponse& response, absl::Time now);
std::string TokenDetails(const v1::Token& token);

// A new token's details, then a note that the secret is shown only this once
// and, as the last line and alone on it, the secret, so a script can take it
// with `tail -n 1`.
std::string CreatedToken(const v1::CreateTokenResponse& response);

// Audit events as the server ordered them (newest first): time, token, role,
// organisation, method, resource, result.
std::string AuditTable(const v1::ListAuditEventsResponse& response);

// "error: <CODE_NAME>: <message>" and one "  <field>: <description>" line
// per field violation the server attached, unless the message already is
// the only one ("<field>: <description>"): then once is enough.
std::string FormatError(const absl::Status& status);

// "error: <message>" for a failure on this machine (a folder, a file): no
// status code, which would read as the server's answer.
std::string FormatLocalError(const absl::Status& status);

}  // namespace citymatch

#endif  // CITYMATCH_CLIENT_OUTPUT_H_
