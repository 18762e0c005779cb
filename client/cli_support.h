// Pieces of the citymatch CLI that are not flags parsing and not output: its
// exit codes, and turning what a person types ("lyon", "cities/x:lead",
// "open") into the API's values.
//
// Thread-safe: constants and free functions.
#ifndef CITYMATCH_CLIENT_CLI_SUPPORT_H_
#define CITYMATCH_CLIENT_CLI_SUPPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "citymatch/v1/admin.pb.h"
#include "citymatch/v1/resources.pb.h"

namespace citymatch {

// Exit codes of `citymatch`. Scripts rely on them; keep them stable and keep
// kExitCodesHelp (printed by --help) in step.
enum ExitCode : int {
  kExitOk = 0,
  // Something on this machine failed: a file could not be read or written.
  kExitLocalFailure = 1,
  // The command line is wrong: unknown flag, missing argument, bad value; or
  // it lacks the flag that allows what it asks (export over files: --force).
  kExitUsage = 2,
  // The server answered with an error (NOT_FOUND, INVALID_ARGUMENT, ...).
  kExitServerError = 3,
  // The server could not be reached or did not answer in time.
  kExitUnreachable = 4,
};

inline constexpr char kExitCodesHelp[] =
    "Exit codes:\n"
    "  0  success\n"
    "  1  local failure (a file could not be read or written)\n"
    "  2  usage error (unknown flag, missing argument, bad value, an\n"
    "     export into a folder holding its files without --force)\n"
    "  3  the server reported an error (NOT_FOUND, INVALID_ARGUMENT, ...)\n"
    "  4  the server is unreachable or did not answer in time\n"
    "     (UNAVAILABLE, DEADLINE_EXCEEDED)\n";

// kExitUnreachable for UNAVAILABLE and DEADLINE_EXCEEDED, kExitServerError
// for any other error, kExitOk for OK. The store also answers UNAVAILABLE
// when a write could not commit; for a script both mean "try again later".
ExitCode ExitCodeForServerStatus(const absl::Status& status);

// "cities/lyon" for ("cities", "lyon") and for ("cities", "cities/lyon").
// Anything else with a slash is returned unchanged for the server to judge.
std::string ToResourceName(absl::string_view collection,
                           absl::string_view id_or_name);

// A country filter as typed, for the API: a two-letter code in upper case
// ("it" -> "IT"), anything else unchanged, so that the server's refusal
// quotes what the user wrote ("Italy").
std::string CountryFilter(absl::string_view text);

// The items of a list flag as typed, in order: each value split at commas,
// spaces around an item dropped, empty items skipped. So "--with a,b",
// "--with a --with b" and "--with 'a, b'" are the same list.
std::vector<std::string> ListItems(const std::vector<std::string>& typed);

// The candidate nearest to `typed` (edit distance at most `limit`), for a
// "did you mean"; "" if none is that near. Ties go to the earlier one.
std::string Nearest(absl::string_view typed,
                    const std::vector<std::string>& candidates, int limit);

// A project member as typed: "CITY" or "CITY:lead" / "CITY:partner", where
// CITY is an id or "cities/{id}"; a bare CITY has ROLE_UNSPECIFIED (a new
// member is a partner, an existing one keeps its role). InvalidArgument for
// another role.
absl::StatusOr<v1::Membership> ParseMember(absl::string_view spec);

// "proposal", "open", "running" or "closed" (any case). InvalidArgument
// otherwise.
absl::StatusOr<v1::ProjectStatus> ParseProjectStatus(absl::string_view text);

// "admin", "editor" or "viewer" (any case). InvalidArgument otherwise.
absl::StatusOr<v1::TokenRole> ParseTokenRole(absl::string_view text);

// When a token made at `now` should stop working: an RFC 3339 time
// ("2027-01-31T00:00:00Z") or a duration from `now`, either a whole number of
// days or weeks ("30d", "2w") or anything absl::ParseDuration reads ("12h",
// "90m"). InvalidArgument if it is neither, or not after `now`.
absl::StatusOr<absl::Time> ParseExpiry(absl::string_view text, absl::Time now);

// The token file read when no token is given: "<data_dir>/admin.token", where
// the server of the quick start writes its bootstrap admin token, with
// `data_dir` the value of CITYMATCH_DATA_DIR ("var" if null or empty, as in
// deploy/serve.sh). Relative paths are relative to the working directory.
std::string DefaultTokenFile(const char* data_dir);

// The token held in the file at `path`, without surrounding whitespace.
// If the file does not exist: "" when `required` is false (no token, no
// error), NotFound when it is true. NotFound / PermissionDenied if it exists
// but cannot be read; InvalidArgument if it holds no token. Error messages
// name the file, never its content.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path,
                                          bool required);

}  // namespace citymatch

#endif  // CITYMATCH_CLIENT_CLI_SUPPORT_H_
