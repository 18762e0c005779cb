#include "server/access_policy.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace citymatch {

namespace {

grpc::Status Denied(const std::string& why) {
  return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, why);
}

// "an EDITOR", "a VIEWER": a role as a refusal names it.
std::string RoleWithArticle(TokenRole role) {
  const std::string name = TokenRoleName(role);
  const bool vowel = absl::StrContains("AEIOU", name.substr(0, 1));
  return absl::StrCat(vowel ? "an " : "a ", name);
}

// Owned entities: an editor writes only what its organisation owns, before
// and after the change (so it can neither take nor give away an entity).
template <typename T>
grpc::Status CheckOwned(const Principal& p, const T* before, const T* after,
                        const char* kind) {
  if (p.role == TokenRole::kAdmin) return grpc::Status::OK;
  if (p.role != TokenRole::kEditor) {
    return Denied(absl::StrCat(RoleWithArticle(p.role), " token cannot write ",
                               kind, "s"));
  }
  auto owner_name = [](const std::string& owner) {
    return owner.empty() ? std::string("nobody (reference data)")
                         : "organizations/" + owner;
  };
  if (before != nullptr && before->owner != p.organization_id) {
    return Denied(absl::StrCat("the ", kind, " ", before->id, " is owned by ",
                               owner_name(before->owner),
                               "; this token acts for organizations/",
                               p.organization_id));
  }
  // The entity is (or would be) the editor's own; the request names another
  // owner for it.
  if (after != nullptr && after->owner != p.organization_id) {
    return Denied(absl::StrCat(
        "an EDITOR token cannot give the ", kind, " ", after->id, " to ",
        owner_name(after->owner), ": only an ADMIN token changes an owner; ",
        "this token acts for organizations/", p.organization_id));
  }
  return grpc::Status::OK;
}

}  // namespace

const char* TokenRoleName(TokenRole role) {
  switch (role) {
    case TokenRole::kAdmin:
      return "ADMIN";
    case TokenRole::kEditor:
      return "EDITOR";
    case TokenRole::kViewer:
      return "VIEWER";
    default:
      return "UNSPECIFIED";
  }
}

grpc::Status CheckAccess(const Principal& p, Access access) {
  switch (access) {
    case Access::kRead:
      if (p.role == TokenRole::kAdmin || p.role == TokenRole::kEditor ||
          p.role == TokenRole::kViewer) {
        return grpc::Status::OK;
      }
      break;
    case Access::kWrite:
      if (p.role == TokenRole::kAdmin || p.role == TokenRole::kEditor) {
        return grpc::Status::OK;
      }
      break;
    case Access::kAdmin:
      if (p.role == TokenRole::kAdmin) return grpc::Status::OK;
      break;
  }
  // Which role it needs, so that the caller knows whom to ask.
  return Denied(absl::StrCat(
      RoleWithArticle(p.role), " token may not make this call: it needs ",
      access == Access::kAdmin   ? "an ADMIN token"
      : access == Access::kWrite ? "an ADMIN or EDITOR token"
                                 : "a token of any role"));
}

grpc::Status CheckWrite(const Principal& p, const City* before,
                        const City* after,
                        const std::vector<std::string>& mask_paths) {
  if (p.role == TokenRole::kAdmin) return grpc::Status::OK;
  if (p.role != TokenRole::kEditor || before == nullptr || after == nullptr) {
    return Denied("only ADMIN tokens create or delete cities");
  }
  const std::vector<std::string>& cities = p.organization_city_ids;
  if (std::find(cities.begin(), cities.end(), before->id) == cities.end()) {
    return Denied(absl::StrCat("organizations/", p.organization_id,
                               " is not attached to cities/", before->id));
  }
  const bool profile_only =
      !mask_paths.empty() &&
      std::all_of(
          mask_paths.begin(), mask_paths.end(), [](const std::string& path) {
            return path == "profile" || absl::StartsWith(path, "profile.");
          });
  if (!profile_only) {
    return Denied(
        "an EDITOR may change only a city's profile "
        "(update_mask: profile)");
  }
  return grpc::Status::OK;
}

grpc::Status CheckWrite(const Principal& p, const Project* before,
                        const Project* after, const std::vector<std::string>&) {
  return CheckOwned(p, before, after, "project");
}

grpc::Status CheckWrite(const Principal& p, const Practice* before,
                        const Practice* after,
                        const std::vector<std::string>&) {
  return CheckOwned(p, before, after, "practice");
}

void AssignDefaultOwner(const Principal&, City*) {}

void AssignDefaultOwner(const Principal& p, Project* project) {
  if (p.role == TokenRole::kEditor && project->owner.empty()) {
    project->owner = p.organization_id;
  }
}

void AssignDefaultOwner(const Principal& p, Practice* practice) {
  if (p.role == TokenRole::kEditor && practice->owner.empty()) {
    practice->owner = p.organization_id;
  }
}

}  // namespace citymatch
