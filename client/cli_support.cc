#include "client/cli_support.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace citymatch {

ExitCode ExitCodeForServerStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnreachable;
    default:
      return kExitServerError;
  }
}

std::string ToResourceName(absl::string_view collection,
                           absl::string_view id_or_name) {
  if (absl::StrContains(id_or_name, '/')) return std::string(id_or_name);
  return absl::StrCat(collection, "/", id_or_name);
}

absl::StatusOr<v1::Membership> ParseMember(absl::string_view spec) {
  v1::Membership member;
  absl::string_view city = spec;
  v1::Role role = v1::PARTNER;
  const size_t colon = spec.rfind(':');
  if (colon != absl::string_view::npos) {
    city = spec.substr(0, colon);
    const std::string role_text = absl::AsciiStrToLower(spec.substr(colon + 1));
    if (role_text == "lead") {
      role = v1::LEAD;
    } else if (role_text != "partner") {
      return absl::InvalidArgumentError(absl::StrCat(
          "member \"", spec, "\": the role after ':' must be lead or partner"));
    }
  }
  if (city.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("member \"", spec, "\" names no city"));
  }
  member.set_city(ToResourceName("cities", city));
  member.set_role(role);
  return member;
}

absl::StatusOr<v1::ProjectStatus> ParseProjectStatus(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "proposal") return v1::PROPOSAL;
  if (lower == "open") return v1::OPEN;
  if (lower == "running") return v1::RUNNING;
  if (lower == "closed") return v1::CLOSED;
  return absl::InvalidArgumentError(absl::StrCat(
      "status \"", text, "\" must be proposal, open, running or closed"));
}

}  // namespace citymatch
